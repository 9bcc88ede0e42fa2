"""The ONNX encoder's batch plan: every text once, longest first, little padding."""

from __future__ import annotations

import random

import pytest

from streams.triage.onnx_backend import plan_batches


def _padding(lengths: list[int], batches: list[list[int]]) -> int:
    return sum(lengths[b[0]] * len(b) - sum(lengths[i] for i in b) for b in batches)


def test_every_text_once_in_batches_of_at_most_the_limit_longest_first() -> None:
    rng = random.Random(3)
    lengths = [rng.randint(2, 128) for _ in range(203)]
    batches = plan_batches(lengths, 8)
    assert sorted(i for b in batches for i in b) == list(range(203))
    assert all(1 <= len(b) <= 8 for b in batches)
    for batch in batches:
        assert lengths[batch[0]] == max(lengths[i] for i in batch)
    firsts = [lengths[b[0]] for b in batches]
    assert firsts == sorted(firsts, reverse=True)


def test_equal_lengths_fill_whole_batches() -> None:
    assert sorted(len(b) for b in plan_batches([20] * 19, 8)) == [3, 8, 8]


def test_a_long_text_gets_its_own_pass_instead_of_padding_short_ones() -> None:
    lengths = [128, 10, 11, 12, 9, 10, 11, 12]
    batches = plan_batches(lengths, 8)
    assert batches[0] == [0]  # 7 short texts padded to 128 would cost far more
    assert sorted(batches[1]) == list(range(1, 8))


def test_pads_less_than_fixed_batches_sorted_by_length() -> None:
    rng = random.Random(5)
    lengths = [min(128, int(rng.lognormvariate(3.7, 0.7))) + 2 for _ in range(64)]
    order = sorted(range(64), key=lambda i: -lengths[i])
    fixed = [order[s : s + 8] for s in range(0, 64, 8)]
    assert _padding(lengths, plan_batches(lengths, 8)) < _padding(lengths, fixed)


def test_edge_cases() -> None:
    assert plan_batches([], 8) == []
    assert plan_batches([5], 8) == [[0]]
    assert plan_batches([5, 7, 6], 1) == [[1], [2], [0]]
    with pytest.raises(ValueError, match="max_batch"):
        plan_batches([5], 0)
