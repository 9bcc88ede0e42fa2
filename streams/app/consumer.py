"""A Faust consumer that never commits an offset it has not processed.

faust-streaming (0.15) commits, per partition, the highest run of acknowledged offsets,
and fills "gaps" in a partition's offsets as if they were acknowledged (meant for
compacted topics and transaction markers). Three things in it let an offset be
committed before its record was processed, which a worker killed at the wrong moment
turns into a lost event (the crash test lost runs of ``ticket-created`` records):

1. **Records from before a seek.** After a partition assignment the recovery resumes
   the stream partitions *before* it seeks them to their committed offsets. Records
   fetched in between keep being delivered after the seek; the first lands far above
   the just-reset read offset, and Faust records everything in between as a gap -
   offsets delivered a moment ago and still being processed, or never delivered at all.
2. **The record that reveals a gap is counted in it.** ``_add_gap(tp, read + 1,
   offset)`` includes ``offset``, the record about to be delivered.
3. **The head of the partition.** The check that holds commits back while the record
   at the committed offset is unacknowledged lets one missing record through
   (``min(acked) - committed > 1``; faust-streaming issue 606).

:class:`SafeConsumer` fixes each: a seek starts a new *epoch*, and records fetched
before it are neither delivered nor allowed to move the read offset or add gaps (they
are fetched again from the committed offset); a gap ends before the record that
revealed it; and nothing is committed while the record at the committed offset is
neither acknowledged nor in a gap. It also ignores acknowledgements of records fetched
in an earlier consumer generation (Faust acknowledges such records when it skips them
after a rebalance, although nobody processed them). All of it only holds commits back or
delivers a record again; every handler here is idempotent.

:func:`app_class` is ``faust.App`` with this consumer; Faust is imported lazily.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

__all__ = ["ReadOffsets", "app_class", "gap_end", "head_missing"]


class ReadOffsets(defaultdict[Any, int | None]):
    """Faust's per-partition read offsets, ignoring writes for records of an old epoch.

    Faust's fetch loop sets an item after each delivered record; ``current()`` says
    whether that record belongs to the current epoch. Seeks write with :meth:`reset`
    or ``update`` (which bypasses ``__setitem__``).
    """

    def __init__(self, current: Callable[[], bool]) -> None:
        super().__init__(lambda: None)
        self.current = current

    def __setitem__(self, tp: Any, offset: int | None) -> None:
        if self.current():
            super().__setitem__(tp, offset)

    def reset(self, tp: Any, offset: int | None) -> None:
        """Set the read offset of a seek."""
        super().__setitem__(tp, offset)


def gap_end(offset_to: int) -> int:
    """The last missing offset of a gap revealed by the record at ``offset_to``."""
    return offset_to - 1


def head_missing(acked: list[int], committed: int | None, in_gap: Callable[[int], bool]) -> bool:
    """Whether the record at the committed offset is neither acknowledged nor a gap."""
    if not acked or committed is None:
        return False
    return min(acked) > committed and not in_gap(committed)


def app_class() -> type:
    """``faust.App`` whose consumer is :class:`SafeConsumer` (see the module docstring)."""
    import faust
    from faust.transport.consumer import ensure_TP
    from faust.transport.drivers import aiokafka as driver
    from faust.types import TP

    class SafeConsumer(driver.Consumer):  # type: ignore[misc]
        """Commits only processed offsets (see :mod:`streams.app.consumer`)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._epoch = 0
            self._yielded_epoch = 0
            self._read_offset = ReadOffsets(self._current)

        def _current(self) -> bool:
            return self._yielded_epoch == self._epoch

        async def getmany(
            self,
            timeout: float,  # noqa: ASYNC109 - Faust's signature
        ) -> AsyncIterator[tuple[TP, Any]]:
            epoch = self._epoch
            async for tp, message in super().getmany(timeout):
                if self._epoch != epoch:
                    break  # fetched before a seek: fetched again from the new position
                self._yielded_epoch = epoch
                yield tp, message

        async def perform_seek(self) -> None:
            self._epoch += 1
            await super().perform_seek()

        async def seek(self, partition: TP, offset: int) -> None:
            # one partition (a changelog during recovery): no new epoch, which would drop
            # the other partitions' fetched records without seeking them back
            await self._seek(partition, offset)
            self._read_offset.reset(ensure_TP(partition), offset if offset else None)

        async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
            if self._current() and offset_from <= gap_end(offset_to):
                await super()._add_gap(tp, offset_from, gap_end(offset_to))

        def _new_offset(self, tp: TP) -> int | None:
            gaps = self._gap[tp]
            if head_missing(self._acked[tp], self._committed_offset[tp], gaps.overlaps):
                return None
            offset: int | None = super()._new_offset(tp)
            return offset

        def ack(self, message: Any) -> bool:
            generation = getattr(message, "generation_id", None)
            if generation is not None and generation != self.app.consumer_generation_id:
                return False
            return bool(super().ack(message))

    class SafeTransport(driver.Transport):  # type: ignore[misc]
        Consumer = SafeConsumer

    class App(faust.App):  # type: ignore[misc]
        def _new_transport(self) -> Any:
            return SafeTransport(self.conf.broker_consumer, self)

    return App
