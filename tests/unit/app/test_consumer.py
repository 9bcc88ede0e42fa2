"""The consumer's commit rules: never treat a delivered, unfinished offset as done."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from streams.app.consumer import app_class, committed_positions, gap_end, head_missing


def test_a_gap_ends_before_the_record_that_revealed_it() -> None:
    # read 10, next record 12: only 11 is missing, 12 is about to be processed
    assert gap_end(12) == 11
    # read 10, next record 11: no gap at all
    assert gap_end(11) < 11


def test_nothing_is_committed_past_an_unacknowledged_head() -> None:
    def no_gap(_: int) -> bool:
        return False

    # committed 265 (the next record to process): 265 is in flight, 266.. acked
    assert head_missing([266, 267, 268], 265, no_gap)
    # the head acked: fine
    assert not head_missing([265, 266], 265, no_gap)
    # the head is a real gap (a transaction marker): fine
    assert not head_missing([266, 267], 265, lambda offset: offset == 265)
    # at the very start of a partition too
    assert head_missing([1, 2], 0, no_gap)
    # nothing acked, or no committed offset known: nothing to hold back
    assert not head_missing([], 265, no_gap)
    assert not head_missing([3, 4], None, no_gap)


def test_committed_positions_keep_zero_and_drop_unknown() -> None:
    assert committed_positions({"a": 0, "b": 12, "c": None, "d": -1}) == {"a": 0, "b": 12}


def _bare_consumer() -> Any:
    """The worker's consumer class with just the offset bookkeeping (no broker, no thread)."""
    from intervaltree import IntervalTree

    app = app_class()("consumer-test", broker="kafka://127.0.0.1:1", autodiscover=False)
    cls = app.transport.Consumer
    assert cls.__name__ == "SafeConsumer"
    consumer = cls.__new__(cls)
    consumer._acked = defaultdict(list)
    consumer._acked_index = defaultdict(set)
    consumer._gap = defaultdict(IntervalTree)
    consumer._committed_offset = defaultdict(lambda: None)
    return consumer


async def test_the_consumer_commits_only_processed_or_missing_offsets() -> None:
    from faust.types import TP as FAUST_TP

    consumer = _bare_consumer()

    def ack(tp: FAUST_TP, *offsets: int) -> None:
        consumer._acked[tp].extend(offsets)
        consumer._acked_index[tp].update(offsets)

    head = FAUST_TP("ticket-created", 0)
    consumer._committed_offset[head] = 265
    ack(head, 266, 267)
    assert consumer._new_offset(head) is None  # 265 still in flight
    ack(head, 265)
    assert consumer._new_offset(head) == 268

    gap = FAUST_TP("ticket-created", 1)
    consumer._committed_offset[gap] = 10
    await consumer._add_gap(gap, 11, 12)  # record 12 arrived after 10: 11 is missing
    ack(gap, 12)
    assert consumer._new_offset(gap) is None  # 10 itself is not processed yet
    ack(gap, 10)
    assert consumer._new_offset(gap) == 13  # 10 and 12 processed, 11 a real gap
