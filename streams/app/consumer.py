"""A Faust consumer that never commits an offset it has not processed.

faust-streaming (0.15) fills "gaps" in a partition's offsets as if they were acked, for
compacted topics and transaction markers. After a partition assignment its recovery
resumes the stream partitions *before* it seeks them to the committed offsets, so records
fetched before the seek are still being delivered after it: the first of them lands
above the just-reset read offset and Faust records everything in between as a gap -
offsets that were delivered a moment ago and are still being processed. The next commit
covers them; a worker killed before it finished them loses those events for good (the
crash test lost a run of ``ticket-created`` records this way, about one run in five).

:class:`SafeConsumer` keeps Faust's gap handling for offsets this consumer never
delivered (real gaps) and drops the part of a gap that it did deliver; it also ignores
the ack of a message fetched in an earlier consumer generation (Faust acks such messages
when it skips them after a rebalance, although nobody processed them). Both only hold
back commits: a held-back offset is committed once its message is processed, or the
message is delivered again after a restart, and every handler here is idempotent.

:func:`app_class` is ``faust.App`` with this consumer; Faust is imported lazily.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

__all__ = ["ReadOffsets", "app_class", "gap_start"]


class ReadOffsets(defaultdict[Any, int | None]):
    """Faust's per-partition read offsets, also remembering the highest one delivered.

    Faust's fetch loop sets an item after each delivered record; ``perform_seek`` resets
    them with ``update`` (not a delivery, so not recorded: ``dict.update`` bypasses
    ``__setitem__``); a revoked partition is ``pop``-ped and forgotten.
    """

    def __init__(self) -> None:
        super().__init__(lambda: None)
        self.delivered: dict[Any, int] = {}

    def __setitem__(self, tp: Any, offset: int | None) -> None:
        super().__setitem__(tp, offset)
        if offset is not None and offset > self.delivered.get(tp, -1):
            self.delivered[tp] = offset

    def pop(self, tp: Any, *default: Any) -> Any:  # type: ignore[override]
        self.delivered.pop(tp, None)
        return super().pop(tp, *default)

    def reset(self, tp: Any, offset: int | None) -> None:
        """Set the read offset without recording a delivery (a seek)."""
        super().__setitem__(tp, offset)


def gap_start(offset_from: int, delivered: int | None) -> int:
    """Where a gap really starts: after the highest offset already delivered."""
    return offset_from if delivered is None else max(offset_from, delivered + 1)


def app_class() -> type:
    """``faust.App`` whose consumer is :class:`SafeConsumer` (see the module docstring)."""
    import faust
    from faust.transport.consumer import ensure_TP
    from faust.transport.drivers import aiokafka as driver
    from faust.types import TP

    class SafeConsumer(driver.Consumer):  # type: ignore[misc]
        """Gaps only for offsets never delivered; no acks from older generations."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._read_offset = ReadOffsets()

        async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
            start = gap_start(offset_from, self._read_offset.delivered.get(tp))
            if start <= offset_to:
                await super()._add_gap(tp, start, offset_to)

        async def seek(self, partition: TP, offset: int) -> None:
            await self._seek(partition, offset)
            self._read_offset.reset(ensure_TP(partition), offset if offset else None)

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
