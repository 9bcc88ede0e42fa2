"""The consumer's commit rules: never treat a delivered, unfinished offset as done."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from streams.app.consumer import ReadOffsets, app_class, gap_end, head_missing

TP = ("ticket-created", 3)


def test_read_offsets_ignore_records_of_an_old_epoch() -> None:
    current = [True]
    offsets = ReadOffsets(lambda: current[0])
    assert offsets[TP] is None
    offsets[TP] = 264  # delivered in the current epoch
    assert offsets[TP] == 264
    current[0] = False  # a seek happened while the next record was being delivered
    offsets.update({TP: 250})  # the seek itself (perform_seek)
    offsets[TP] = 265  # the old record's delivery finishing: must not move the offset
    assert offsets[TP] == 250
    offsets.reset(TP, 240)  # a single-partition seek
    assert offsets[TP] == 240


def test_a_gap_ends_before_the_record_that_revealed_it() -> None:
    # read 10, next record 12: only 11 is missing, 12 is about to be processed
    assert gap_end(12) == 11
    assert gap_end(12) >= 11
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
    # nothing acked, or no committed offset known: nothing to hold back
    assert not head_missing([], 265, no_gap)
    assert not head_missing([3, 4], None, no_gap)


def test_the_app_uses_the_safe_consumer() -> None:
    app = app_class()("consumer-test", broker="kafka://127.0.0.1:1", autodiscover=False)
    assert app.transport.Consumer.__name__ == "SafeConsumer"


def _bare_consumer() -> Any:
    """The worker's consumer class with just the offset bookkeeping (no broker, no thread)."""
    from intervaltree import IntervalTree

    app = app_class()("consumer-test", broker="kafka://127.0.0.1:1", autodiscover=False)
    cls = app.transport.Consumer
    consumer = cls.__new__(cls)
    consumer._acked = defaultdict(list)
    consumer._acked_index = defaultdict(set)
    consumer._gap = defaultdict(IntervalTree)
    consumer._committed_offset = defaultdict(lambda: None)
    consumer._epoch = consumer._yielded_epoch = 0
    consumer._read_offset = ReadOffsets(consumer._current)
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
    consumer._read_offset[gap] = 10
    await consumer._add_gap(gap, 11, 12)  # record 12 arrived after 10: 11 is missing
    ack(gap, 12)
    assert consumer._new_offset(gap) is None  # 10 itself is not processed yet
    ack(gap, 10)
    assert consumer._new_offset(gap) == 13  # 10 and 12 processed, 11 a real gap

    # a gap revealed by a record of an old epoch (fetched before a seek) is not a gap
    stale = FAUST_TP("ticket-created", 2)
    consumer._committed_offset[stale] = 250
    consumer._epoch += 1
    await consumer._add_gap(stale, 251, 266)
    assert not consumer._gap[stale]
