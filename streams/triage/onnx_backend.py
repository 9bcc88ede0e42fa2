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

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["OnnxSentenceEncoder", "export_onnx"]


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
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        tmp.replace(int8)
    return int8


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
        **_: Any,
    ) -> np.ndarray:
        """Tokenise, run the graph per batch (sorted by length), mean-pool, normalise."""
        texts = list(sentences)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._tokenizer.enable_padding()
        for start in range(0, len(texts), batch_size):
            index = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in index])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            if normalize_embeddings:
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[index] = pooled
        return out


def onnx_cache_dir(model_dir: Path) -> Path:
    """Where exports of ``model_dir`` are cached."""
    base = Path(os.environ.get("TICKET_ROUTER_CACHE_DIR", ".local/cache"))
    return base / "onnx" / model_dir.parent.name / model_dir.name
