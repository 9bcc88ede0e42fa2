"""The ``Embedder`` protocol (texts → vectors) and a deterministic hashing embedder for tests.

The real sentence-transformers adapter lives at the edge (``streams.triage.embedding``);
the core only sees this protocol, so it can be driven with precomputed vectors.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["Embedder", "HashingEmbedder"]

_TOKEN = re.compile(r"\w+", re.UNICODE)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into fixed-size vectors (one sequence of floats per text)."""

    @property
    def dimension(self) -> int:
        """Length of every vector returned by :meth:`embed`."""
        ...

    def embed(self, texts: Sequence[str]) -> list[Sequence[float]]:
        """Return one L2-normalised vector per text, in order."""
        ...


class HashingEmbedder:
    """Deterministic bag-of-words embedder: word and word-bigram hashes, L2-normalised.

    Fast and dependency-free; texts that share words get similar vectors, which is
    enough for unit tests and fast integration tests of the classifier and service.
    """

    def __init__(self, dimension: int = 256) -> None:
        if dimension <= 0:
            raise ValueError("dimension must be positive; pass e.g. 256")
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        """Vector length."""
        return self._dimension

    def embed(self, texts: Sequence[str]) -> list[Sequence[float]]:
        """Hash each lower-cased token (and bigram) into a signed bucket."""
        return [self._embed_one(text) for text in texts]

    def _embed_one(self, text: str) -> list[float]:
        vector = [0.0] * self._dimension
        tokens = _TOKEN.findall(text.lower())
        features = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
        for feature in features:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            index = value % self._dimension
            sign = 1.0 if (value >> 63) & 1 else -1.0
            vector[index] += sign
        norm = math.sqrt(sum(v * v for v in vector))
        if norm == 0.0:
            return vector
        return [v / norm for v in vector]
