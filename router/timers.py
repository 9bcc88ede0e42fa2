"""Timers of a routing group: when a waiting ticket relaxes, warns, breaches or escalates,
when an offline agent's tickets are re-routed, and when a closed record is forgotten.

A heap of ``(due, kind, subject, generation)``; a subject's generation is bumped
whenever its state changes, so stale entries are skipped when they come due instead of
being searched for and removed. Nothing here reads a clock: ``due(now)`` is given it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

__all__ = ["TimerHeap"]

KINDS = ("offline", "hold", "relax", "warn", "breach", "escalate", "prune")
"""Timer kinds; at equal times they fire in this order."""
_ORDER = {kind: index for index, kind in enumerate(KINDS)}


class TimerHeap:
    """Due times of a group's time-driven work."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str, int]] = []
        self._gen: dict[str, int] = {}
        self._live: dict[str, int] = {}
        self._stale = 0

    def __len__(self) -> int:
        return len(self._heap)

    def bump(self, subject: str) -> int:
        """Invalidate the subject's timers; its new generation."""
        gen = self._gen.get(subject, 0) + 1
        self._gen[subject] = gen
        self._stale += self._live.pop(subject, 0)
        return gen

    def forget(self, subject: str) -> None:
        """Invalidate the subject's timers for good (until it is scheduled again)."""
        self.bump(subject)

    def add(self, due: float, kind: str, subject: str) -> None:
        """Schedule ``kind`` for ``subject`` at ``due`` (current generation)."""
        heapq.heappush(self._heap, (due, _ORDER[kind], subject, self._gen.get(subject, 0)))
        self._live[subject] = self._live.get(subject, 0) + 1

    def due(self, now: float) -> Iterator[tuple[float, str, str]]:
        """Pop ``(due, kind, subject)`` of live timers due at or before ``now``, in order.

        Timers added while iterating are seen if they are due too.
        """
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, order, subject, gen = heapq.heappop(heap)
            if self._gen.get(subject, 0) == gen:
                left = self._live.get(subject, 1) - 1
                if left > 0:
                    self._live[subject] = left
                else:
                    self._live.pop(subject, None)
                yield due, KINDS[order], subject
            else:
                self._stale -= 1

    def compact(self) -> None:
        """Drop stale entries once they are more than half of the heap."""
        if self._stale > 1024 and self._stale * 2 > len(self._heap):
            self._heap = [e for e in self._heap if self._gen.get(e[2], 0) == e[3]]
            heapq.heapify(self._heap)
            self._stale = 0
