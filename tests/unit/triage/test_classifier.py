"""Classifier with the deterministic hashing embedder: fit, calibrated proba, uncertainty."""

from __future__ import annotations

import numpy as np
import pytest

from router.triage import HashingEmbedder
from streams.triage.catalogue import Catalogue, load_catalogue
from streams.triage.classifier import ClassifierConfig, SkillClassifier


def _fit(catalogue: Catalogue, **config: object) -> tuple[SkillClassifier, HashingEmbedder]:
    embedder = HashingEmbedder(512)
    texts, labels = catalogue.training_pairs()
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    model = SkillClassifier(ClassifierConfig(**config))  # type: ignore[arg-type]
    return model.fit(texts, vectors, labels), embedder


def test_default_catalogue_shape(catalogue: Catalogue) -> None:
    assert 8 <= len(catalogue.categories) <= 12
    assert all(len(catalogue.examples[c]) >= 15 for c in catalogue.categories)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("we were charged twice on the invoice, please refund", "billing"),
        ("the webhook endpoint does not receive events, API key is valid", "api"),
        ("please send your SOC 2 report and the GDPR data processing agreement", "security"),
    ],
)
def test_predicts_obvious_categories(catalogue: Catalogue, text: str, category: str) -> None:
    model, embedder = _fit(catalogue)
    proba = model.predict_proba([text], np.asarray(embedder.embed([text]), dtype=np.float32))
    assert model.classes_[int(proba.argmax())] == category
    assert proba.shape == (1, len(catalogue.categories))
    assert np.allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("use", [{"use_tfidf": False}, {"use_embeddings": False}])
def test_each_part_alone_works(catalogue: Catalogue, use: dict[str, bool]) -> None:
    model, embedder = _fit(catalogue, **use)
    text = "invoice refund credit card charged"
    proba = model.predict_proba([text], np.asarray(embedder.embed([text]), dtype=np.float32))
    assert model.classes_[int(proba.argmax())] == "billing"


def test_temperature_is_fitted_on_held_out(catalogue: Catalogue) -> None:
    model, _ = _fit(catalogue)
    assert model.temperature != 1.0
    assert 0.1 <= model.temperature <= 5.0


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least two categories"):
        SkillClassifier().fit(["a", "b"], np.zeros((2, 4)), ["x", "x"])
    with pytest.raises(ValueError, match="at least one"):
        SkillClassifier(ClassifierConfig(use_tfidf=False, use_embeddings=False))
    with pytest.raises(RuntimeError, match="not trained"):
        SkillClassifier().predict_proba(["a"], np.zeros((1, 4)))


def test_catalogue_errors(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "c.yaml"
    path.write_text("categories:\n  Bad Name:\n    description: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lower-case"):
        load_catalogue(path)
    with pytest.raises(ValueError, match="cannot read"):
        load_catalogue(Path(str(tmp_path)) / "missing.yaml")
