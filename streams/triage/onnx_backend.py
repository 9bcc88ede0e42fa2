"""ONNX Runtime backend for the packaged MiniLM (fp32 and dynamic int8), fully offline.

Why not sentence-transformers' own ``backend="onnx"``: it needs ``optimum-onnx``, whose
only release (0.1.0) pins ``transformers<4.58`` while this project runs transformers 5.x;
installing it would downgrade transformers and huggingface_hub for the whole environment.
So the export is done here with ``torch.onnx.export`` (TorchScript exporter, opset 17)
from the packaged model directory, quantised with ``onnxruntime.quantization`` (dynamic,
int8 weights with per-channel scales), and run
with ``onnxruntime`` + ``tokenizers`` (mean pooling + L2 normalisation, as the model's
sentence-transformers pipeline does). Nothing is downloaded; exports are cached under
``.local/cache/onnx``.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["OnnxSentenceEncoder", "export_onnx", "plan_batches"]


def export_onnx(model_dir: Path, target: Path, quantize: bool) -> Path:
    """Export (and optionally int8-quantise) the transformer; returns the ``.onnx`` path."""
    fp32 = target / "model.onnx"
    if not fp32.exists():
        import torch
        from transformers import AutoModel

        target.mkdir(parents=True, exist_ok=True)
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        wrapper = _LastHiddenState(model)
        ids = torch.ones(2, 16, dtype=torch.long)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        axes = {name: {0: "batch", 1: "seq"} for name in [*names, "last_hidden_state"]}
        tmp = target / "model.tmp.onnx"
        with warnings.catch_warnings():
            # the TorchScript exporter is chosen on purpose (dynamo=False: the
            # torch.export one needs onnxscript). torch >= 2.9 warns that it and the
            # helpers it calls are deprecated, tracing warns about shape checks the
            # dynamic axes cover, and the opset-11 index rule about negative indices
            # BERT does not use: no news to a user, and the exported graph is checked
            # against torch's vectors (tests/unit/triage/test_real_model.py)
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                (ids, ids, torch.zeros_like(ids)),
                str(tmp),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        tmp.replace(fp32)
    if not quantize:
        return fp32
    int8 = target / "model_int8_per_channel.onnx"
    if not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Per-channel weight scales: mean cosine to the fp32 vectors 0.992 on IT tickets,
        # against 0.957 per tensor, at about the same speed (docs/triage.md).
        tmp = target / "model_int8.tmp.onnx"
        root = logging.getLogger()
        root.addFilter(_no_preprocessing_advice)
        try:
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.removeFilter(_no_preprocessing_advice)
        tmp.replace(int8)
    return int8


def _no_preprocessing_advice(record: logging.LogRecord) -> bool:
    """Drop ONNX Runtime's advice to pre-process before quantising (its root-logger
    warning on every export): the shipped int8 model is measured as it is."""
    return not str(record.msg).startswith("Please consider to run pre-processing")


class _LastHiddenState:
    """Wraps a Hugging Face model so the export has positional inputs and one output."""

    def __new__(cls, model: Any) -> Any:
        import torch

        class Wrapper(torch.nn.Module):
            def __init__(self, inner: Any) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                out = self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                )
                return out.last_hidden_state

        return Wrapper(model)


class OnnxSentenceEncoder:
    """Duck-types the parts of ``SentenceTransformer`` the adapter uses (``encode`` etc.)."""

    def __init__(self, model_dir: Path, cache_dir: Path, quantize: bool, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = export_onnx(model_dir, cache_dir, quantize)
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.max_seq_length = 128
        self._dimension = int(self._session.get_outputs()[0].shape[-1] or 384)

    def get_embedding_dimension(self) -> int:
        """Vector length."""
        return self._dimension

    def encode(
        self,
        sentences: Sequence[str],
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        show_progress_bar: bool = False,
        **_: Any,
    ) -> np.ndarray:
        """Tokenise, run the graph on length-matched batches, mean-pool, normalise.

        Batches hold at most ``batch_size`` texts of similar *token* length (see
        :func:`plan_batches`), so little of each pass is spent on padding. Texts are
        taken :data:`CHUNK` at a time, which bounds the tokeniser's memory on large calls.
        """
        texts = list(sentences)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._tokenizer.no_padding()
        starts = range(0, len(texts), CHUNK)
        if show_progress_bar and len(starts) > 1:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Chunks", unit="chunk")
        for start in starts:
            chunk = texts[start : start + CHUNK]
            self._encode_into(
                out[start : start + len(chunk)], chunk, batch_size, normalize_embeddings
            )
        return out

    def _encode_into(
        self, out: np.ndarray, texts: list[str], batch_size: int, normalize: bool
    ) -> None:
        """Encode ``texts`` into the rows of ``out`` (a view of the caller's array)."""
        encodings = self._tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encodings]
        for index in plan_batches(lengths, batch_size):
            width = lengths[index[0]]  # the longest of the batch
            ids = np.zeros((len(index), width), dtype=np.int64)
            mask = np.zeros((len(index), width), dtype=np.int64)
            for row, i in enumerate(index):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            if normalize:
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[index] = pooled


CHUNK = 2048
"""Texts tokenised and planned together; a larger call is encoded in chunks of this size."""


# Cost of one pass over n texts padded to L tokens, in units of one token's work at short
# lengths: n * L * (1 + L / _ATTENTION_LENGTH) plus a fixed part per pass. Fitted on 600
# passes of random shapes on 2 CPU cores: int8 ~0.83 ms fixed (~36 tokens' work), ~23 us a
# token, attention length ~210; fp32 ~1.5 ms (~32 tokens), ~49 us, ~420. A sweep over
# the fixed part (12-192) on 500 real tickets gave the most tickets/s in 64-ticket calls
# at 36-48 for both backends (docs/triage.md). Only the relative costs matter.
_PASS_OVERHEAD = 48.0
_ATTENTION_LENGTH = 200.0


def plan_batches(lengths: Sequence[int], max_batch: int) -> list[list[int]]:
    """Split texts into passes of at most ``max_batch``, longest first, padding little.

    Sorted by token length, the split points are chosen by dynamic programming to
    minimise the estimated cost of all passes: a text far shorter than the batch's
    longest starts a smaller pass rather than carry that much padding. Returns lists of
    indices into ``lengths``, each starting with its longest text.
    """
    if max_batch < 1:
        raise ValueError("max_batch must be at least 1")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    size = len(order)
    # a text's cost in a pass whose longest text (its first) is the one at ``start``
    per_text = [w * (1.0 + w / _ATTENTION_LENGTH) for w in (lengths[i] for i in order)]
    best = [0.0] + [float("inf")] * size
    cut = [0] * (size + 1)
    for end in range(1, size + 1):
        for start in range(max(0, end - max_batch), end):
            cost = best[start] + _PASS_OVERHEAD + (end - start) * per_text[start]
            if cost < best[end]:
                best[end], cut[end] = cost, start
    batches: list[list[int]] = []
    end = size
    while end > 0:
        batches.append(order[cut[end] : end])
        end = cut[end]
    return batches[::-1]


def onnx_cache_dir(model_dir: Path) -> Path:
    """Where exports of ``model_dir`` are cached."""
    base = Path(os.environ.get("TICKET_ROUTER_CACHE_DIR", ".local/cache"))
    return base / "onnx" / model_dir.parent.name / model_dir.name
