"""A Faust consumer whose fetches never drain partitions the worker is not reading.

faust-streaming (0.15) fetches with the *live* set of active partitions: the consumer
thread keeps waiting (up to a second) on aiokafka's ``fetched_records(partitions)``
while the worker pauses and resumes partitions around it. aiokafka reads an empty set
as "every partition", and a fetch drains - moves the read position past - whatever it
returns. Faust then drops the records of partitions that are not active, so during a
rebalance a fetch that began while only changelog partitions were active could, once
recovery had paused those, drain a stream partition right after its seek to the
committed offset: the records were never processed, the next delivered record was far
ahead, and Faust counted the offsets in between as an acknowledged gap and committed
them (a worker taking over another's partitions lost the first records sent during
the rebalance, about one run in five of the two-worker test).

:class:`SafeConsumer`'s thread fetches with a snapshot of the active partitions taken
when the fetch starts, and returns nothing at once when there are none. Partitions
paused later are drained only by fetches that began while they were active, and Faust
seeks every partition to its committed offset when a rebalance ends, so nothing read
and dropped in between is lost.

:func:`app_class` is ``faust.App`` with this consumer; Faust is imported lazily.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["app_class", "fetch_partitions"]


def fetch_partitions(active: Iterable[Any] | None) -> frozenset[Any] | None:
    """The partitions one fetch may drain: a snapshot of ``active`` (empty: none).

    ``None`` stays ``None``: a client-only Faust app reads every assigned partition.
    """
    return None if active is None else frozenset(active)


def app_class() -> type:
    """``faust.App`` whose consumer is :class:`SafeConsumer` (see the module docstring)."""
    import faust
    from faust.transport.drivers import aiokafka as driver

    class SnapshotFetchThread(driver.AIOKafkaConsumerThread):  # type: ignore[misc]
        """Fetches only the partitions active when the fetch started."""

        async def _fetch_records(
            self,
            consumer: Any,
            active_partitions: Any,
            timeout: float | None = None,  # noqa: ASYNC109 - Faust's signature
            max_records: int | None = None,
        ) -> Any:
            partitions = fetch_partitions(active_partitions)
            if partitions is not None and not partitions:
                return {}
            return await super()._fetch_records(
                consumer, partitions, timeout=timeout, max_records=max_records
            )

    class SafeConsumer(driver.Consumer):  # type: ignore[misc]
        """Faust's aiokafka consumer with :class:`SnapshotFetchThread`."""

        Thread = SnapshotFetchThread

        def _new_consumer_thread(self) -> Any:
            return self.Thread(self, loop=self.loop, beacon=self.beacon)

    class SafeTransport(driver.Transport):  # type: ignore[misc]
        Consumer = SafeConsumer

    class App(faust.App):  # type: ignore[misc]
        def _new_transport(self) -> Any:
            return SafeTransport(self.conf.broker_consumer, self)

    return App
