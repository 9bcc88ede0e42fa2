"""The engine and metrics on tiny hand-computed cases: one or two agents, exact waits."""

from __future__ import annotations

import pytest

from router.simulation import (
    UNASSIGNED,
    PooledQueue,
    SimAgent,
    SimInput,
    SimTicket,
    SkilledPooledQueue,
    run,
    summarise,
)
from tests.unit.simulation.fakes import PushRoundRobin, Scripted

ALWAYS = ((0.0, 1e9),)


def _sim(tickets: list[SimTicket], agents: list[SimAgent] | None = None, **kw: float) -> SimInput:
    agents = agents or [SimAgent("a", {"billing": 3}, shifts=ALWAYS)]
    return SimInput(agents, tickets, tick_every_s=0.0, snapshot_every_s=0.0, **kw)


def _waits(sim: SimInput, dispatcher: object) -> list[float]:
    rec = run(sim, dispatcher)  # type: ignore[arg-type]
    return [s - a for s, a in zip(rec.started_at, rec.arrival, strict=True)]


def test_one_agent_fifo_exact_waits() -> None:
    # arrivals 0, 2, 3 with work 10, 5, 1: starts 0, 10, 15 -> waits 0, 8, 12
    sim = _sim(
        [
            SimTicket("t1", 0, 10, "billing"),
            SimTicket("t2", 2, 5, "billing"),
            SimTicket("t3", 3, 1, "billing"),
        ]
    )
    rec = run(sim, PooledQueue(sim))
    assert rec.started_at == [0, 10, 15]
    assert rec.closed_at == [10, 15, 16]
    m = summarise(sim, rec)
    assert m.mean_wait_s == pytest.approx(20 / 3)
    assert (m.p50_wait_s, m.p90_wait_s, m.p99_wait_s, m.max_wait_s) == (8, 12, 12, 12)
    assert m.mean_assign_s == pytest.approx(20 / 3)  # pooled: assigned when started
    assert m.utilisation == {"a": pytest.approx(1.0)}  # busy 16 s of 16 s on shift
    assert m.skill_match_rate == 1.0
    assert m.reassignments == 0


def test_priority_goes_first_in_the_queue() -> None:
    # the P1 ticket arriving at 3 overtakes the P3 one from 2: starts 0, 11, 10
    sim = _sim(
        [
            SimTicket("t1", 0, 10, "billing"),
            SimTicket("t2", 2, 5, "billing"),
            SimTicket("t3", 3, 1, "billing", priority=1),
        ]
    )
    assert _waits(sim, PooledQueue(sim)) == [0, 9, 7]


def test_push_assigns_at_once_but_the_ticket_still_waits() -> None:
    # one agent, push policy: assignment time 0 for all, waits as in FIFO
    sim = _sim([SimTicket("t1", 0, 10, "billing"), SimTicket("t2", 2, 5, "billing")])
    rec = run(sim, PushRoundRobin(1))
    m = summarise(sim, rec)
    assert rec.assigned_at == [0, 2]
    assert m.mean_assign_s == 0
    assert m.mean_wait_s == 4  # (0 + 8) / 2


def test_personal_queues_wait_while_a_colleague_idles() -> None:
    # two agents, round-robin: t1, t3 -> a; t2 -> b. a is busy 0..10 so t3 waits 9 s
    # although b is idle from 1 s on; the pooled queue gives t3 to b at once.
    agents = [SimAgent("a", {}, shifts=ALWAYS), SimAgent("b", {}, shifts=ALWAYS)]
    tickets = [
        SimTicket("t1", 0, 10, None),
        SimTicket("t2", 0, 1, None),
        SimTicket("t3", 1, 2, None),
    ]
    sim = _sim(tickets, agents)
    assert _waits(sim, PushRoundRobin(2)) == [0, 0, 9]
    assert _waits(sim, PooledQueue(sim)) == [0, 0, 0]


def test_speed_and_skill_mismatch_set_the_service_time() -> None:
    agents = [SimAgent("a", {"billing": 3}, speed=2.0, shifts=ALWAYS)]
    tickets = [SimTicket("t1", 0, 10, "billing"), SimTicket("t2", 0, 10, "shipping")]
    sim = _sim(tickets, agents, mismatch_factor=1.5)
    rec = run(sim, PushRoundRobin(1))
    assert rec.closed_at == [5, 12.5]  # 10 / 2, then 10 / 2 * 1.5
    assert summarise(sim, rec).skill_match_rate == 0.5
    # the ideal pooled queue assumes everyone can do everything: no mismatch penalty
    rec = run(sim, PooledQueue(sim))
    assert rec.closed_at == [5, 10]


def test_shift_gap_and_overtime() -> None:
    # on 0..5 and 20..100; t1 (work 8) runs over the shift end (overtime to 8);
    # t2 arrives at 6 while off shift and starts at 20.
    agents = [SimAgent("a", {}, shifts=((0.0, 5.0), (20.0, 100.0)))]
    sim = _sim([SimTicket("t1", 0, 8, None), SimTicket("t2", 6, 4, None)], agents)
    rec = run(sim, PushRoundRobin(1))
    assert rec.started_at == [0, 20]
    assert rec.closed_at == [8, 24]
    # available: 0..5 on shift, 5..8 overtime, 20..24 on shift until the run ended
    assert rec.online_time == [pytest.approx(12.0)]
    assert rec.busy_time == [pytest.approx(12.0)]


def test_concurrency_works_tickets_in_parallel() -> None:
    agents = [SimAgent("a", {}, concurrency=2, shifts=ALWAYS)]
    tickets = [SimTicket(f"t{k}", 0, 10, None) for k in range(3)]
    sim = _sim(tickets, agents)
    assert _waits(sim, PushRoundRobin(1)) == [0, 0, 10]
    m = summarise(sim, run(sim, PooledQueue(sim)))
    assert m.utilisation["a"] == pytest.approx(30 / (20 * 2))


