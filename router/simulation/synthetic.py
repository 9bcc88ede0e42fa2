"""Synthetic scenarios: agents with shifts, arrivals with a daily pattern and spikes.

Pure and seeded (``random.Random``): the same spec and seed give the same input.
The arrival rate is scaled so that the offered load (expected work over agent
capacity-time on shift) equals ``target_load``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from models.enums import CustomerTier
from router.simulation.model import SimAgent, SimInput, SimTicket

__all__ = ["AgentSpec", "ScenarioSpec", "ShiftSpec", "SpikeSpec", "generate", "poisson_input"]

DAY = 86400.0
WEEK = 7 * DAY


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    """Weekly shift: days 0=Mon..6=Sun, hours [start_h, end_h)."""

    days: tuple[int, ...]
    start_h: float
    end_h: float


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """An agent template; ``count`` copies get ids ``{agent_id}-{k}``."""

    agent_id: str
    skills: Mapping[str, int]
    speed: float = 1.0
    concurrency: int = 1
    capacity: int = 50
    shifts: tuple[ShiftSpec, ...] = ()
    count: int = 1


@dataclass(frozen=True, slots=True)
class SpikeSpec:
    """Arrival multiplier on a weekday between two hours."""

    day: int
    start_h: float
    end_h: float
    factor: float


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A synthetic scenario (see streams/simulation/scenarios/default.yaml)."""

    agents: tuple[AgentSpec, ...]
    categories: Mapping[str, float]
    work_minutes: Mapping[str, float]
    hourly: tuple[float, ...] = (1.0,) * 24
    weekday: tuple[float, ...] = (1.0,) * 7
    spikes: tuple[SpikeSpec, ...] = ()
    priorities: Mapping[int, float] = field(default_factory=lambda: {3: 1.0})
    tiers: Mapping[CustomerTier, float] = field(
        default_factory=lambda: {CustomerTier.STANDARD: 1.0}
    )
    sla_minutes: Mapping[int, float] = field(default_factory=dict)
    tier_sla_factor: Mapping[CustomerTier, float] = field(default_factory=dict)
    work_distribution: str = "exponential"
    target_load: float = 0.9
    uncategorised: float = 0.0
    mismatch_factor: float = 1.5


def _intensity(spec: ScenarioSpec, t: float) -> float:
    day = int(t // DAY) % 7
    hour = int((t % DAY) // 3600)
    factor = spec.hourly[hour] * spec.weekday[day]
    h = (t % DAY) / 3600.0
    for s in spec.spikes:
        if s.day == day and s.start_h <= h < s.end_h:
            factor *= s.factor
    return factor


def _shift_intervals(shifts: Sequence[ShiftSpec], horizon: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for week in range(int(horizon // WEEK) + 2):
        for s in shifts:
            for d in s.days:
                base = week * WEEK + d * DAY
                out.append((base + s.start_h * 3600, base + s.end_h * 3600))
    out.sort()
    merged: list[tuple[float, float]] = []
    for on, off in out:
        if merged and on <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(off, merged[-1][1]))
        else:
            merged.append((on, off))
    return merged


def _pick(rng: random.Random, items: Sequence[object], cum: Sequence[float]) -> object:
    x = rng.random() * cum[-1]
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return items[lo]


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def generate(spec: ScenarioSpec, tickets: int, seed: int = 0) -> SimInput:
    """Build agents and ``tickets`` arrivals at offered load ``spec.target_load``."""
    rng = random.Random(seed)
    cats = list(spec.categories)
    mean_work = sum(spec.categories[c] * spec.work_minutes[c] * 60 for c in cats) / sum(
        spec.categories.values()
    )
    # capacity-seconds per week: sum of speed * concurrency * weekly shift time
    weekly_capacity = 0.0
    for a in spec.agents:
        week_s = sum((s.end_h - s.start_h) * 3600 * len(s.days) for s in a.shifts)
        weekly_capacity += a.count * a.speed * a.concurrency * week_s
    profile_mass = sum(_intensity(spec, h * 3600.0) * 3600.0 for h in range(168))
    if weekly_capacity <= 0 or profile_mass <= 0 or mean_work <= 0:
        raise ValueError(
            "the scenario needs agents on shift, arrivals in some hour of the week and "
            "categories with work"
        )
    # rate(t) = scale * intensity(t); expected weekly work = scale * mass * mean_work
    scale = spec.target_load * weekly_capacity / (profile_mass * mean_work)
    peak = scale * max(_intensity(spec, h * 3600.0) for h in range(168))
    horizon_guess = tickets / (scale * profile_mass / WEEK) * 1.2 + WEEK
    agents: list[SimAgent] = []
    for a in spec.agents:
        intervals = _shift_intervals(a.shifts, horizon_guess)
        for k in range(a.count):
            agent_id = a.agent_id if a.count == 1 else f"{a.agent_id}-{k + 1}"
            agents.append(
                SimAgent(agent_id, dict(a.skills), a.speed, a.concurrency, a.capacity, intervals)
            )
    cat_cum = _cumulative([spec.categories[c] for c in cats])
    prios = list(spec.priorities)
    prio_cum = _cumulative([spec.priorities[p] for p in prios])
    tiers = list(spec.tiers)
    tier_cum = _cumulative([spec.tiers[t] for t in tiers])
    out: list[SimTicket] = []
    t = 0.0
    while len(out) < tickets:
        t += rng.expovariate(peak)
        if rng.random() * peak > scale * _intensity(spec, t):
            continue
        c = str(_pick(rng, cats, cat_cum))
        mean = spec.work_minutes[c] * 60.0
        if spec.work_distribution == "lognormal":
            sigma = 0.8
            work = rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
        elif spec.work_distribution == "constant":
            work = mean
        else:
            work = rng.expovariate(1.0 / mean)
        p = int(str(_pick(rng, prios, prio_cum)))
        tier = CustomerTier(str(_pick(rng, tiers, tier_cum)))
        sla = spec.sla_minutes.get(p)
        sla_s = sla * 60.0 * spec.tier_sla_factor.get(tier, 1.0) if sla is not None else None
        category: str | None = c
        if spec.uncategorised and rng.random() < spec.uncategorised:
            category = None
        out.append(SimTicket(f"T{len(out) + 1}", t, work, category, p, tier, sla_s))
    return SimInput(
        agents=agents,
        tickets=out,
        mismatch_factor=spec.mismatch_factor,
        meta={"offered_load": spec.target_load, "arrivals_per_week": scale * profile_mass},
    )


def poisson_input(
    servers: int, arrival_rate: float, mean_work: float, tickets: int, seed: int = 0
) -> SimInput:
    """An M/M/c input: Poisson arrivals, exponential work, ``servers`` identical agents
    with every skill on shift for the whole run (what Erlang-C describes)."""
    rng = random.Random(seed)
    out: list[SimTicket] = []
    t = 0.0
    for k in range(tickets):
        t += rng.expovariate(arrival_rate)
        out.append(SimTicket(f"T{k + 1}", t, rng.expovariate(1.0 / mean_work), None))
    forever = [(0.0, t + 1000.0 * mean_work + 365 * DAY)]
    agents = [SimAgent(f"a{k + 1}", {}, shifts=forever) for k in range(servers)]
    load = arrival_rate * mean_work / servers
    return SimInput(agents, out, meta={"offered_load": load}, tick_every_s=0.0)
