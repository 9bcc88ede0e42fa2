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

    def fit(self, features: np.ndarray, correct: np.ndarray) -> ConfidenceModel:
        """Fit when both outcomes occur; otherwise stay unfitted (callers fall back)."""
        if len(set(correct.tolist())) < 2:
            return self
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            self._model.fit(features, correct.astype(int))
        self.fitted = True
        return self

    def predict(self, features: np.ndarray) -> np.ndarray:
        """P(correct) per row, on one thread.

        A triage batch has tens of rows; with OpenMP threads every one of the 100 trees
        opens a parallel region, which cost about 8 ms per ticket on 2 cores next to the
        encoder's own threads, against well under 1 ms on one thread.
        """
        with _one_thread():
            return np.asarray(self._model.predict_proba(features)[:, 1])


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