def test_moves_and_unassignments_count_as_reassignments() -> None:
    # round-robin: t1 -> a, t2 -> b (off shift until 50), t3 -> a. At 1 t3 moves to b,
    # at 2 t2 is taken back from b, at 3 it goes to a (behind t1, so it starts at 10).
    agents = [SimAgent("a", {}, shifts=ALWAYS), SimAgent("b", {}, shifts=((50.0, 100.0),))]
    tickets = [
        SimTicket("t1", 0, 10, None),
        SimTicket("t2", 0, 1, None),
        SimTicket("t3", 0, 1, None),
    ]
    moves = {1.0: [(2, 1)], 2.0: [(1, UNASSIGNED)], 3.0: [(1, 0)]}
    sim = SimInput(agents, tickets, tick_every_s=1.0, snapshot_every_s=0.0)
    rec = run(sim, Scripted(2, moves))
    assert rec.worker == [0, 0, 1]
    assert rec.started_at == [0, 10, 50]
    assert rec.reassigned == [0, 1, 1]
    assert summarise(sim, rec).reassignments == 2
    assert rec.assigned_at == [0, 0, 0]  # the first assignment counts for time to assign


def test_ticks_reach_the_dispatcher_only_while_something_waits() -> None:
    # t1 goes to b, who is off shift until 5: ticks 1..5 see it stranded; afterwards
    # every ticket is with an online agent and ticks are skipped.
    agents = [SimAgent("a", {}, shifts=ALWAYS), SimAgent("b", {}, shifts=((5.0, 100.0),))]
    tickets = [SimTicket("t0", 0, 20, None), SimTicket("t1", 0, 20, None)]
    sim = SimInput(agents, tickets, tick_every_s=1.0, snapshot_every_s=0.0)
    seen: list[float] = []

    class Counting(PushRoundRobin):
        def tick(self, now: float) -> list[tuple[int, int]]:
            seen.append(now)
            return []

    run(sim, Counting(2))
    assert seen == [1, 2, 3, 4]


def test_sla_attainment_by_priority_and_tier() -> None:
    tickets = [
        SimTicket("t1", 0, 10, None, priority=1, sla_s=5),  # starts 0: met
        SimTicket("t2", 0, 10, None, priority=1, sla_s=5),  # starts 10: missed
        SimTicket("t3", 0, 10, None, priority=3, sla_s=100),  # starts 20: met
        SimTicket("t4", 0, 10, None, priority=4),  # no SLA: not counted
    ]
    sim = _sim(tickets, [SimAgent("a", {}, shifts=ALWAYS)])
    m = summarise(sim, run(sim, PooledQueue(sim)))
    assert m.sla_by_priority == {1: 0.5, 3: 1.0}
    assert m.sla_by_tier == {"standard": pytest.approx(2 / 3)}
    assert m.sla_attainment == pytest.approx(2 / 3)


def test_unstarted_tickets_wait_until_the_run_stops() -> None:
    agents = [SimAgent("a", {}, shifts=((0.0, 5.0), (100.0, 200.0)))]
    sim = _sim([SimTicket("t1", 0, 6, None), SimTicket("t2", 1, 1, None)], agents)
    rec = run(sim, PushRoundRobin(1), max_time=50.0)
    assert rec.started_at == [0, -1]
    m = summarise(sim, rec)
    assert (m.started, m.closed) == (1, 1)
    assert m.max_wait_s == 49.0  # 50 - 1


def test_snapshots_show_personal_queue_depth() -> None:
    agents = [SimAgent("a", {}, shifts=ALWAYS), SimAgent("b", {}, shifts=ALWAYS)]
    tickets = [SimTicket(f"t{k}", 0, 100, None) for k in range(4)]
    tickets.append(SimTicket("late", 30, 1, None))
    sim = SimInput(agents, tickets, tick_every_s=0.0, snapshot_every_s=10.0)
    rec = run(sim, PushRoundRobin(2))
    # at 10, 20, 30: each agent holds 2 open tickets, works 1, so 2 wait in personal queues
    assert rec.snapshot_t == [10, 20, 30]
    assert rec.waiting_personal == [2, 2, 3]
    assert rec.depth_std[0] == 0.0
    assert rec.depth_max[-1] == 3


def test_progress_is_reported() -> None:
    sim = _sim([SimTicket(f"t{k}", k, 1, None) for k in range(5)])
    seen: list[int] = []
    run(sim, PooledQueue(sim), progress=seen.append, progress_every=2)
    assert seen == [2, 4, 5]


def test_skilled_pooled_queue_keeps_to_skills() -> None:
    # b (shipping) is idle but cannot take billing: t2 waits for a; t3 goes to b at once
    agents = [
        SimAgent("a", {"billing": 3}, shifts=ALWAYS),
        SimAgent("b", {"shipping": 1}, shifts=ALWAYS),
    ]
    tickets = [
        SimTicket("t1", 0, 10, "billing"),
        SimTicket("t2", 1, 5, "billing"),
        SimTicket("t3", 2, 5, "shipping"),
        SimTicket("t4", 3, 1, None),
    ]
    sim = _sim(tickets, agents)
    rec = run(sim, SkilledPooledQueue(sim))
    assert rec.started_at == [0, 10, 2, 7]  # t4 (no category) goes to b once it frees up
    assert summarise(sim, rec).skill_match_rate == 1.0
    assert _waits(sim, PooledQueue(sim)) == [0, 0, 4, 7]  # skill-blind: b helps with t2
