"""The consumer's gap rule: never treat delivered, unfinished offsets as acked."""

from __future__ import annotations

from streams.app.consumer import ReadOffsets, app_class, gap_start

TP = ("ticket-created", 3)


def _deliver(offsets: ReadOffsets, first: int, last: int) -> None:
    for offset in range(first, last + 1):
        offsets[TP] = offset  # what Faust's fetch loop does after each record


def test_read_offsets_remember_the_highest_delivery_not_seeks() -> None:
    offsets = ReadOffsets()
    assert offsets[TP] is None
    assert TP not in offsets.delivered
    _deliver(offsets, 734, 889)
    offsets.update({TP: 733})  # perform_seek: back to the committed offset
    assert offsets[TP] == 733
    assert offsets.delivered[TP] == 889
    offsets.reset(TP, 900)  # seek: not a delivery
    assert offsets.delivered[TP] == 889
    offsets.pop(TP, None)  # partition revoked
    assert TP not in offsets.delivered


def test_records_delivered_before_the_seek_are_no_gap() -> None:
    # recovery resumed the partition before seeking it: 734..889 were delivered, the
    # seek reset the read offset to 733 and the next record out of the old fetch is 890
    offsets = ReadOffsets()
    _deliver(offsets, 734, 889)
    offsets.update({TP: 733})
    read = offsets[TP]
    assert read is not None
    start = gap_start(read + 1, offsets.delivered.get(TP))
    assert start == 890
    assert start > 889  # nothing of 734..889 counts as acked


def test_a_real_gap_is_kept() -> None:
    offsets = ReadOffsets()
    _deliver(offsets, 0, 10)
    # offset 11 is a transaction marker: the next record is 12
    assert gap_start(11, offsets.delivered.get(TP)) == 11
    assert gap_start(11, None) == 11
    # part of a gap delivered, part not: only the undelivered part remains
    assert gap_start(5, 10) == 11


def test_the_app_uses_the_safe_consumer() -> None:
    app = app_class()("consumer-test", broker="kafka://127.0.0.1:1", autodiscover=False)
    assert app.transport.Consumer.__name__ == "SafeConsumer"
