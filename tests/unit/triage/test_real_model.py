"""The packaged all-MiniLM-L6-v2 loads offline and embeds a sentence (no network)."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from router.triage import Embedder
from streams.triage.embedding import EmbedderConfig, SentenceTransformerEmbedder


@pytest.mark.slow
def test_packaged_model_embeds_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the triage model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    embedder = SentenceTransformerEmbedder(EmbedderConfig(max_seq_length=64))
    assert isinstance(embedder, Embedder)
    vectors = embedder.embed_array(["I cannot log in", "I cannot sign in", "invoice is wrong"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    again = embedder.embed(["I cannot log in"])
    assert np.allclose(np.asarray(again[0]), vectors[0])


@pytest.mark.slow
def test_repeated_text_is_encoded_once_until_the_cache_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    embedder = SentenceTransformerEmbedder(EmbedderConfig(max_seq_length=64, cache_size=10))
    encoded: list[str] = []
    real = embedder.encode_raw

    def counting(texts: list[str], show_progress: bool = False) -> np.ndarray:
        encoded.extend(texts)
        return real(texts, show_progress)

    monkeypatch.setattr(embedder, "encode_raw", counting)
    first = embedder.embed_array(["reset my password", "reset my password", "vpn is down"])
    assert encoded == ["reset my password", "vpn is down"]  # a repeat in a batch: once
    again = embedder.embed_array(["vpn is down"])
    assert encoded == ["reset my password", "vpn is down"]  # served from the cache
    assert np.array_equal(again[0], first[2])
    embedder.clear_cache()
    embedder.embed_array(["vpn is down"])
    assert encoded == ["reset my password", "vpn is down", "vpn is down"]


@pytest.mark.slow
def test_packaged_model_takes_odd_cleaned_text() -> None:
    from router.triage import clean_text

    embedder = SentenceTransformerEmbedder(EmbedderConfig(max_seq_length=64))
    raw = [
        "",
        "x" * 100_000,
        "login \ud800 fails",
        "🔥🔥 系统崩溃 ПОМОГИТЕ !!!",
        "<p>" + "<script>" * 5_000,
        "> quoted only",
    ]
    vectors = embedder.embed_array([clean_text(text).text for text in raw])
    assert vectors.shape == (len(raw), 384)
    assert np.isfinite(vectors).all()


@pytest.mark.slow
def test_onnx_backends_match_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime", reason="optional extra: pip install -e '.[onnx]'")
    pytest.importorskip("onnx", reason="optional extra: pip install -e '.[onnx]'")
    texts = [  # lengths far apart, so the encoder splits them into several passes
        "I cannot log in to the VPN since this morning",
        "we were charged twice",
        "printer",
        "the nightly export to the data warehouse failed again with a timeout after the "
        "upgrade; the job log says the connection to the reporting database was reset "
        "while the third batch was written, and the dashboards now show yesterday's data",
        "",
        "password reset please",
    ]
    reference = SentenceTransformerEmbedder(EmbedderConfig(backend="torch")).encode_raw(texts)
    for backend, floor in (("onnx", 0.999), ("onnx-int8", 0.95)):
        embedder = SentenceTransformerEmbedder(EmbedderConfig(backend=backend))
        vectors = embedder.encode_raw(texts)
        assert ((vectors * reference).sum(axis=1) > floor).all(), backend
    from streams.triage import onnx_backend

    monkeypatch.setattr(onnx_backend, "CHUNK", 4)  # a large call goes in chunks, in order
    chunked = embedder.encode_raw(texts, show_progress=True)
    assert ((chunked * reference).sum(axis=1) > 0.95).all()
