"""On-disk cache of embeddings for evaluation datasets.

Keyed by model id (model + backend + max sequence length) and a hash of the exact texts,
stored as ``.npy`` under ``.local/cache/triage`` (gitignored), so repeated evaluation runs
do not re-encode thousands of tickets.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["cache_dir", "cached_embeddings"]


def cache_dir() -> Path:
    """``$TICKET_ROUTER_CACHE_DIR/triage`` or ``.local/cache/triage``."""
    return Path(os.environ.get("TICKET_ROUTER_CACHE_DIR", ".local/cache")) / "triage"


def cached_embeddings(
    model_id: str,
    texts: Sequence[str],
    encode: Callable[[Sequence[str]], np.ndarray],
    directory: Path | None = None,
) -> tuple[np.ndarray, bool]:
    """Return ``(vectors, was_cached)``; encode and store them when absent."""
    digest = hashlib.sha256()
    digest.update(model_id.encode("utf-8"))
    for text in texts:
        digest.update(b"\x00")
        digest.update(text.encode("utf-8", "surrogatepass"))
    path = (directory or cache_dir()) / f"{digest.hexdigest()[:32]}.npy"
    if path.exists():
        return np.load(path), True
    vectors = np.asarray(encode(texts), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors, False
