"""Skill classifier: one linear SVM over [TF-IDF word n-grams, TF-IDF char n-grams,
scaled sentence embedding], temperature-calibrated, blended with a cosine kNN vote.

Chosen by measurement on real IT tickets (docs/triage.md): it beat logistic regression
on embeddings alone, TF-IDF alone and probability blends of the two, and trains in
seconds. Confidence is the calibrated top probability; the temperature is fitted on a
stratified held-out slice (negative log-likelihood), then the model is refitted on all
examples. Below ``threshold`` the result is *uncertain* so routing can use generalists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from streams.triage.confidence import ConfidenceModel, Signals, confidence_features
from streams.triage.ngrams import FastTfidf

__all__ = ["ClassifierConfig", "SkillClassifier"]

_NEIGHBOURS = 10  # nearest training examples kept per text (kNN vote and purity)
_CHUNK = 1024  # rows per similarity block, bounds memory to _CHUNK x training examples


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    """Hyper-parameters; defaults were chosen on the IT-ticket dev set."""

    c: float = 0.5
    embedding_scale: float = 1.5
    use_tfidf: bool = True
    use_embeddings: bool = True
    knn_k: int = 5
    knn_weight: float = 0.2
    knn_temperature: float = 0.05
    threshold: float = 0.5
    class_weight: str | None = None
    max_iter: int = 2000
    calibration_fraction: float = 0.15
    confidence_model: bool = True
    confidence_min_examples: int = 300
    confidence_folds: int = 3
    seed: int = 0


class SkillClassifier:
    """Fit on (text, vector, label[, weight]) and predict calibrated class probabilities."""

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        if not (self.config.use_tfidf or self.config.use_embeddings):
            raise ValueError("enable at least one of use_tfidf / use_embeddings")
        self.classes_: np.ndarray = np.array([], dtype=object)
        self.temperature = 1.0
        self._svm: LinearSVC | None = None
        self._word: TfidfVectorizer | None = None
        self._char: TfidfVectorizer | None = None
        # Prediction-time pieces: fast TF-IDF transforms and the SVM's weights per block.
        self._tfidf: tuple[FastTfidf, ...] = ()
        self._weights: tuple[np.ndarray, ...] = ()
        self._intercept = np.zeros(0)
        self._train_vectors = np.zeros((0, 0), dtype=np.float32)
        self._train_index = np.zeros(0, dtype=int)
        self._confidence: ConfidenceModel | None = None
        self._class_precision = np.zeros(0)
        self._class_blocks = (np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0, bool))

    @property
    def fitted(self) -> bool:
        """Whether :meth:`fit` has run."""
        return len(self.classes_) > 0

    def fit(
        self,
        texts: Sequence[str],
        vectors: np.ndarray,
        labels: Sequence[str],
        weights: Sequence[float] | None = None,
        calibrate: bool = True,
    ) -> SkillClassifier:
        """Train; with ``calibrate`` a stratified held-out slice fits the temperature first."""
        y = np.asarray(labels, dtype=object)
        if len(set(y.tolist())) < 2:
            raise ValueError("need examples of at least two categories to train")
        w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
        texts_a = np.asarray(list(texts), dtype=object)
        vectors = np.asarray(vectors, dtype=np.float32)
        self.temperature = 1.0
        self._confidence = None
        cfg = self.config
        if calibrate and cfg.confidence_model and len(y) >= cfg.confidence_min_examples:
            self._fit_confidence(texts_a, vectors, y, w)
        elif calibrate and len(y) >= 40:
            train, held = _calibration_split(y, cfg.calibration_fraction, cfg.seed)
            if len(held) >= 10 and len(set(y[train].tolist())) >= 2:
                self._fit_models(texts_a[train], vectors[train], y[train], w[train])
                self.temperature = _fit_temperature(
                    self._svm_scores(texts_a[held], vectors[held]),
                    self._neighbourhood(vectors[held]).knn_proba(
                        cfg.knn_k, cfg.knn_temperature, len(self.classes_)
                    ),
                    self.classes_,
                    y[held],
                    cfg.knn_weight,
                )
        self._fit_models(texts_a, vectors, y, w)
        return self

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order."""
        return self.predict(texts, vectors)[0]

    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(proba, confidence)``: class probabilities and P(top class is right) per text.

        Without a confidence model (small training sets) the confidence is the top
        probability.
        """
        if not self.fitted:
            raise RuntimeError("classifier is not trained; call fit() or load a catalogue first")
        texts_a = np.asarray(list(texts), dtype=object)
        vectors = np.asarray(vectors, dtype=np.float32)
        scores = self._svm_scores(texts_a, vectors)
        hood = self._neighbourhood(vectors)
        signals = self._signals(texts_a, scores, hood, self.temperature)
        if self._confidence is None or len(texts_a) == 0:
            return signals.blend, signals.blend.max(axis=1, initial=0.0)
        features = confidence_features(signals, self._class_precision)
        return signals.blend, self._confidence.predict(features)

    def _signals(
        self, texts: np.ndarray, scores: np.ndarray, hood: _Neighbourhood, temperature: float
    ) -> Signals:
        svm = _softmax(scores / temperature)
        knn = hood.knn_proba(self.config.knn_k, self.config.knn_temperature, scores.shape[1])
        knn = knn if self.config.knn_weight > 0 and self.config.use_embeddings else 0 * knn
        blend = _blend(svm, knn, self.config.knn_weight)
        return Signals(
            blend=blend,
            svm=svm,
            knn=knn if knn.any() else svm,
            class_similarity=hood.class_similarity,
            neighbour_classes=hood.classes,
            class_share=self._class_share(hood.n_classes),
            text_length=np.array([len(t) for t in texts], dtype=float),
        )

    def _class_share(self, n_classes: int) -> np.ndarray:
        counts = np.bincount(self._train_index, minlength=n_classes)[:n_classes]
        return np.asarray(counts / max(1, len(self._train_index)), dtype=float)

    def _fit_confidence(
        self, texts: np.ndarray, vectors: np.ndarray, y: np.ndarray, w: np.ndarray
    ) -> None:
        """Out-of-fold predictions → temperature (NLL) → confidence model (P(correct)).

        Every training example is predicted by a model that did not see it (stratified
        folds), so the temperature and the confidence model learn from honest mistakes.
        """
        classes = np.array(sorted(set(y.tolist())), dtype=object)
        n, k = len(y), len(classes)
        scores = np.full((n, k), -1e3)
        class_sim = np.full((n, k), -1.0)
        neighbours = np.full((n, _NEIGHBOURS), -1, dtype=int)
        neighbour_sims = np.full((n, _NEIGHBOURS), -1.0)
        share = np.zeros((n, k))
        for held in _folds(y, self.config.confidence_folds, self.config.seed):
            train = np.setdiff1d(np.arange(n), held)
            if len(held) == 0 or len(set(y[train].tolist())) < 2:
                continue
            self._fit_models(texts[train], vectors[train], y[train], w[train])
            columns = np.searchsorted(classes, self.classes_)
            scores[np.ix_(held, columns)] = self._svm_scores(texts[held], vectors[held])
            hood = self._neighbourhood(vectors[held])
            class_sim[np.ix_(held, columns)] = hood.class_similarity
            width = hood.classes.shape[1]
            neighbours[held, :width] = np.where(hood.classes >= 0, columns[hood.classes], -1)
            neighbour_sims[held, :width] = hood.similarities
            share[np.ix_(held, columns)] = self._class_share(len(self.classes_))
        self.temperature = _fit_temperature(
            scores,
            _Neighbourhood(neighbours, neighbour_sims, class_sim).knn_proba(
                self.config.knn_k, self.config.knn_temperature, k
            ),
            classes,
            y,
            self.config.knn_weight,
        )
        self.classes_ = classes
        hood = _Neighbourhood(neighbours, neighbour_sims, class_sim)
        signals = self._signals(texts, scores, hood, self.temperature)
        signals = replace(signals, class_share=share)
        correct = classes[signals.blend.argmax(axis=1)] == y
        self._class_precision = _smoothed_precision(signals.blend.argmax(axis=1), correct, k)
        model = ConfidenceModel(self.config.seed).fit(
            confidence_features(signals, self._class_precision), correct
        )
        self._confidence = model if model.fitted else None

    def _neighbourhood(self, vectors: np.ndarray) -> _Neighbourhood:
        """Nearest training examples and the best similarity to each class (chunked)."""
        n, n_classes = len(vectors), len(self.classes_)
        width = min(_NEIGHBOURS, len(self._train_index))
        out = _Neighbourhood(
            np.full((n, width), -1, dtype=int),
            np.full((n, width), -1.0),
            np.full((n, n_classes), -1.0),
        )
        if n == 0 or width == 0 or not self.config.use_embeddings:
            return out
        order, starts, present = self._class_blocks
        for lo in range(0, n, _CHUNK):
            sims = vectors[lo : lo + _CHUNK] @ self._train_vectors.T
            rows = np.arange(len(sims))[:, None]
            top = np.argpartition(-sims, width - 1, axis=1)[:, :width]
            top = np.take_along_axis(
                top, np.argsort(-sims[rows, top], axis=1, kind="stable"), axis=1
            )
            out.classes[lo : lo + _CHUNK] = self._train_index[top]
            out.similarities[lo : lo + _CHUNK] = sims[rows, top]
            per_class = np.maximum.reduceat(sims[:, order], starts, axis=1)
            out.class_similarity[lo : lo + _CHUNK, present] = per_class
        return out

    def _features(self, texts: np.ndarray, vectors: np.ndarray) -> csr_matrix:
        """The training matrix: [word TF-IDF, char TF-IDF, scaled embedding]."""
        parts = []
        if self.config.use_tfidf and self._word is not None and self._char is not None:
            parts += [self._word.fit_transform(texts), self._char.fit_transform(texts)]
        if self.config.use_embeddings:
            parts.append(csr_matrix(vectors * self.config.embedding_scale))
        return hstack(parts).tocsr()

    def _fit_models(
        self, texts: np.ndarray, vectors: np.ndarray, y: np.ndarray, w: np.ndarray
    ) -> None:
        cfg = self.config
        self.classes_ = np.array(sorted(set(y.tolist())), dtype=object)
        if cfg.use_tfidf:
            self._word = TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, max_features=100_000
            )
            self._char = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                sublinear_tf=True,
                min_df=2 if len(y) > 200 else 1,
                max_features=200_000,
            )
        x = self._features(texts, vectors)
        self._svm = LinearSVC(
            C=cfg.c, class_weight=cfg.class_weight, max_iter=cfg.max_iter, random_state=cfg.seed
        )
        self._svm.fit(x, y, sample_weight=w)
        # decision_function without building the matrix: one product per block.
        self._tfidf = (FastTfidf(self._word), FastTfidf(self._char)) if cfg.use_tfidf else ()
        weights = np.ascontiguousarray(np.asarray(self._svm.coef_, dtype=np.float64).T)
        widths = [tfidf.width for tfidf in self._tfidf]
        if cfg.use_embeddings:
            widths.append(weights.shape[0] - sum(widths))
        bounds = np.cumsum([0, *widths])
        self._weights = tuple(weights[lo:hi] for lo, hi in pairwise(bounds))
        self._intercept = np.asarray(self._svm.intercept_, dtype=np.float64)
        self._train_vectors = vectors
        self._train_index = np.searchsorted(self.classes_, y)
        # Training examples grouped by class, for the per-class best similarity.
        order = np.argsort(self._train_index, kind="stable")
        n_classes = len(self.classes_)
        starts = np.searchsorted(self._train_index[order], np.arange(n_classes))
        present = np.bincount(self._train_index, minlength=n_classes) > 0
        self._class_blocks = (order, starts[present], present)

    def _svm_scores(self, texts: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Decision values in ``classes_`` order (binary problems become two columns)."""
        blocks = [tfidf.transform(texts) for tfidf in self._tfidf]
        if self.config.use_embeddings:  # float32 product first, as in the training matrix
            blocks.append((vectors * self.config.embedding_scale).astype(np.float64))
        scores = np.tile(self._intercept, (len(texts), 1))
        for block, weights in zip(blocks, self._weights, strict=True):
            scores += block @ weights
        if scores.shape[1] == 1:  # binary: one decision value for the second class
            scores = np.column_stack([-scores[:, 0], scores[:, 0]])
        return scores


