"""The ``auto`` encoder backend: what it stands for, and torch when int8 cannot load."""

from __future__ import annotations

import logging

import pytest

from streams.triage import embedding
from streams.triage.embedding import EmbedderConfig, SentenceTransformerEmbedder, resolve_backend


class _Model:
    def get_sentence_embedding_dimension(self) -> int:
        return 384


@pytest.mark.parametrize(
    ("backend", "device", "installed", "expected"),
    [
        ("auto", "cpu", True, "onnx-int8"),
        ("auto", "cpu", False, "torch"),
        ("auto", "cuda", True, "torch"),  # on a GPU torch is the fast one
        ("torch", "cpu", True, "torch"),
        ("onnx", "cpu", False, "onnx"),  # named explicitly: loading it says what is missing
    ],
)
def test_auto_stands_for_int8_on_a_cpu_with_the_onnx_extra(
    monkeypatch: pytest.MonkeyPatch, backend: str, device: str, installed: bool, expected: str
) -> None:
    monkeypatch.setattr(embedding, "onnx_installed", lambda: installed)
    assert resolve_backend(backend, device) == expected


def test_the_embedder_names_the_backend_that_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []

    def load(config: EmbedderConfig) -> _Model:
        loaded.append(config.backend)
        return _Model()

    monkeypatch.setattr(embedding, "onnx_installed", lambda: True)
    monkeypatch.setattr(embedding, "_load_model", load)
    embedder = SentenceTransformerEmbedder(EmbedderConfig())
    assert loaded == ["onnx-int8"]
    assert embedder.backend == "onnx-int8"
    assert "onnx-int8" in embedder.config.model_id  # caches keyed by what computed them


def test_auto_falls_back_to_torch_when_int8_cannot_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    loaded: list[str] = []

    def load(config: EmbedderConfig) -> _Model:
        loaded.append(config.backend)
        if config.backend != "torch":
            raise PermissionError("[Errno 13] Permission denied: '.local/cache/onnx'")
        return _Model()

    monkeypatch.setattr(embedding, "onnx_installed", lambda: True)
    monkeypatch.setattr(embedding, "_load_model", load)
    with caplog.at_level(logging.WARNING, logger=embedding.__name__):
        embedder = SentenceTransformerEmbedder(EmbedderConfig(max_seq_length=64))
    assert loaded == ["onnx-int8", "torch"]
    assert embedder.backend == "torch"
    assert embedder.config.max_seq_length == 64
    assert "could not be loaded (PermissionError" in caplog.text
    assert "using torch" in caplog.text


def test_a_backend_named_explicitly_does_not_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def load(config: EmbedderConfig) -> _Model:
        raise RuntimeError("the onnx backends need onnxruntime and onnx")

    monkeypatch.setattr(embedding, "_load_model", load)
    with pytest.raises(RuntimeError, match="need onnxruntime"):
        SentenceTransformerEmbedder(EmbedderConfig(backend="onnx-int8"))


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match=r"backend 'tensorrt' unknown; use one of \('auto'"):
        SentenceTransformerEmbedder(EmbedderConfig(backend="tensorrt"))


def test_the_cli_offers_the_backends_the_embedder_takes() -> None:
    import argparse

    from streams.cli.commands.triage import _add_model_options
    from streams.triage.embedding import BACKEND_CHOICES

    parser = argparse.ArgumentParser()
    _add_model_options(parser)
    action = next(a for a in parser._actions if a.dest == "backend")
    assert tuple(action.choices) == BACKEND_CHOICES
    assert action.default == "auto"
