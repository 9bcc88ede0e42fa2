"""Run several policies on one input side by side, and check the balanced policy's goals.

Every policy gets the identical :class:`SimInput`; ``pooled`` (the ideal central queue,
everyone can do everything) gives the lower bound on waiting the others are measured
against.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from router.simulation.core_adapter import CORE_POLICIES, CoreDispatcher
from router.simulation.dispatcher import Dispatcher
from router.simulation.engine import run
from router.simulation.metrics import PolicyMetrics, RunRecord, summarise
from router.simulation.model import SimInput
from router.simulation.pooled import PooledQueue, SkilledPooledQueue

__all__ = [
    "GOALS",
    "POLICIES",
    "REFERENCES",
    "Comparison",
    "Goal",
    "build_dispatcher",
    "check_goals",
    "run_policies",
]

POLICIES = (*CORE_POLICIES, "pooled")
"""What runs by default: the four core policies and the pooled bound."""
REFERENCES = ("pooled_skills",)
"""Opt-in references: ``pooled_skills`` is the ideal central queue within skills."""

ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Goal:
    """One target for the balanced policy and whether this run met it."""

    name: str
    target: str
    value: float | None
    met: bool | None


GOALS = {
    "wait_vs_pooled": "balanced mean wait <= 1.25 x pooled bound",
    "wait_cut_vs_round_robin": "balanced mean wait >= 75 % below round-robin",
    "jain_utilisation": "balanced Jain's index of utilisation >= 0.9",
    "skill_match_rate": "balanced skill match >= 95 %",
}


@dataclass(slots=True)
class Comparison:
    """The results of a side-by-side run, in the order the policies ran."""

    metrics: dict[str, PolicyMetrics] = field(default_factory=dict)
    records: dict[str, RunRecord] = field(default_factory=dict)
    elapsed_s: dict[str, float] = field(default_factory=dict)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def pooled_mean_wait_s(self) -> float | None:
        """Mean wait of the ideal pooled queue, when it ran."""
        pooled = self.metrics.get("pooled")
        return pooled.mean_wait_s if pooled is not None else None

    def wait_vs_pooled(self, policy: str) -> float | None:
        """Mean wait over the pooled bound.

        ``None`` without a pooled run, or when the bound is 0 and the policy's is not
        (nobody waited in the pooled queue: no ratio to give).
        """
        bound = self.pooled_mean_wait_s
        if bound is None or policy not in self.metrics:
            return None
        wait = self.metrics[policy].mean_wait_s
        if bound <= 0:
            return 1.0 if wait <= 0 else None
        return wait / bound


def build_dispatcher(
    sim: SimInput, policy: str, config: Mapping[str, Any] | None = None
) -> Dispatcher:
    """The dispatcher for ``policy`` (one of :data:`POLICIES` or :data:`REFERENCES`)."""
    if policy == "pooled":
        return PooledQueue(sim)
    if policy == "pooled_skills":
        return SkilledPooledQueue(sim)
    if policy not in CORE_POLICIES:
        known = ", ".join((*POLICIES, *REFERENCES))
        raise ValueError(f"unknown policy {policy!r}; use one of {known}")
    return CoreDispatcher(sim, policy, config)


def run_policies(
    sim: SimInput,
    policies: Sequence[str] = POLICIES,
    *,
    config: Mapping[str, Any] | None = None,
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Comparison:
    """Run each policy on ``sim``; ``config`` (group settings) applies to the core ones."""
    out = Comparison()
    total = len(sim.tickets)
    for policy in policies:
        dispatcher = build_dispatcher(sim, policy, config)
        tick = None
        if progress is not None:
            tick = _bind(progress, policy, total)

        began = clock()
        record = run(sim, dispatcher, progress=tick)
        out.records[policy] = record
        out.metrics[policy] = summarise(sim, record)
        out.elapsed_s[policy] = clock() - began
        if progress is not None:
            progress(policy, total, total)  # ends the bar even if some never closed
        out.configs[policy] = dict(getattr(dispatcher, "config", {"policy": policy}))
    return out


def _bind(progress: ProgressFn, policy: str, total: int) -> Callable[[int], None]:
    def tick(closed: int) -> None:
        progress(policy, closed, total)

    return tick


def check_goals(result: Comparison) -> list[Goal]:
    """The balanced policy's goals (value ``None`` / met ``None`` when not measurable)."""
    balanced = result.metrics.get("balanced")
    rr = result.metrics.get("round_robin")
    ratio = result.wait_vs_pooled("balanced")
    cut: float | None = None
    if balanced is not None and rr is not None and rr.mean_wait_s > 0:
        cut = 1.0 - balanced.mean_wait_s / rr.mean_wait_s
    jain = balanced.jain_utilisation if balanced is not None else None
    skill = balanced.skill_match_rate if balanced is not None else None
    return [
        Goal("wait_vs_pooled", GOALS["wait_vs_pooled"], ratio, _at_most(ratio, 1.25)),
        Goal(
            "wait_cut_vs_round_robin", GOALS["wait_cut_vs_round_robin"], cut, _at_least(cut, 0.75)
        ),
        Goal("jain_utilisation", GOALS["jain_utilisation"], jain, _at_least(jain, 0.9)),
        Goal("skill_match_rate", GOALS["skill_match_rate"], skill, _at_least(skill, 0.95)),
    ]


def _at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def _at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit
