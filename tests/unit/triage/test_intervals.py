"""Paired bootstrap intervals of the evaluation figures (triage-eval)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from streams.triage.evaluation import (
    EvalFigures,
    _figures,
    accuracy_at_coverage,
    bootstrap_intervals,
)


def _figures_of(labels: list[str], predicted: list[str], confidence: list[float]) -> EvalFigures:
    figures = EvalFigures()
    figures.labels, figures.predicted, figures.confidence = labels, predicted, confidence
    return figures


def test_resample_figures_equal_scikit_learn_and_accuracy_at_coverage() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        truth = rng.integers(0, 12, 400)
        # some predictions name classes that never occur in the truth
        predicted = np.where(rng.random(400) < 0.6, truth, rng.integers(0, 15, 400))
        confidence = rng.random(400)
        accuracy, macro, *at = _figures(truth, predicted, confidence, 15)
        assert accuracy == pytest.approx(float(np.mean(truth == predicted)))
        expected = f1_score(truth, predicted, average="macro", zero_division=0)
        assert macro == pytest.approx(expected, abs=1e-12)
        for value, coverage in zip(at, (0.5, 0.7, 0.9), strict=True):
            assert value == accuracy_at_coverage(truth, predicted, confidence, coverage)


def test_perfect_and_identical_models_give_degenerate_intervals() -> None:
    labels = ["a", "b", "c", "a"] * 25
    perfect = _figures_of(labels, list(labels), [0.9] * 100)
    same = bootstrap_intervals(perfect, _figures_of(labels, list(labels), [0.9] * 100))
    assert same["triage"]["accuracy"] == [1.0, 1.0]  # type: ignore[index]
    lead = same["lead_over_baseline"]["accuracy"]  # type: ignore[index]
    assert lead == {"value": 0.0, "interval": [0.0, 0.0]}


def test_intervals_hold_the_estimate_and_narrow_with_more_tickets() -> None:
    rng = np.random.default_rng(5)

    def widths(n: int) -> tuple[float, float]:
        labels = [f"c{i}" for i in rng.integers(0, 5, n)]
        ours = [t if rng.random() < 0.8 else "c0" for t in labels]
        theirs = [t if rng.random() < 0.6 else "c1" for t in labels]
        result = bootstrap_intervals(
            _figures_of(labels, ours, list(rng.random(n))),
            _figures_of(labels, theirs, list(rng.random(n))),
            resamples=400,
        )
        low, high = result["triage"]["accuracy"]  # type: ignore[index]
        accuracy = float(np.mean(np.array(labels) == np.array(ours)))
        assert low <= accuracy <= high
        lead = result["lead_over_baseline"]["accuracy"]  # type: ignore[index]
        assert lead["interval"][0] > 0  # an 80 % model clearly beats a 60 % one
        lead_low, lead_high = lead["interval"]
        return high - low, lead_high - lead_low

    small, large = widths(200), widths(3200)
    assert large[0] < small[0] / 2  # width ~ 1 / sqrt(n): 4x narrower expected
    assert large[1] < small[1] / 2


def test_figures_over_different_tickets_are_refused() -> None:
    with pytest.raises(ValueError, match="same tickets"):
        bootstrap_intervals(_figures_of(["a"], ["a"], [1.0]), _figures_of(["b"], ["b"], [1.0]))
    with pytest.raises(ValueError, match="no tested tickets"):
        bootstrap_intervals(EvalFigures(), EvalFigures())
