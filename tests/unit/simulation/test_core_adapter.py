"""The real decision core driven by the simulator: pull mode, pushes, re-routes."""

from __future__ import annotations

import json

import pytest

from router.simulation import (
    CoreDispatcher,
    SimAgent,
    SimInput,
    SimTicket,
    generate,
    run,
    run_policies,
    summarise,
)
from streams.cli.main import main
from streams.simulation.scenario import default_scenario_path, load_scenario

ALWAYS = ((0.0, 1e9),)


def _burst(agents: list[SimAgent], n: int = 6, work: float = 100.0) -> SimInput:
    tickets = [SimTicket(f"t{k}", 10.0 * k, work, "billing") for k in range(n)]
    return SimInput(agents, tickets, tick_every_s=60.0, snapshot_every_s=5.0)


def test_balanced_pulls_from_the_central_queue() -> None:
    agents = [SimAgent(a, {"billing": 3}, shifts=ALWAYS) for a in ("a", "b")]
    sim = _burst(agents)
    dispatcher = CoreDispatcher(sim, "balanced")
    assert dispatcher.config["max_backlog"] == 1
    rec = run(sim, dispatcher)
    # nothing waits in a personal queue: each ticket is assigned when its agent frees up
    assert rec.assigned_at == rec.started_at
    assert set(rec.waiting_personal) == {0}
    assert max(rec.waiting) > 0
    m = summarise(sim, rec)
    assert m.closed == 6
    assert m.skill_match_rate == 1.0


def test_round_robin_pushes_into_personal_queues() -> None:
    agents = [SimAgent(a, {"billing": 3}, shifts=ALWAYS) for a in ("a", "b")]
    sim = _burst(agents)
    rec = run(sim, CoreDispatcher(sim, "round_robin"))
    assert rec.assigned_at == [10.0 * k for k in range(6)]  # assigned on arrival
    assert max(rec.waiting_personal) == 4  # but four of them wait behind a colleague's
    assert [rec.worker.count(a) for a in (0, 1)] == [3, 3]


def test_mixed_concurrency_reports_concurrency_as_capacity_in_pull_mode() -> None:
    agents = [
        SimAgent("a", {"billing": 3}, concurrency=1, shifts=ALWAYS),
        SimAgent("b", {"billing": 3}, concurrency=3, shifts=ALWAYS),
    ]
    sim = _burst(agents)
    dispatcher = CoreDispatcher(sim, "balanced")
    assert "max_backlog" not in dispatcher.config
    rec = run(sim, dispatcher)
    assert set(rec.waiting_personal) == {0}
    assert rec.started_at[:4] == [0.0, 10.0, 20.0, 30.0]  # four slots in all


def test_offline_agents_tickets_are_rerouted_and_counted() -> None:
    # a leaves at 50 holding unstarted tickets; the core moves them to b after its grace
    agents = [
        SimAgent("a", {"billing": 3}, shifts=((0.0, 50.0),)),
        SimAgent("b", {"billing": 3}, shifts=ALWAYS),
    ]
    sim = _burst(agents, n=6, work=1000.0)
    dispatcher = CoreDispatcher(sim, "round_robin", {"offline_reroute_grace_s": 60.0})
    rec = run(sim, dispatcher)
    m = summarise(sim, rec)
    assert m.closed == 6
    assert m.reassignments == 2  # t2 and t4 waited behind t0 on a
    assert dispatcher.outcomes["Rerouted"] == 2
    assert all(w == 1 for i, w in enumerate(rec.worker) if i in (2, 4))


def test_all_policies_side_by_side_on_the_default_scenario() -> None:
    sim = generate(load_scenario(default_scenario_path()), 600, seed=3)
    result = run_policies(sim)
    assert list(result.metrics) == ["round_robin", "least_loaded", "skills", "balanced", "pooled"]
    for metrics in result.metrics.values():
        assert metrics.tickets == 600
    # the pooled queue is the lower bound on waiting
    bound = result.pooled_mean_wait_s
    assert bound is not None
    assert all(m.mean_wait_s >= bound * 0.999 for m in result.metrics.values())
    assert result.configs["balanced"]["max_backlog"] == 1


def test_cli_runs_every_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--tickets", "300", "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["policies"]) == {"round_robin", "least_loaded", "skills", "balanced", "pooled"}
    assert {g["name"] for g in data["goals"]} == {
        "wait_vs_pooled",
        "wait_cut_vs_round_robin",
        "jain_utilisation",
        "skill_match_rate",
    }
    assert all(g["met"] in (True, False) for g in data["goals"])


def test_config_errors_name_the_setting(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "group.yaml"
    path.write_text("max_backlog: -1\n")
    assert main(["simulate", "--tickets", "50", "--config", str(path), "--quiet"]) == 1
    assert "max_backlog" in capsys.readouterr().err


def test_policies_in_worker_processes_give_the_serial_results() -> None:
    sim = generate(load_scenario(default_scenario_path()), 600, seed=5)
    seen: dict[str, int] = {}

    def progress(policy: str, closed: int, total: int) -> None:
        seen[policy] = max(seen.get(policy, 0), closed)
        assert total == 600

    serial = run_policies(sim, jobs=1)
    parallel = run_policies(sim, jobs=2, progress=progress)
    assert list(parallel.metrics) == list(serial.metrics)
    for policy, metrics in serial.metrics.items():
        assert parallel.metrics[policy] == metrics, policy
        assert parallel.records[policy].worker == serial.records[policy].worker
    assert seen == dict.fromkeys(serial.metrics, 600)


def test_an_unknown_policy_is_refused_before_any_work() -> None:
    sim = generate(load_scenario(default_scenario_path()), 50, seed=5)
    with pytest.raises(ValueError, match="unknown policy 'fifo'"):
        run_policies(sim, ["balanced", "fifo"], jobs=2)
