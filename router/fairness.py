"""Fairness guards: who took the group's high-effort tickets lately, and exploration.

The window is a deque of ``(time, agent)`` of high-effort assignments; counts per agent
follow it, so checking an agent's share is O(1) and pruning is amortised O(1).
"""

from __future__ import annotations

import zlib
from collections import deque
from typing import Any

from router.config import FairnessConfig

__all__ = ["FairnessWindow", "explores"]

MAX_REMEMBERED = 5000
"""The window keeps at most this many assignments (the oldest go first)."""


class FairnessWindow:
    """High-effort assignments in the last ``window_s`` seconds."""

    def __init__(self, config: FairnessConfig) -> None:
        self.config = config
        self._window: deque[tuple[float, str]] = deque()
        self._counts: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._window)

    def prune(self, now: float) -> bool:
        """Forget assignments older than the window; whether anything was dropped."""
        cutoff = now - self.config.window_s
        dropped = False
        while self._window and (self._window[0][0] < cutoff or len(self._window) > MAX_REMEMBERED):
            _, agent_id = self._window.popleft()
            left = self._counts[agent_id] - 1
            if left:
                self._counts[agent_id] = left
            else:
                del self._counts[agent_id]
            dropped = True
        return dropped

    def record(self, agent_id: str, now: float) -> None:
        """One more high-effort assignment for ``agent_id``."""
        self._window.append((now, agent_id))
        self._counts[agent_id] = self._counts.get(agent_id, 0) + 1

    def over_cap(self, agent_id: str) -> bool:
        """Whether one more high-effort ticket would push the agent above its share."""
        total = len(self._window)
        if total < self.config.min_sample:
            return False
        mine = self._counts.get(agent_id, 0)
        return (mine + 1) / (total + 1) > self.config.max_high_effort_share

    def share(self, agent_id: str) -> float:
        """The agent's share of the window's high-effort tickets."""
        total = len(self._window)
        return self._counts.get(agent_id, 0) / total if total else 0.0

    def export(self) -> list[Any]:
        """Plain form for the state tables."""
        return [[at, agent_id] for at, agent_id in self._window]

    def restore(self, data: list[Any]) -> None:
        """Inverse of :meth:`export`."""
        for at, agent_id in data:
            self.record(str(agent_id), float(at))


def explores(group_id: str, ticket_id: str, rate: float) -> bool:
    """Whether this ticket is one of the ``rate`` share used for exploration.

    Decided by a CRC of the ids, not a random generator, so replays decide the same.
    """
    if rate <= 0.0:
        return False
    digest = zlib.crc32(f"{group_id}\x1f{ticket_id}\x1fexplore".encode())
    return digest / 0xFFFFFFFF < rate