@dataclass(frozen=True, slots=True)
class _Neighbourhood:
    """Per text: class index and similarity of the nearest training examples (best first,
    -1 where there are fewer) and the best similarity to each class (-1 when absent)."""

    classes: np.ndarray
    similarities: np.ndarray
    class_similarity: np.ndarray

    @property
    def n_classes(self) -> int:
        return int(self.class_similarity.shape[1])

    def knn_proba(self, k: int, temperature: float, n_classes: int) -> np.ndarray:
        """Similarity-weighted vote of the ``k`` nearest examples (rows sum to 1 or 0)."""
        n = len(self.classes)
        out = np.zeros((n, n_classes))
        k = min(k, self.classes.shape[1])
        if n == 0 or k == 0:
            return out
        labels, sims = self.classes[:, :k], self.similarities[:, :k]
        weights = np.where(labels >= 0, np.exp((sims - 1.0) / temperature), 0.0)
        rows = np.broadcast_to(np.arange(n)[:, None], labels.shape)
        np.add.at(out, (rows, np.maximum(labels, 0)), weights)
        return np.asarray(out / np.maximum(out.sum(axis=1, keepdims=True), 1e-12))


def _smoothed_precision(predicted: np.ndarray, correct: np.ndarray, n_classes: int) -> np.ndarray:
    """Out-of-fold precision per predicted class, shrunk towards the overall accuracy."""
    prior, strength = float(correct.mean()) if len(correct) else 0.5, 10.0
    hits = np.bincount(predicted, weights=correct.astype(float), minlength=n_classes)
    counts = np.bincount(predicted, minlength=n_classes)
    return np.asarray((hits + strength * prior) / (counts + strength))


