"""What a run records and the figures derived from it.

Waits are "arrival -> an agent starts working on it" (the headline: the first-response
proxy), assignment times are "arrival -> first assignment". Utilisation is busy time
over available time (on shift plus overtime) times concurrency, per agent; Jain's
index is (sum x)^2 / (n * sum x^2) over the agents that were ever available.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from router.simulation.model import SimInput

__all__ = [
    "ASSIGN_EDGES",
    "WAIT_EDGES",
    "PolicyMetrics",
    "RunRecord",
    "histogram",
    "jain",
    "percentile",
    "summarise",
]


@dataclass(slots=True)
class RunRecord:
    """Per-ticket and per-agent raw results of one run (indices as in the input).

    Times are virtual seconds; ``-1.0`` means "never". The snapshot series (every
    ``SimInput.snapshot_every_s`` until the last arrival) hold the spread of open
    tickets across agents, the deepest personal queue, the tickets waiting (arrived,
    not started) and those of them sitting in personal queues.
    """

    policy: str
    arrival: list[float]
    assigned_at: list[float]
    started_at: list[float]
    closed_at: list[float]
    worker: list[int]
    reassigned: list[int]
    busy_time: list[float]
    online_time: list[float]
    snapshot_t: list[float]
    depth_std: list[float]
    depth_max: list[int]
    waiting: list[int]
    waiting_personal: list[int]
    end: float


@dataclass(frozen=True, slots=True)
class PolicyMetrics:
    """The report figures for one policy."""

    policy: str
    tickets: int
    started: int
    closed: int
    mean_wait_s: float
    p50_wait_s: float
    p90_wait_s: float
    p99_wait_s: float
    max_wait_s: float
    mean_assign_s: float
    p50_assign_s: float
    p90_assign_s: float
    depth_std_mean: float
    depth_max_mean: float
    utilisation: dict[str, float]
    jain_utilisation: float
    sla_attainment: float
    sla_by_priority: dict[int, float]
    sla_by_tier: dict[str, float]
    skill_match_rate: float
    reassignments: int
    wait_histogram: tuple[tuple[float, int], ...]
    assign_histogram: tuple[tuple[float, int], ...]

    @property
    def utilisation_mean(self) -> float:
        """Mean utilisation over the agents that were available."""
        values = list(self.utilisation.values())
        return sum(values) / len(values) if values else 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-able view (times in seconds, rates in 0..1)."""
        values = list(self.utilisation.values())
        return {
            "tickets": self.tickets,
            "started": self.started,
            "closed": self.closed,
            "mean_wait_s": self.mean_wait_s,
            "p50_wait_s": self.p50_wait_s,
            "p90_wait_s": self.p90_wait_s,
            "p99_wait_s": self.p99_wait_s,
            "max_wait_s": self.max_wait_s,
            "mean_assign_s": self.mean_assign_s,
            "p50_assign_s": self.p50_assign_s,
            "p90_assign_s": self.p90_assign_s,
            "queue_depth_std": self.depth_std_mean,
            "queue_depth_max": self.depth_max_mean,
            "utilisation": self.utilisation,
            "utilisation_mean": self.utilisation_mean,
            "utilisation_min": min(values, default=0.0),
            "utilisation_max": max(values, default=0.0),
            "jain_utilisation": self.jain_utilisation,
            "sla_attainment": self.sla_attainment,
            "sla_by_priority": {str(k): v for k, v in self.sla_by_priority.items()},
            "sla_by_tier": dict(self.sla_by_tier),
            "skill_match_rate": self.skill_match_rate,
            "reassignments": self.reassignments,
            "wait_histogram": [[edge, n] for edge, n in self.wait_histogram],
            "assign_histogram": [[edge, n] for edge, n in self.assign_histogram],
        }


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of already sorted values; 0 if empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def jain(values: Sequence[float]) -> float:
    """Jain's fairness index: 1.0 = perfectly even, 1/n = one takes all."""
    total = sum(values)
    squares = sum(v * v for v in values)
    if not values or squares == 0:
        return 1.0
    return total * total / (len(values) * squares)


