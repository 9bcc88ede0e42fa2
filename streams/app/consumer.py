"""A Faust consumer that never commits an offset it has not processed.

faust-streaming (0.15) commits, per partition, the highest run of acknowledged offsets,
and fills "gaps" in a partition's offsets as if they were acknowledged (meant for
compacted topics and transaction markers). Three things in it let an offset be
committed before its record was processed, which a worker killed at the wrong moment
turns into a lost event (the crash test lost runs of ``ticket-created`` records):

1. **The seek after recovery.** After a partition assignment the recovery resumes the
   stream partitions, lets them deliver, and only then seeks them back to their
   committed offsets. Records fetched before the seek keep being delivered after it:
   the first lands far above the just-reset read offset, and Faust records everything
   in between as a gap - offsets delivered a moment ago and still being processed.
2. **The record that reveals a gap is counted in it.** ``_add_gap(tp, read + 1,
   offset)`` includes ``offset``, the record about to be delivered.
3. **The head of the partition.** The check that holds commits back while the record
   at the committed offset is unacknowledged lets one missing record through
   (``min(acked) - committed > 1``; faust-streaming issue 606).

:class:`SafeConsumer` fixes each. (1) While records flow, its ``perform_seek`` only
reads the committed offsets and does not rewind: a newly assigned partition already
starts at its committed offset (the Kafka client positions it there), so the seek
would only deliver the same records twice and confuse the read offsets. When the flow
is stopped (a rebalance under way, fetched records discarded) it seeks as Faust does.
(2) A gap ends before the record that revealed it. (3) Nothing is committed while the
record at the committed offset is neither acknowledged nor in a gap. It also ignores
acknowledgements of records fetched in an earlier consumer generation (Faust
acknowledges the records it skips after a rebalance, although nobody processed them).
All of it only holds commits back; every handler here is idempotent.

:func:`app_class` is ``faust.App`` with this consumer; Faust is imported lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["app_class", "committed_positions", "gap_end", "head_missing"]


def gap_end(offset_to: int) -> int:
    """The last missing offset of a gap revealed by the record at ``offset_to``."""
    return offset_to - 1


def head_missing(acked: list[int], committed: int | None, in_gap: Callable[[int], bool]) -> bool:
    """Whether the record at the committed offset is neither acknowledged nor a gap."""
    if not acked or committed is None:
        return False
    return min(acked) > committed and not in_gap(committed)


def committed_positions(offsets: Mapping[Any, int | None]) -> dict[Any, int]:
    """The known committed offsets (the next record to process), 0 included."""
    return {tp: offset for tp, offset in offsets.items() if offset is not None and offset >= 0}


def app_class() -> type:
    """``faust.App`` whose consumer is :class:`SafeConsumer` (see the module docstring)."""
    import faust
    from faust.transport.consumer import ensure_TP
    from faust.transport.drivers import aiokafka as driver
    from faust.types import TP

    class SafeConsumer(driver.Consumer):  # type: ignore[misc]
        """Commits only processed offsets (see :mod:`streams.app.consumer`)."""

        async def perform_seek(self) -> None:
            if not self.flow_active:
                await super().perform_seek()
                return
            client = self._thread._ensure_consumer()

            async def committed() -> dict[Any, int | None]:
                return {tp: await client.committed(tp) for tp in client.assignment()}

            offsets = committed_positions(await self._thread.call_thread(committed))
            self._committed_offset.update({ensure_TP(tp): o for tp, o in offsets.items()})
            for tp, offset in offsets.items():
                if self._read_offset[ensure_TP(tp)] is None:
                    self._read_offset[ensure_TP(tp)] = offset or None

        async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
            if offset_from <= gap_end(offset_to):
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
