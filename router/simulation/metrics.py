"""What a run records and the figures derived from it.

Waits are "arrival -> an agent starts working on it" (the headline), assignment
times are "arrival -> first assignment". Utilisation is busy time over on-shift time
times concurrency per agent; Jain's index is (sum x)^2 / (n * sum x^2) over agents with shift time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from router.simulation.model import SimInput

__all__ = ["PolicyMetrics", "RunRecord", "histogram", "jain", "percentile", "summarise"]


@dataclass(slots=True)
class RunRecord:
    """Per-ticket and per-agent raw results of one run (indices as in the input)."""

    policy: str
    arrival: list[float]
    assigned_at: list[float]
    started_at: list[float]
    closed_at: list[float]
    worker: list[int]
    reassigned: list[int]
    busy_time: list[float]
    online_time: list[float]
    depth_std: list[float]
    depth_total: list[int]
    end: float


@dataclass(frozen=True, slots=True)
class PolicyMetrics:
    """The report figures for one policy."""

    policy: str
    tickets: int
    started: int
    mean_wait_s: float
    p50_wait_s: float
    p90_wait_s: float
    p99_wait_s: float
    mean_assign_s: float
    p90_assign_s: float
    depth_std_mean: float
    utilisation: tuple[float, ...]
    jain_utilisation: float
    sla_attainment: float
    sla_by_priority: dict[int, float]
    skill_match_rate: float
    reassignments: int
    wait_histogram: tuple[tuple[float, int], ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-able view."""
        return {
            "tickets": self.tickets,
            "started": self.started,
            "mean_wait_s": self.mean_wait_s,
            "p50_wait_s": self.p50_wait_s,
            "p90_wait_s": self.p90_wait_s,
            "p99_wait_s": self.p99_wait_s,
            "mean_assign_s": self.mean_assign_s,
            "p90_assign_s": self.p90_assign_s,
            "queue_depth_std": self.depth_std_mean,
            "utilisation": list(self.utilisation),
            "jain_utilisation": self.jain_utilisation,
            "sla_attainment": self.sla_attainment,
            "sla_by_priority": {str(k): v for k, v in self.sla_by_priority.items()},
            "skill_match_rate": self.skill_match_rate,
            "reassignments": self.reassignments,
            "wait_histogram": [[edge, n] for edge, n in self.wait_histogram],
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
    """Counts per bucket ``[edges[i], edges[i+1])``; the last bucket is open-ended."""
    counts = [0] * len(edges)
    for v in values:
        k = 0
        while k + 1 < len(edges) and v >= edges[k + 1]:
            k += 1
        counts[k] += 1
    return tuple(zip(edges, counts, strict=True))


WAIT_EDGES = (0.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0)


def summarise(sim: SimInput, rec: RunRecord) -> PolicyMetrics:
    """Derive the report figures from a run. Unstarted tickets count as waiting until the end."""
    tickets = sim.tickets
    waits: list[float] = []
    assigns: list[float] = []
    met: dict[int, list[int]] = {}
    matched = considered = 0
    for i, t in enumerate(tickets):
        start = rec.started_at[i]
        wait = (start if start >= 0 else rec.end) - t.arrival
        waits.append(wait)
        assigned = rec.assigned_at[i]
        assigns.append((assigned if assigned >= 0 else rec.end) - t.arrival)
        if t.sla_s is not None:
            bucket = met.setdefault(t.priority, [0, 0])
            bucket[1] += 1
            if start >= 0 and wait <= t.sla_s:
                bucket[0] += 1
        a = rec.worker[i]
        if a >= 0:
            considered += 1
            if t.category is None or t.category in sim.agents[a].skills:
                matched += 1
    util = tuple(
        b / (o * a.concurrency) if o > 0 else 0.0
        for b, o, a in zip(rec.busy_time, rec.online_time, sim.agents, strict=True)
    )
    sorted_waits = sorted(waits)
    sorted_assigns = sorted(assigns)
    n = len(waits)
    sla_met = sum(b[0] for b in met.values())
    sla_total = sum(b[1] for b in met.values())
    return PolicyMetrics(
        policy=rec.policy,
        tickets=n,
        started=sum(1 for s in rec.started_at if s >= 0),
        mean_wait_s=sum(waits) / n if n else 0.0,
        p50_wait_s=percentile(sorted_waits, 50),
        p90_wait_s=percentile(sorted_waits, 90),
        p99_wait_s=percentile(sorted_waits, 99),
        mean_assign_s=sum(assigns) / n if n else 0.0,
        p90_assign_s=percentile(sorted_assigns, 90),
        depth_std_mean=(sum(rec.depth_std) / len(rec.depth_std)) if rec.depth_std else 0.0,
        utilisation=util,
        jain_utilisation=jain([u for u, o in zip(util, rec.online_time, strict=True) if o > 0]),
        sla_attainment=sla_met / sla_total if sla_total else 1.0,
        sla_by_priority={p: b[0] / b[1] for p, b in sorted(met.items())},
        skill_match_rate=matched / considered if considered else 1.0,
        reassignments=sum(rec.reassigned),
        wait_histogram=histogram(waits, WAIT_EDGES),
    )
