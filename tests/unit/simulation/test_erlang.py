"""Erlang-C formulas, and the pooled queue against Erlang-C on a long M/M/c run."""

from __future__ import annotations

import pytest

from router.simulation import (
    PooledQueue,
    erlang_c_mean_wait,
    erlang_c_probability,
    poisson_input,
    run,
    summarise,
)


def test_one_server_is_mm1() -> None:
    # M/M/1: P(wait) = rho, Wq = rho / (mu - lambda)
    assert erlang_c_probability(1, 0.5) == pytest.approx(0.5)
    assert erlang_c_mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)


def test_textbook_value() -> None:
    # c = 2, a = 1 (rho = 0.5): C = 1/3, Wq = C / (c mu - lambda) = 1/3
    assert erlang_c_probability(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c_mean_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)


def test_overload_is_refused() -> None:
    with pytest.raises(ValueError, match="rho < 1"):
        erlang_c_probability(2, 2.0)


def test_pooled_queue_matches_erlang_c_on_a_long_mmc_run() -> None:
    """M/M/4 at rho = 0.75, 200,000 tickets, seed 3.

    Over 12 seeds the simulated mean wait differed from Erlang-C by 2.6 % (standard
    deviation, mean -0.3 %); the tolerance is 8 % (about three standard deviations).
    The share of tickets that waited at all must match Erlang-C's P(wait) within 2 points.
    """
    servers, arrival_rate, mean_work = 4, 0.6, 5.0
    sim = poisson_input(servers, arrival_rate, mean_work, 200_000, seed=3)
    rec = run(sim, PooledQueue(sim))
    metrics = summarise(sim, rec)
    expected = erlang_c_mean_wait(servers, arrival_rate, 1 / mean_work)
    assert metrics.mean_wait_s == pytest.approx(expected, rel=0.08)
    waited = sum(1 for s, a in zip(rec.started_at, rec.arrival, strict=True) if s > a) / 200_000
    assert waited == pytest.approx(erlang_c_probability(servers, 3.0), abs=0.02)
    assert metrics.utilisation_mean == pytest.approx(0.75, abs=0.01)
    assert metrics.jain_utilisation > 0.999
