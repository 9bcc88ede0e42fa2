"""The scenario loader and the synthetic generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.simulation import generate
from streams.simulation.scenario import (
    ScenarioError,
    default_scenario_path,
    load_scenario,
    parse_scenario,
)


def test_default_scenario_reproduces_the_domain_situation() -> None:
    spec = load_scenario(default_scenario_path())
    assert spec.target_load == pytest.approx(0.9)
    speeds = [a.speed for a in spec.agents]
    assert max(speeds) / min(speeds) == pytest.approx(3.0)  # speeds spread 3:1
    assert any(s.day == 0 and s.factor > 1 for s in spec.spikes)  # a Monday spike
    sim = generate(spec, 3000, seed=7)
    assert len(sim.tickets) == 3000
    assert len(sim.agents) == 20
    # every category has specialists; nobody but the generalists has every skill
    assert all(len(a.skills) == 2 for a in sim.agents if not a.agent_id.startswith("general"))


def test_generation_is_reproducible_with_a_seed() -> None:
    spec = load_scenario(default_scenario_path())
    a, b, c = generate(spec, 500, seed=1), generate(spec, 500, seed=1), generate(spec, 500, seed=2)
    assert a.tickets == b.tickets
    assert a.tickets != c.tickets


def test_offered_load_is_near_the_target() -> None:
    spec = load_scenario(default_scenario_path())
    sim = generate(spec, 20_000, seed=0)
    span_weeks = sim.tickets[-1].arrival / (7 * 86400)
    work = sum(t.work for t in sim.tickets)
    weekly_capacity = 0.0
    for agent in sim.agents:
        week = [(on, off) for on, off in agent.shifts if off <= 7 * 86400]
        weekly_capacity += agent.speed * agent.concurrency * sum(off - on for on, off in week)
    assert work / (span_weeks * weekly_capacity) == pytest.approx(0.9, rel=0.05)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": {"a": {"work_minutes": 1}}}, "lacks 'agents'"),
        ({"agents": [], "categories": {}}, "'categories' must map"),
        ({"agents": [{"shift": "x"}], "categories": {"a": {"work_minutes": 1}}}, "lacks 'id'"),
        ({"agents": [{"id": "a"}], "categories": {"a": {"work_minutes": 1}}}, "give the agent"),
        (
            {"agents": [{"id": "a", "shift": "x"}], "categories": {"a": {"work_minutes": 1}}},
            "unknown shift 'x'",
        ),
        (
            {
                "agents": [
                    {"id": "a", "skills": {"a": "guru"}, "shifts": [{"start": 8, "end": 9}]}
                ],
                "categories": {"a": {"work_minutes": 1}},
            },
            "unknown skill level",
        ),
    ],
)
def test_errors_name_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(data)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "nope.yaml")
