"""Time in the generator: a queue of due actions and the bursty arrival process."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from models import Event

__all__ = ["Action", "ArrivalProcess", "BurstProfile", "DueQueue"]

Action = Callable[[float], list[Event]]
"""Something that happens at a time and yields the events it produces (maybe none)."""


class DueQueue:
    """Actions ordered by due time; ties keep insertion order (deterministic)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Action]] = []
        self._seq = 0

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, at: float, action: Action) -> None:
        """Run ``action`` at ``at`` (epoch s)."""
        self._seq += 1
        heapq.heappush(self._heap, (at, self._seq, action))

    def peek(self) -> float | None:
        """Due time of the next action, or None when empty."""
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[tuple[float, Action]]:
        """Remove and return every action due at or before ``now``, in order."""
        due = []
        while self._heap and self._heap[0][0] <= now:
            at, _, action = heapq.heappop(self._heap)
            due.append((at, action))
        return due


@dataclass(frozen=True, slots=True)
class BurstProfile:
    """Traffic comes in bursts: ``factor`` x the rate for ``length_s`` every ``every_s``.

    Outside bursts the rate is lowered so the long-run mean stays the configured rate.
    """

    every_s: float = 40.0
    length_s: float = 6.0
    factor: float = 3.0

    def intensity(self, elapsed: float) -> float:
        """Multiplier of the mean rate at ``elapsed`` seconds into the run."""
        if self.every_s <= 0 or self.length_s <= 0 or self.factor <= 1:
            return 1.0
        phase = elapsed % self.every_s
        in_burst = self.every_s - self.length_s <= phase
        if in_burst:
            return self.factor
        quiet = self.every_s - self.length_s
        return max((self.every_s - self.factor * self.length_s) / quiet, 0.1)


class ArrivalProcess:
    """Poisson arrivals at ``rate`` per second modulated by a :class:`BurstProfile`."""

    def __init__(
        self, rate: float, start: float, rng: random.Random, bursts: BurstProfile | None = None
    ) -> None:
        if rate <= 0 or not math.isfinite(rate):
            raise ValueError(f"rate must be a positive number of events per second, got {rate}")
        self.rate = rate
        self.start = start
        self._rng = rng
        self._bursts = bursts or BurstProfile(factor=1.0)
        self.next_at = start + self._gap(start)

    def _gap(self, at: float) -> float:
        return self._rng.expovariate(self.rate * self._bursts.intensity(at - self.start))

    def advance(self) -> float:
        """The time of the current arrival; schedules the next one."""
        at = self.next_at
        self.next_at = at + self._gap(at)
        return at