def _blend(svm_proba: np.ndarray, knn_proba: np.ndarray, knn_weight: float) -> np.ndarray:
    if knn_weight <= 0 or not knn_proba.any():
        return svm_proba
    return np.asarray((1.0 - knn_weight) * svm_proba + knn_weight * knn_proba)


def _folds(y: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """Stratified folds of indices (classes dealt round-robin after shuffling)."""
    rng = np.random.default_rng(seed)
    fold_of = np.zeros(len(y), dtype=int)
    offset = 0
    for label in sorted(set(y.tolist())):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        fold_of[idx] = (np.arange(len(idx)) + offset) % folds
        offset += len(idx)
    return [np.flatnonzero(fold_of == k) for k in range(folds)]


def _calibration_split(y: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified split; classes with fewer than 3 examples stay entirely in training."""
    rng = np.random.default_rng(seed)
    train: list[int] = []
    held: list[int] = []
    for label in sorted(set(y.tolist())):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        n_held = max(1, int(len(idx) * fraction)) if len(idx) >= 3 else 0
        held.extend(idx[:n_held].tolist())
        train.extend(idx[n_held:].tolist())
    return np.array(sorted(train)), np.array(sorted(held))


def _fit_temperature(
    scores: np.ndarray,
    knn_proba: np.ndarray,
    classes: np.ndarray,
    y: np.ndarray,
    knn_weight: float,
) -> float:
    """Temperature minimising held-out negative log-likelihood of the blend (grid search)."""
    known = np.isin(y, classes)
    if not known.any():
        return 1.0
    target = np.searchsorted(classes, y[known])
    rows = np.arange(len(target))
    best, best_nll = 1.0, np.inf
    for temperature in np.exp(np.linspace(np.log(0.02), np.log(5.0), 70)):
        proba = _blend(_softmax(scores[known] / temperature), knn_proba[known], knn_weight)
        nll = -np.mean(np.log(np.clip(proba[rows, target], 1e-12, 1.0)))
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))
