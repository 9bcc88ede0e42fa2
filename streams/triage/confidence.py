"""Confidence model: P(the top category is right), learned from out-of-fold predictions.

Ranking tickets by the blended top probability alone leaves accuracy on the table; a small
gradient-boosted model over a handful of signals ranks better (measured in
docs/triage.md): top probability and margin, SVM/kNN agreement, similarity to the nearest
training example of the predicted class and of any other class, how many of the nearest
neighbours share the predicted class, how reliable that class was out of fold, how common
it is, and the text length. Trained on out-of-fold predictions of the training set, so it
sees the classifier's honest mistakes.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import ThreadpoolController

__all__ = ["ConfidenceModel", "Signals", "confidence_features"]


@dataclass(frozen=True, slots=True)
class Signals:
    """Per-ticket signals of one prediction (n texts, k classes).

    ``blend``/``svm``/``knn``: n x k probabilities; ``class_similarity``: n x k best cosine
    similarity to a training example of each class (-1 when absent);
    ``neighbour_classes``: n x m class index of the nearest training examples, best first
    (-1 padding); ``class_share``: training share per class, k or n x k;
    ``text_length``: n characters.
    """

    blend: np.ndarray
    svm: np.ndarray
    knn: np.ndarray
    class_similarity: np.ndarray
    neighbour_classes: np.ndarray
    class_share: np.ndarray
    text_length: np.ndarray


def confidence_features(signals: Signals, class_precision: np.ndarray) -> np.ndarray:
    """Feature matrix for :class:`ConfidenceModel` (one row per text).

    ``class_precision``: out-of-fold precision of each class when predicted (k).
    """
    n = len(signals.blend)
    rows = np.arange(n)
    predicted = signals.blend.argmax(axis=1) if n else np.zeros(0, dtype=int)
    ordered = np.sort(signals.blend, axis=1)
    top = ordered[:, -1]
    second = ordered[:, -2] if ordered.shape[1] > 1 else np.zeros_like(top)
    agree = (signals.svm.argmax(axis=1) == signals.knn.argmax(axis=1)).astype(float)
    share = np.broadcast_to(signals.class_share, signals.blend.shape)[rows, predicted]
    same = signals.class_similarity[rows, predicted]
    others = signals.class_similarity.copy()
    others[rows, predicted] = -1.0
    other = others.max(axis=1, initial=-1.0)
    neighbours = signals.neighbour_classes
    valid = np.maximum((neighbours >= 0).sum(axis=1), 1)
    purity = (neighbours == predicted[:, None]).sum(axis=1) / valid
    first = neighbours[:, 0] == predicted if neighbours.shape[1] else np.zeros(n, dtype=bool)
    precision = class_precision[predicted] if len(class_precision) else np.full(n, 0.5)
    return np.column_stack(
        [
            top,
            top - second,
            signals.svm.max(axis=1),
            signals.knn.max(axis=1),
            agree,
            same,
            other,
            same - other,
            purity,
            first.astype(float),
            precision,
            np.log(np.maximum(share, 1e-6)),
            np.log1p(signals.text_length),
        ]
    )


class ConfidenceModel:
    """Gradient-boosted estimate of P(correct) from :func:`confidence_features`."""

    def __init__(self, seed: int = 0) -> None:
        self._model = HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.05, max_depth=3, random_state=seed
        )
        self.fitted = False
        self._trees: _StackedTrees | None = None

    def fit(self, features: np.ndarray, correct: np.ndarray) -> ConfidenceModel:
        """Fit when both outcomes occur; otherwise stay unfitted (callers fall back)."""
        if len(set(correct.tolist())) < 2:
            return self
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            self._model.fit(features, correct.astype(int))
        self.fitted = True
        self._trees = _StackedTrees.of(self._model)
        return self

    def predict(self, features: np.ndarray) -> np.ndarray:
        """P(correct) per row.

        A triage batch has tens of rows: scikit-learn's predictor walks the 100 trees one
        call at a time (about 0.5 ms a batch on one thread; with OpenMP threads every tree
        opened a parallel region, about 8 ms per ticket next to the encoder's threads).
        The stacked trees walk all of them at once in numpy, with the same comparisons
        and additions, so the same probabilities to the last bit.
        """
        if self._trees is not None:
            return self._trees.predict_proba(np.asarray(features, dtype=np.float64))
        with _one_thread():
            return np.asarray(self._model.predict_proba(features)[:, 1])


class _StackedTrees:
    """A fitted binary ``HistGradientBoostingClassifier``'s trees as flat node arrays.

    Every row walks every tree one level per step (``X <= threshold`` goes left, a missing
    value goes where the tree sends missing values); the leaf values are added to the
    baseline tree by tree, in scikit-learn's order, and its loss turns the sum into a
    probability. Built only for what it reproduces exactly: numeric splits, one tree per
    iteration.
    """

    def __init__(self, model: HistGradientBoostingClassifier) -> None:
        nodes = [predictors[0].nodes for predictors in model._predictors]
        sizes = np.array([len(n) for n in nodes])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        flat = np.concatenate(nodes)
        shift = np.repeat(starts, sizes)
        self._roots = starts
        self._feature = flat["feature_idx"].astype(np.intp)
        self._threshold = flat["num_threshold"].astype(np.float64)
        self._missing_left = flat["missing_go_to_left"].astype(bool)
        self._leaf = flat["is_leaf"].astype(bool)
        self._left = np.where(self._leaf, 0, flat["left"].astype(np.intp) + shift)
        self._right = np.where(self._leaf, 0, flat["right"].astype(np.intp) + shift)
        self._value = flat["value"].astype(np.float64)
        self._depth = int(flat["depth"].max(initial=0))
        self._baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
        self._loss = model._loss

    @classmethod
    def of(cls, model: HistGradientBoostingClassifier) -> _StackedTrees | None:
        """The stacked form, or ``None`` where it would not be exact (scikit-learn's then)."""
        try:
            predictors = model._predictors
            if model.n_trees_per_iteration_ != 1 or not predictors:
                return None
            if any(p[0].nodes["is_categorical"].any() for p in predictors):
                return None
            return cls(model)
        except (AttributeError, KeyError, ValueError, IndexError):
            return None

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """P(class 1) per row of ``x``."""
        n = len(x)
        if n == 0:
            return np.zeros(0)
        node = np.broadcast_to(self._roots, (n, len(self._roots))).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self._depth):
            value = x[rows, self._feature[node]]
            left = np.where(
                np.isnan(value), self._missing_left[node], value <= self._threshold[node]
            )
            step = np.where(left, self._left[node], self._right[node])
            node = np.where(self._leaf[node], node, step)
        terms = np.column_stack([np.full(n, self._baseline[0]), self._value[node]])
        raw = np.cumsum(terms, axis=1)[:, -1:]  # baseline, then tree by tree, in order
        return np.asarray(self._loss.predict_proba(raw)[:, 1])


@functools.cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def _one_thread() -> Any:
    """Context manager limiting OpenMP to one thread."""
    return _controller().limit(limits=1, user_api="openmp")


def single_threaded() -> Any:
    """Context manager limiting the BLAS and OpenMP pools to one thread.

    For the small per-batch maths next to the encoder: on 2 cores, BLAS threads that
    spin after each tiny matrix product take the CPUs from the encoder's own threads
    (measured: the triage stage at 0.80 of raw encode with BLAS threads, 0.94 without).
    """
    return _controller().limit(limits=1)
