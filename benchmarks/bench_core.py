"""Decision-core speed and memory: decisions/s and p50/p99 per decision.

Two situations per agent count (50, 500, 5,000; 12 skills, 2-3 per agent, capacity 8):

- ``backlog``: every agent full and 10,000 tickets waiting; each step closes a random
  open ticket (the freed agent pulls the best waiting ticket it may take: one decision)
  and a new ticket arrives (it queues: also timed). This is the issue's benchmark.
- ``spare``: agents half loaded, nothing waiting; each arrival is pushed to the best
  agent at once (the policy ranks every agent with room and the skill).

Times are the benchmark thread's CPU time (``time.thread_time``), so other processes on
a busy machine do not inflate the tails; decisions/s is decisions per CPU second of one
core. Run: ``.venv/bin/python benchmarks/bench_core.py [--quick]``. Prints figures,
asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable

from models.enums import AgentStatus, Proficiency
from router import AgentUpdate, Assigned, GroupConfig, RoutingGroup, TicketRequest

SKILLS = [f"skill{i:02d}" for i in range(12)]
LEVELS = list(Proficiency)
CAPACITY = 8


def _agents(n: int, rng: random.Random) -> list[AgentUpdate]:
    out = []
    for i in range(n):
        skills = {s: rng.choice(LEVELS) for s in rng.sample(SKILLS, rng.choice((2, 3)))}
        languages = frozenset({"en"} if rng.random() < 0.8 else {"en", "de"})
        out.append(AgentUpdate(f"agent{i:05d}", AgentStatus.ONLINE, CAPACITY, skills, languages))
    return out


def _ticket(i: int, now: float, rng: random.Random) -> TicketRequest:
    return TicketRequest(
        ticket_id=f"t{i}",
        group="bench",
        arrived_at=now,
        category=rng.choice(SKILLS),
        language="en" if rng.random() < 0.9 else "de",
        priority=rng.choice((1, 2, 3, 3, 3, 4)),
        sla_deadline=now + rng.choice((3600.0, 14400.0, 86400.0)),
        effort=rng.choice((0.5, 1.0, 1.0, 2.5)),
        customer_id=f"c{rng.randrange(100_000)}",
    )


def _group(n: int, policy: str, rng: random.Random) -> RoutingGroup:
    config = GroupConfig.from_dict({"policy": policy, "min_proficiency": "basic"})
    group = RoutingGroup("bench", config)
    for update in _agents(n, rng):
        group.agent_status(update, 0.0)
    return group


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def backlog(n: int, policy: str, steps: int, seed: int) -> dict[str, float]:
    """Full agents, 10,000 waiting; close + arrival per step."""
    rng = random.Random(seed)
    group = _group(n, policy, rng)
    now = 1.0
    i = 0
    while len(group.queue) < 10_000:
        group.ticket_arrived(_ticket(i, now, rng), now)
        i += 1
    open_tickets = [t for t, r in group.assignments.items() if r.state == "assigned"]
    pulls: list[float] = []
    arrivals: list[float] = []
    decisions = 0
    gc.collect()
    gc.disable()
    total = time.thread_time()
    for _ in range(steps):
        now += 0.5
        k = rng.randrange(len(open_tickets))
        tid = open_tickets[k]
        open_tickets[k] = open_tickets[-1]
        open_tickets.pop()
        start = time.thread_time_ns()
        out = group.ticket_closed(tid, now)
        pulls.append((time.thread_time_ns() - start) / 1000)
        for o in out:
            if isinstance(o, Assigned):
                decisions += 1
                open_tickets.append(o.ticket_id)
        start = time.thread_time_ns()
        out = group.ticket_arrived(_ticket(i, now, rng), now)
        arrivals.append((time.thread_time_ns() - start) / 1000)
        i += 1
        decisions += 1
        for o in out:
            if isinstance(o, Assigned):
                open_tickets.append(o.ticket_id)
    elapsed = time.thread_time() - total
    gc.enable()
    both = pulls + arrivals
    return {
        "decisions_per_s": decisions / elapsed,
        "p50_us": statistics.median(both),
        "p99_us": _percentile(both, 0.99),
        "pull_p99_us": _percentile(pulls, 0.99),
        "arrival_p99_us": _percentile(arrivals, 0.99),
        "pending": float(len(group.queue)),
    }


def spare(n: int, policy: str, steps: int, seed: int) -> dict[str, float]:
    """Half-loaded agents, nothing waiting; each arrival is pushed at once."""
    rng = random.Random(seed)
    group = _group(n, policy, rng)
    now = 1.0
    i = 0
    open_tickets: list[str] = []
    while len(open_tickets) < n * CAPACITY // 2:
        for o in group.ticket_arrived(_ticket(i, now, rng), now):
            if isinstance(o, Assigned):
                open_tickets.append(o.ticket_id)
        i += 1
    times: list[float] = []
    gc.collect()
    gc.disable()
    total = time.thread_time()
    for _ in range(steps):
        now += 0.5
        start = time.thread_time_ns()
        out = group.ticket_arrived(_ticket(i, now, rng), now)
        times.append((time.thread_time_ns() - start) / 1000)
        i += 1
        for o in out:
            if isinstance(o, Assigned):
                open_tickets.append(o.ticket_id)
        if not open_tickets:
            continue
        k = rng.randrange(len(open_tickets))
        tid = open_tickets[k]
        open_tickets[k] = open_tickets[-1]
        open_tickets.pop()
        for o in group.ticket_closed(tid, now):
            if isinstance(o, Assigned):
                open_tickets.append(o.ticket_id)
    elapsed = time.thread_time() - total
    gc.enable()
    return {
        "decisions_per_s": steps / elapsed,
        "p50_us": statistics.median(times),
        "p99_us": _percentile(times, 0.99),
    }


def memory(n: int) -> tuple[float, float]:
    """Bytes per agent (no tickets) and per waiting ticket."""
    rng = random.Random(1)
    updates = _agents(n, rng)
    tickets = [_ticket(i, 1.0, rng) for i in range(10_000)]
    gc.collect()
    tracemalloc.start()
    group = RoutingGroup("bench", GroupConfig())
    for update in updates:
        group.agent_status(
            AgentUpdate(update.agent_id, AgentStatus.AWAY, CAPACITY, update.skills), 0.0
        )
    per_agent = tracemalloc.get_traced_memory()[0] / n
    before = tracemalloc.get_traced_memory()[0]
    for ticket in tickets:
        group.ticket_arrived(ticket, 1.0)
    per_ticket = (tracemalloc.get_traced_memory()[0] - before) / len(tickets)
    tracemalloc.stop()
    return per_agent, per_ticket


def _repeat(fn: Callable[[], dict[str, float]], rounds: int) -> dict[str, float]:
    runs = [fn() for _ in range(rounds)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and rounds")
    parser.add_argument(
        "--policy",
        default="balanced",
        choices=("round_robin", "least_loaded", "skills", "balanced"),
        help="policy to measure (default balanced)",
    )
    args = parser.parse_args(argv)
    steps, rounds = (2_000, 1) if args.quick else (10_000, 3)
    print(f"decision core, policy {args.policy}, {rounds} round(s) of {steps} steps (medians)")
    print(f"{'situation':<9} {'agents':>6} {'decisions/s':>12} {'p50 µs':>8} {'p99 µs':>8}  notes")
    p99: dict[tuple[str, int], float] = {}
    for situation, fn in (("backlog", backlog), ("spare", spare)):
        for n in (50, 500, 5000):
            result = _repeat(lambda n=n, fn=fn: fn(n, args.policy, steps, 7), rounds)
            p99[(situation, n)] = result["p99_us"]
            note = ""
            if situation == "backlog":
                note = (
                    f"pull p99 {result['pull_p99_us']:.0f} µs, "
                    f"arrival p99 {result['arrival_p99_us']:.0f} µs, "
                    f"{result['pending']:.0f} waiting"
                )
            print(
                f"{situation:<9} {n:>6} {result['decisions_per_s']:>12,.0f} "
                f"{result['p50_us']:>8.1f} {result['p99_us']:>8.1f}  {note}"
            )
    for situation in ("backlog", "spare"):
        ratio = p99[(situation, 5000)] / p99[(situation, 500)]
        print(f"{situation}: p99 at 5,000 agents / p99 at 500 agents = {ratio:.2f}x")
    per_agent, per_ticket = memory(5000)
    print(
        f"memory: {per_agent / 1024:.2f} KiB per agent, "
        f"{per_ticket / 1024:.2f} KiB per waiting ticket"
    )


if __name__ == "__main__":
    main()
