"""Labelled examples for online learning: bounded per class, recent-weighted, with
negative signals from human reassignments.

Closed tickets become examples under their final category; the oldest example of a class
is dropped once the class holds ``max_per_class``. Sample weights halve every
``half_life_s`` seconds of age (catalogue seeds never decay below ``seed_weight``).
A reassignment records (vector, wrong category); at prediction time a close neighbour of
a recorded negative has that category's probability damped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Example", "ExampleStore", "NegativeMemory"]


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled example (cleaned text, its vector, the label and when it was seen)."""

    text: str
    vector: np.ndarray
    label: str
    seen_at: float
    seed: bool = False


class ExampleStore:
    """Per-class ring buffers of examples."""

    def __init__(
        self, max_per_class: int = 500, half_life_s: float = 30 * 86_400.0, seed_weight: float = 0.5
    ) -> None:
        if max_per_class < 1:
            raise ValueError("max_per_class must be at least 1")
        self.max_per_class = max_per_class
        self.half_life_s = half_life_s
        self.seed_weight = seed_weight
        self._by_class: dict[str, deque[Example]] = {}
        self.added_since_fit = 0

    def add(self, example: Example) -> None:
        """Add an example, evicting the oldest of its class when full."""
        bucket = self._by_class.setdefault(example.label, deque(maxlen=self.max_per_class))
        bucket.append(example)
        self.added_since_fit += 1

    def forget(self, text: str, label: str) -> int:
        """Drop examples with this exact text under ``label``; returns how many."""
        bucket = self._by_class.get(label)
        if not bucket:
            return 0
        kept = [example for example in bucket if example.text != text]
        removed = len(bucket) - len(kept)
        self._by_class[label] = deque(kept, maxlen=self.max_per_class)
        return removed

    def counts(self) -> dict[str, int]:
        """Number of examples per class."""
        return {label: len(bucket) for label, bucket in self._by_class.items() if bucket}

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._by_class.values())

    def training_set(self, now: float) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
        """Texts, vectors, labels and recency weights of every stored example."""
        examples = [example for bucket in self._by_class.values() for example in bucket]
        if not examples:
            return [], np.zeros((0, 0), dtype=np.float32), [], np.zeros(0)
        weights = np.array([self._weight(example, now) for example in examples])
        vectors = np.vstack([example.vector for example in examples]).astype(np.float32)
        return (
            [example.text for example in examples],
            vectors,
            [example.label for example in examples],
            weights,
        )

    def _weight(self, example: Example, now: float) -> float:
        if example.seed:
            return self.seed_weight
        age = max(0.0, now - example.seen_at)
        return float(max(0.05, 0.5 ** (age / self.half_life_s)))


class NegativeMemory:
    """Recent (vector, wrong category) pairs from human reassignments."""

    def __init__(
        self, capacity: int = 2_000, similarity: float = 0.9, damping: float = 0.5
    ) -> None:
        self.capacity = capacity
        self.similarity = similarity
        self.damping = damping
        self._items: deque[tuple[np.ndarray, str]] = deque(maxlen=capacity)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, vector: np.ndarray, wrong_category: str) -> None:
        """Remember that ``wrong_category`` was wrong for a ticket like ``vector``."""
        self._items.append((np.asarray(vector, dtype=np.float32), wrong_category))

    def apply(self, proba: np.ndarray, vectors: np.ndarray, classes: Sequence[str]) -> np.ndarray:
        """Damp categories recorded as wrong for close neighbours and renormalise."""
        if not self._items or len(proba) == 0:
            return proba
        index = {label: i for i, label in enumerate(classes)}
        memory = np.vstack([vector for vector, _ in self._items])
        labels = [label for _, label in self._items]
        sims = np.asarray(vectors, dtype=np.float32) @ memory.T
        out = proba.copy()
        for row, col in zip(*np.nonzero(sims >= self.similarity), strict=True):
            column = index.get(labels[col])
            if column is not None:
                out[row, column] *= self.damping
        return np.asarray(out / out.sum(axis=1, keepdims=True))
