"""Resolution velocity: an agent's (and the team's) expected handling time per category.

An exponentially weighted mean of handling times from closed tickets. A new agent starts
at the prior, the first observations are averaged (the weight is ``1/n`` until it falls
to ``alpha``), and an estimate not updated for ``stale_after_s`` fades back to the prior,
so an agent's speed from last quarter does not decide today.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from router.config import VelocityConfig

__all__ = ["ANY_CATEGORY", "VelocityBook", "VelocityStat"]

ANY_CATEGORY = "*"
"""Key of an agent's estimate over every category."""

MIN_HANDLING_S = 1.0
MAX_HANDLING_S = 30 * 86400.0


@dataclass(slots=True)
class VelocityStat:
    """One estimate: mean handling seconds, observations, last update time."""

    mean_s: float
    n: int
    at: float


class VelocityBook:
    """Estimates per agent and category."""

    def __init__(self, config: VelocityConfig, *, team: bool = False) -> None:
        self.config = config
        self.team = team
        """Also learn the team's estimates per category (for shortest-first order)."""
        self._stats: dict[str, dict[str, VelocityStat]] = {}
        self._team: dict[str, VelocityStat] = {}

    def observe(self, agent_id: str, category: str | None, handling_s: float, now: float) -> None:
        """Learn from one closed ticket (also updates the agent's any-category estimate)."""
        value = min(MAX_HANDLING_S, max(MIN_HANDLING_S, handling_s))
        stats = self._stats.setdefault(agent_id, {})
        keys = [ANY_CATEGORY] if category in (None, ANY_CATEGORY) else [category, ANY_CATEGORY]
        for key in keys:
            self._learn(stats, key, value, now)
            if self.team:
                self._learn(self._team, key, value, now)

    def _learn(self, stats: dict[str, VelocityStat], key: str, value: float, now: float) -> None:
        stat = stats.get(key)
        if stat is None:
            stats[key] = VelocityStat(value, 1, now)
            return
        base = self._faded(stat, now)
        weight = max(self.config.alpha, 1.0 / (stat.n + 1))
        stat.mean_s = base + weight * (value - base)
        stat.n += 1
        stat.at = now

    def team_estimate(self, category: str | None, now: float) -> float:
        """Expected handling seconds of a ticket of ``category`` over the whole team."""
        stat = self._team.get(category or ANY_CATEGORY) or self._team.get(ANY_CATEGORY)
        return self.config.prior_s if stat is None else self._faded(stat, now)

    def estimate(self, agent_id: str, category: str | None, now: float) -> float:
        """Expected handling seconds (category estimate, else any-category, else prior)."""
        stats = self._stats.get(agent_id)
        if not stats:
            return self.config.prior_s
        stat = stats.get(category or ANY_CATEGORY) or stats.get(ANY_CATEGORY)
        if stat is None:
            return self.config.prior_s
        return self._faded(stat, now)

    def speed(self, agent_id: str, category: str | None, now: float) -> float:
        """Prior / estimate, clipped to [0.25, 4]: > 1 means faster than a typical agent."""
        return min(4.0, max(0.25, self.config.prior_s / self.estimate(agent_id, category, now)))

    def _faded(self, stat: VelocityStat, now: float) -> float:
        age = now - stat.at
        if age <= self.config.stale_after_s:
            return stat.mean_s
        keep = math.exp(-(age - self.config.stale_after_s) / self.config.stale_after_s)
        return keep * stat.mean_s + (1.0 - keep) * self.config.prior_s

    def export(self, agent_id: str) -> dict[str, Any] | None:
        """One agent's estimates as plain data (``None`` if it has none)."""
        stats = self._stats.get(agent_id)
        if not stats:
            return None
        return _plain(stats)

    def restore(self, agent_id: str, data: dict[str, Any]) -> None:
        """Inverse of :meth:`export`."""
        self._stats[agent_id] = _stats(data)

    def export_team(self) -> dict[str, Any]:
        """The team's estimates per category as plain data."""
        return _plain(self._team)

    def restore_team(self, data: dict[str, Any]) -> None:
        """Inverse of :meth:`export_team`."""
        self._team = _stats(data)


def _plain(stats: dict[str, VelocityStat]) -> dict[str, Any]:
    return {k: [s.mean_s, s.n, s.at] for k, s in stats.items()}


def _stats(data: dict[str, Any]) -> dict[str, VelocityStat]:
    return {k: VelocityStat(float(v[0]), int(v[1]), float(v[2])) for k, v in data.items()}
