"""The confidence model's stacked trees give scikit-learn's probabilities, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.triage.confidence import ConfidenceModel


def _fitted(seed: int, n: int = 600, width: int = 13) -> ConfidenceModel:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, width))
    x[rng.random(size=x.shape) < 0.05] = np.nan  # missing values take their own branch
    correct = (x[:, 0] + 0.5 * np.nan_to_num(x[:, 3]) + rng.normal(size=n) > 0).astype(int)
    model = ConfidenceModel(seed).fit(x, correct)
    assert model._trees is not None  # the stacked form is what predict uses
    return model


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stacked_trees_equal_scikit_learn(seed: int) -> None:
    model = _fitted(seed)
    rng = np.random.default_rng(100 + seed)
    x = rng.normal(scale=2.0, size=(257, 13))
    x[rng.random(size=x.shape) < 0.1] = np.nan
    x[:5] = model._trees._threshold[1]  # values exactly on a threshold go left
    reference = model._model.predict_proba(x)[:, 1]
    assert np.array_equal(model.predict(x), reference)
    assert np.array_equal(model.predict(x[:1]), reference[:1])
    assert model.predict(x[:0]).shape == (0,)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(float("nan"))), min_size=13, max_size=13),
        min_size=1,
        max_size=20,
    )
)
def test_stacked_trees_equal_scikit_learn_on_any_rows(rows: list[list[float]]) -> None:
    model = _FITTED
    x = np.array(rows, dtype=np.float64)
    assert np.array_equal(model.predict(x), model._model.predict_proba(x)[:, 1])


def test_one_outcome_leaves_the_model_unfitted() -> None:
    model = ConfidenceModel().fit(np.zeros((10, 3)), np.ones(10, dtype=int))
    assert not model.fitted


_FITTED = _fitted(7)
