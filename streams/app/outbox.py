"""Delivering the routing processor's outputs only after its state is safe.

The rule that keeps a crash from assigning a ticket to two agents: **an output record
leaves the worker only after the table writes of the event that made it are
acknowledged by Kafka**, and **the source message is acknowledged (its offset may be
committed) only after that too**. A worker killed at any moment then either

- had not made the event's state durable: the event is delivered again and decided
  again, and nobody saw the first decision; or
- had made it durable: the redelivered event is a no-op for the core, and the outputs,
  kept in the table under the ``outbox`` kind until delivered, are sent again by
  whoever restores the tenant (same ``assignment_id`` and event id: connectors
  de-duplicate).

:class:`Publisher` is that pipeline, in two stages so the routing processor never
waits for a round-trip: stage 1 waits for the event's last changelog write and hands
the records to the producer; stage 2 waits for their acknowledgements, then acks the
source message and reports the outbox key as delivered (the processor deletes it with
the tenant's next event). Order is kept: deliveries leave in the order they were put.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Delivery", "Publisher", "SendFn"]

log = logging.getLogger(__name__)

SendFn = Callable[[str, bytes, bytes], Awaitable[Awaitable[Any]]]
"""``send(topic base name, key, value)`` -> (awaiting it queues the record) a future that
resolves when the broker acknowledged the record."""


@dataclass(slots=True)
class Delivery:
    """The records of one source event and what to do once they are out."""

    records: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    """(topic base name, key, value), in order."""
    tenant: str | None = None
    outbox_key: str | None = None
    """Table outbox key to report delivered (deleted with the tenant's next event)."""
    after: Awaitable[Any] | None = None
    """The event's last table (changelog) write: wait for it before sending."""
    done: Callable[[], Awaitable[Any]] | None = None
    """Called after every record is acknowledged (acks the source message)."""


class Publisher:
    """Sends deliveries in order after their state is durable (see the module docstring)."""

    def __init__(
        self,
        send: SendFn,
        *,
        max_pending: int = 1000,
        on_error: Callable[[BaseException], Awaitable[Any]] | None = None,
    ) -> None:
        self._send = send
        self._incoming: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=max_pending)
        self._sent: asyncio.Queue[tuple[Delivery, list[Awaitable[Any]]]] = asyncio.Queue(
            maxsize=max_pending
        )
        self._delivered: dict[str, list[str]] = {}
        self._on_error = on_error
        self._unfinished = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.failed: BaseException | None = None

    @property
    def pending(self) -> int:
        """Deliveries put and not yet done."""
        return self._unfinished

    async def put(self, delivery: Delivery) -> None:
        """Queue a delivery (waits while ``max_pending`` are in flight: back-pressure)."""
        if self.failed is not None:
            raise RuntimeError("publisher stopped after a delivery failure") from self.failed
        self._unfinished += 1
        self._idle.clear()
        await self._incoming.put(delivery)

    def delivered(self, tenant: str) -> list[str]:
        """Outbox keys of ``tenant`` delivered since the last call."""
        return self._delivered.pop(tenant, [])

    def forget(self) -> None:
        """Drop delivered-key reports (after a rebalance the table is re-read anyway)."""
        self._delivered.clear()

    async def drain(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """Wait until every queued delivery is done; False on timeout."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def run_sender(self) -> None:
        """Stage 1: wait for the state, hand the records to the producer."""
        while True:
            delivery = await self._incoming.get()
            try:
                if delivery.after is not None:
                    await delivery.after
                futures = [
                    await self._send(base, key, value) for base, key, value in delivery.records
                ]
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                await self._fail(exc)
                return
            await self._sent.put((delivery, futures))

    async def run_acker(self) -> None:
        """Stage 2: wait for the acknowledgements, then ack the source and report."""
        while True:
            delivery, futures = await self._sent.get()
            try:
                for future in futures:
                    await future
                if delivery.tenant is not None and delivery.outbox_key is not None:
                    self._delivered.setdefault(delivery.tenant, []).append(delivery.outbox_key)
                if delivery.done is not None:
                    await delivery.done()
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                await self._fail(exc)
                return
            self._unfinished -= 1
            if self._unfinished <= 0:
                self._unfinished = 0
                self._idle.set()

    async def _fail(self, exc: BaseException) -> None:
        # A record or a state write that Kafka refused: carrying on could publish
        # outputs of state that is not durable, so the worker must stop; the events are
        # delivered again after the restart (their offsets were never committed).
        self.failed = exc
        log.error(
            "delivery failed (%s: %s); stopping so the events are processed again after a restart",
            type(exc).__name__,
            exc,
        )
        if self._on_error is not None:
            await self._on_error(exc)
