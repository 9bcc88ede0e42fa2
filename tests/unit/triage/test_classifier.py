"""Classifier with the deterministic hashing embedder: fit, calibrated proba, uncertainty."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack

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


def _noisy_set(n_per_class: int = 90, seed: int = 0) -> tuple[list[str], np.ndarray, list[str]]:
    """Four word-vocabulary classes with 25 % shared filler so some tickets are ambiguous."""
    rng = np.random.default_rng(seed)
    vocab = {
        "billing": "invoice refund charge payment card receipt",
        "access": "password login locked account reset sso",
        "api": "webhook endpoint token request integration sdk",
        "bug": "error crash broken exception stack fails",
    }
    shared = ["please", "help", "issue", "today", "urgent", "team", "customer"]
    texts: list[str] = []
    labels: list[str] = []
    for label, words in vocab.items():
        own = words.split()
        for _ in range(n_per_class):
            k = int(rng.integers(1, 4))
            picked = list(rng.choice(own, k)) + list(rng.choice(shared, 4))
            if rng.random() < 0.25:  # a quarter carry another class's word too
                other = vocab[str(rng.choice([v for v in vocab if v != label]))].split()
                picked.append(str(rng.choice(other)))
            texts.append(" ".join(picked))
            labels.append(label)
    embedder = HashingEmbedder(256)
    return texts, np.asarray(embedder.embed(texts), dtype=np.float32), labels


def test_confidence_model_ranks_right_answers_first() -> None:
    texts, vectors, labels = _noisy_set()
    test_texts, test_vectors, test_labels = _noisy_set(40, seed=1)
    model = SkillClassifier(ClassifierConfig(confidence_min_examples=300)).fit(
        texts, vectors, labels
    )
    assert model._confidence is not None  # 360 examples: the confidence model is fitted
    proba, confidence = model.predict(test_texts, test_vectors)
    assert confidence.shape == (len(test_texts),)
    assert ((confidence >= 0.0) & (confidence <= 1.0)).all()
    correct = model.classes_[proba.argmax(axis=1)] == np.asarray(test_labels)
    assert 0 < correct.sum() < len(correct)
    assert confidence[correct].mean() > confidence[~correct].mean()
    assert np.allclose(model.predict_proba(test_texts, test_vectors), proba)


def test_small_training_sets_fall_back_to_top_probability(catalogue: Catalogue) -> None:
    model, embedder = _fit(catalogue)
    assert model._confidence is None
    text = ["invoice refund"]
    proba, confidence = model.predict(text, np.asarray(embedder.embed(text), dtype=np.float32))
    assert confidence[0] == proba.max()


def test_neighbourhood_matches_brute_force(monkeypatch: pytest.MonkeyPatch) -> None:
    import streams.triage.classifier as classifier_module

    monkeypatch.setattr(classifier_module, "_CHUNK", 7)  # several chunks
    texts, vectors, labels = _noisy_set(20)
    model = SkillClassifier().fit(texts, vectors, labels, calibrate=False)
    hood = model._neighbourhood(vectors[:30])
    sims = vectors[:30] @ vectors.T
    index = np.searchsorted(model.classes_, np.asarray(labels, dtype=object))
    for c in range(len(model.classes_)):
        assert np.allclose(hood.class_similarity[:, c], sims[:, index == c].max(axis=1))
    assert np.allclose(hood.similarities[:, 0], sims.max(axis=1))
    assert (np.diff(hood.similarities, axis=1) <= 1e-6).all()  # best first
    assert (hood.classes[:, 0] == index[sims.argmax(axis=1)]).all()


@pytest.mark.parametrize(
    "use", [{}, {"use_tfidf": False}, {"use_embeddings": False}, {"binary": True}]
)
def test_block_scores_equal_the_svm_decision_function(
    catalogue: Catalogue, use: dict[str, bool]
) -> None:
    """Prediction skips building the feature matrix; the decision values must not change."""
    if use.pop("binary", False):
        kept = catalogue.categories[:2]
        catalogue = Catalogue(
            name="two",
            descriptions={c: catalogue.descriptions[c] for c in kept},
            examples={c: catalogue.examples[c] for c in kept},
        )
    model, embedder = _fit(catalogue, **use)
    texts = np.asarray(
        ["invoice charged twice", "SSO login loop!!", "", "API 500 on POST /orders", "ok"],
        dtype=object,
    )
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    parts = []
    if model.config.use_tfidf:
        assert model._word is not None
        assert model._char is not None
        parts += [model._word.transform(texts), model._char.transform(texts)]
    if model.config.use_embeddings:
        parts.append(csr_matrix(vectors * model.config.embedding_scale))
    assert model._svm is not None
    expected = np.asarray(model._svm.decision_function(hstack(parts).tocsr()))
    if expected.ndim == 1:
        expected = np.column_stack([-expected, expected])
    np.testing.assert_allclose(model._svm_scores(texts, vectors), expected, rtol=1e-12, atol=1e-12)
