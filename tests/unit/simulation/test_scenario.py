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


def _scenario(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "categories": {"a": {"weight": 1, "work_minutes": 10}},
        "arrivals": {"hourly": {9: 1}},
        "shifts": {"day": {"days": ["mon"], "start": 8, "end": 17}},
        "agents": [{"id": "x", "skills": {"a": "advanced"}, "speed": 1.0, "shift": "day"}],
    }
    data.update(changes)
    return data


def _agent(**changes: object) -> dict[str, object]:
    return {"agents": [{"id": "x", "skills": {"a": "advanced"}, "shift": "day", **changes}]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"categories": {"a": {"weight": 0, "work_minutes": 10}}}, "at least one category"),
        ({"categories": {"a": {"weight": 1, "work_minutes": 0}}}, r"a\.work_minutes: must be"),
        ({"categories": {"a": {"weight": "lots", "work_minutes": 5}}}, "expected a number"),
        ({"categories": {"a": 5}}, r"categories\.a: expected \{weight, work_minutes\}"),
        ({"arrivals": {"hourly": {}}}, "no hour of the week has arrivals"),
        ({"arrivals": {"hourly": {25: 1}}}, "hour 25 unknown"),
        ({"arrivals": {"hourly": {9: -1}}}, r"hourly\.9: must be at least 0"),
        ({"arrivals": {"weekday": {"mon": 0}}}, "no hour of the week has arrivals"),
        ({"arrivals": {"spikes": [{"day": "mon"}]}}, r"spikes\[0\]: expected"),
        (_agent(speed=0), r"agents\[0\]\.speed: must be more than 0"),
        (_agent(concurrency=1.5), "expected a whole number"),
        (_agent(count=0), r"agents\[0\]\.count: must be at least 1"),
        ({"agents": ["x"]}, r"agents\[0\]: expected a mapping"),
        ({"shifts": {"day": {"start": 8, "end": 8}}}, "the same hour"),
        ({"shifts": {"day": {"start": 8, "end": 30}}}, "hours of the day"),
        ({"priorities": {7: 1}}, "priority 7 unknown"),
        ({"tiers": {"gold": 1}}, "tier 'gold' unknown"),
        ({"tiers": {"vip": 0}}, "tiers: give at least one positive weight"),
        ({"sla": {"minutes": {1: -5}}}, r"sla\.minutes\.1: must be more than 0"),
        ({"work_distribution": "pareto"}, "work_distribution 'pareto' unknown"),
        ({"uncategorised": 2}, "a share of tickets"),
        ({"mismatch_factor": 0}, "mismatch_factor: must be more than 0"),
    ],
)
def test_every_value_is_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(_scenario(**changes))


def test_a_shift_that_ends_before_it_starts_runs_past_midnight() -> None:
    night = parse_scenario(
        _scenario(
            shifts={"night": {"days": ["mon"], "start": 22, "end": 6}},
            agents=[{"id": "x", "skills": {"a": "basic"}, "shift": "night"}],
        )
    )
    assert (night.agents[0].shifts[0].start_h, night.agents[0].shifts[0].end_h) == (22.0, 30.0)
    sim = generate(night, 50, seed=0)
    on, off = sim.agents[0].shifts[0]
    assert (on, off) == (22 * 3600.0, 30 * 3600.0)  # Monday 22:00 to Tuesday 06:00


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "nope.yaml")
