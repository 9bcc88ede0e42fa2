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
    check_policy(policy)
    return CoreDispatcher(sim, policy, config)


def run_policies(
    sim: SimInput,
    policies: Sequence[str] = POLICIES,
    *,
    config: Mapping[str, Any] | None = None,
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.perf_counter,
    jobs: int = 1,
) -> Comparison:
    """Run each policy on ``sim``; ``config`` (group settings) applies to the core ones.

    ``jobs`` > 1 runs up to that many policies at once in worker processes (each policy
    is independent and deterministic, so the results are those of a serial run);
    ``elapsed_s`` is then each policy's own time in its process.
    """
    for policy in policies:
        check_policy(policy)
    out = Comparison()
    if jobs > 1 and len(policies) > 1:
        results = _run_parallel(sim, policies, config, progress, jobs)
    else:
        results = [_run_one(sim, policy, config, progress, clock) for policy in policies]
    for policy, record, metrics, elapsed, used in results:
        out.records[policy] = record
        out.metrics[policy] = metrics
        out.elapsed_s[policy] = elapsed
        out.configs[policy] = used
    return out


def check_policy(policy: str) -> None:
    """Raise ``ValueError`` naming the choices for an unknown policy."""
    if policy not in (*POLICIES, *REFERENCES):
        known = ", ".join((*POLICIES, *REFERENCES))
        raise ValueError(f"unknown policy {policy!r}; use one of {known}")


_Result = tuple[str, RunRecord, PolicyMetrics, float, dict[str, Any]]


def _run_one(
    sim: SimInput,
    policy: str,
    config: Mapping[str, Any] | None,
    progress: ProgressFn | None,
    clock: Callable[[], float],
) -> _Result:
    dispatcher = build_dispatcher(sim, policy, config)
    total = len(sim.tickets)
    tick = _bind(progress, policy, total) if progress is not None else None
    began = clock()
    record = run(sim, dispatcher, progress=tick)
    metrics = summarise(sim, record)
    elapsed = clock() - began
    if progress is not None:
        progress(policy, total, total)  # ends the bar even if some never closed
    return policy, record, metrics, elapsed, dict(getattr(dispatcher, "config", {"policy": policy}))


# the worker processes' input, set once per process by _init_worker
_WORKER: dict[str, Any] = {}


def _init_worker(sim: SimInput, config: Mapping[str, Any] | None, queue: Any) -> None:
    _WORKER.update(sim=sim, config=config, queue=queue)


def _worker_progress(policy: str, closed: int, total: int) -> None:
    _WORKER["queue"].put((policy, closed, total))


def _run_in_worker(policy: str) -> _Result:
    progress = _worker_progress if _WORKER["queue"] is not None else None
    return _run_one(_WORKER["sim"], policy, _WORKER["config"], progress, time.perf_counter)


def _run_parallel(
    sim: SimInput,
    policies: Sequence[str],
    config: Mapping[str, Any] | None,
    progress: ProgressFn | None,
    jobs: int,
) -> list[_Result]:
    import multiprocessing
    import queue as queues
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    updates = context.Queue() if progress is not None else None

    def relay(timeout: float) -> None:
        if updates is None or progress is None:
            return
        try:
            item = updates.get(timeout=timeout)
            while True:
                progress(*item)
                item = updates.get_nowait()
        except queues.Empty:
            return

    with ProcessPoolExecutor(
        max_workers=min(jobs, len(policies)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(sim, config, updates),
    ) as pool:
        futures = {pool.submit(_run_in_worker, policy): policy for policy in policies}
        pending = set(futures)
        while pending:
            _, pending = wait(
                pending,
                timeout=0.0 if updates is not None else None,
                return_when=FIRST_COMPLETED,
            )
            relay(0.1)
        relay(0.0)
        by_policy = {futures[f]: f.result() for f in futures}
    if updates is not None:
        updates.close()
    return [by_policy[policy] for policy in policies]


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