def histogram(values: Sequence[float], edges: Sequence[float]) -> tuple[tuple[float, int], ...]:
    """Counts per bucket ``[edges[i], edges[i+1])``; the last bucket is open-ended.

    Values below ``edges[0]`` fall into the first bucket.
    """
    counts = [0] * len(edges)
    for v in values:
        counts[max(0, bisect_right(edges, v) - 1)] += 1
    return tuple(zip(edges, counts, strict=True))


WAIT_EDGES = (0.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0)
ASSIGN_EDGES = WAIT_EDGES


def summarise(sim: SimInput, rec: RunRecord) -> PolicyMetrics:
    """Derive the report figures from a run.

    Unstarted tickets count as waiting until the end of the run; SLA attainment is the
    share of tickets with an SLA whose work started within it.
    """
    tickets = sim.tickets
    end = rec.end
    waits: list[float] = []
    assigns: list[float] = []
    by_prio: dict[int, list[int]] = {}
    by_tier: dict[str, list[int]] = {}
    matched = considered = 0
    started_at, assigned_at, worker = rec.started_at, rec.assigned_at, rec.worker
    skills = [a.skills for a in sim.agents]
    for i, t in enumerate(tickets):
        start = started_at[i]
        wait = (start if start >= 0 else end) - t.arrival
        waits.append(wait)
        assigned = assigned_at[i]
        assigns.append((assigned if assigned >= 0 else end) - t.arrival)
        if t.sla_s is not None:
            ok = 1 if start >= 0 and wait <= t.sla_s else 0
            bucket = by_prio.setdefault(t.priority, [0, 0])
            bucket[0] += ok
            bucket[1] += 1
            tier = by_tier.setdefault(str(t.tier), [0, 0])
            tier[0] += ok
            tier[1] += 1
        a = worker[i]
        if a >= 0:
            considered += 1
            if t.category is None or t.category in skills[a]:
                matched += 1
    util = {
        agent.agent_id: b / (o * agent.concurrency)
        for b, o, agent in zip(rec.busy_time, rec.online_time, sim.agents, strict=True)
        if o > 0
    }
    sorted_waits = sorted(waits)
    sorted_assigns = sorted(assigns)
    n = len(waits)
    sla_met = sum(b[0] for b in by_prio.values())
    sla_total = sum(b[1] for b in by_prio.values())
    return PolicyMetrics(
        policy=rec.policy,
        tickets=n,
        started=sum(1 for s in started_at if s >= 0),
        closed=sum(1 for c in rec.closed_at if c >= 0),
        mean_wait_s=sum(waits) / n if n else 0.0,
        p50_wait_s=percentile(sorted_waits, 50),
        p90_wait_s=percentile(sorted_waits, 90),
        p99_wait_s=percentile(sorted_waits, 99),
        max_wait_s=sorted_waits[-1] if sorted_waits else 0.0,
        mean_assign_s=sum(assigns) / n if n else 0.0,
        p50_assign_s=percentile(sorted_assigns, 50),
        p90_assign_s=percentile(sorted_assigns, 90),
        depth_std_mean=_mean(rec.depth_std),
        depth_max_mean=_mean([float(d) for d in rec.depth_max]),
        utilisation=util,
        jain_utilisation=jain(list(util.values())),
        sla_attainment=sla_met / sla_total if sla_total else 1.0,
        sla_by_priority={p: b[0] / b[1] for p, b in sorted(by_prio.items())},
        sla_by_tier={k: b[0] / b[1] for k, b in sorted(by_tier.items())},
        skill_match_rate=matched / considered if considered else 1.0,
        reassignments=sum(rec.reassigned),
        wait_histogram=histogram(waits, WAIT_EDGES),
        assign_histogram=histogram(assigns, ASSIGN_EDGES),
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
