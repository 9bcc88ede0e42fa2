"""The triage processor: ``ticket-created`` -> batches -> triage -> ``ticket-triaged``.

Tickets are taken in batches (``stream.take_events``) because the embedding model is
much faster per ticket in a batch. The batch is triaged in a worker thread (the event
loop keeps routing meanwhile), each result is published to ``ticket-triaged`` keyed by
tenant, and the batch's messages are acknowledged only after Kafka acknowledged those
records. **No table is written here**: a batch has no current event, and routing state
belongs to the routing processor. Invalid messages go to the dead-letter topic.

:class:`TriageStage` is the Faust-free part; :func:`register` binds it to the app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models import (
    InvalidEvent,
    TicketCreated,
    TicketTriaged,
    TriageDetails,
    decode,
    derived_event_id,
    encode,
    encode_key,
)
from streams.app.dlq import dead_letter_for, key_mismatch
from streams.app.metrics import RouterMetrics

__all__ = ["Message", "TriageBatch", "TriageStage", "register"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Message:
    """The parts of a Kafka message the stage needs."""

    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(slots=True)
class TriageBatch:
    """A decoded batch: valid tickets and the dead letters of the others."""

    tickets: list[TicketCreated] = field(default_factory=list)
    dead: list[tuple[str, bytes, bytes]] = field(default_factory=list)


class TriageStage:
    """Decode, triage, build ``TicketTriaged`` records."""

    def __init__(
        self,
        triage_batch: Callable[[Sequence[TicketCreated]], Sequence[Any]],
        metrics: RouterMetrics,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.triage_batch = triage_batch
        self.metrics = metrics
        self.clock = clock

    def decode(self, messages: Sequence[Message]) -> TriageBatch:
        """Valid tickets of ``messages``; dead letters for the rest."""
        batch = TriageBatch()
        for msg in messages:
            try:
                ticket = decode(TicketCreated, msg.value)
            except InvalidEvent as exc:
                batch.dead.append(self._dead(msg, exc))
                continue
            problem = key_mismatch(msg.key, ticket.tenant)
            if problem is not None:
                batch.dead.append(self._dead(msg, problem))
                continue
            self.metrics.events_in.labels("ticket-created").inc()
            batch.tickets.append(ticket)
        return batch

    def triage(self, tickets: Sequence[TicketCreated]) -> list[tuple[str, bytes, bytes]]:
        """``ticket-triaged`` records for ``tickets`` (one batched triage call)."""
        if not tickets:
            return []
        results = self.triage_batch(tickets)
        self.metrics.triage_batch.observe(len(tickets))
        now = datetime.fromtimestamp(self.clock(), UTC) if self.clock else datetime.now(UTC)
        records = []
        for ticket, result in zip(tickets, results, strict=True):
            details = TriageDetails.model_validate(result.to_dict())
            self.metrics.triage_confidence.observe(details.confidence)
            event = TicketTriaged(
                tenant=ticket.tenant,
                occurred_at=max(now, ticket.occurred_at),
                event_id=derived_event_id("ticket-triaged", ticket.event_id),
                ticket=ticket,
                triage=details,
            )
            records.append(("ticket-triaged", encode_key(event), encode(event)))
        return records

    def _dead(self, msg: Message, error: BaseException | str) -> tuple[str, bytes, bytes]:
        self.metrics.dead_letters.labels(msg.topic).inc()
        key, value = dead_letter_for(msg, error)
        return "dead-letter", key, value


def register(
    app: Any,
    stage: TriageStage,
    topics: dict[str, Any],
    send: Callable[[str, bytes, bytes], Any],
    *,
    batch_size: int,
    batch_timeout_s: float,
    executor: Executor | None,
) -> Any:
    """Define the triage agent on ``app``; ``send(base, key, value)`` -> ack future."""
    source = app.topic(
        topics["ticket-created"].get_topic_name(), key_serializer="raw", value_serializer="raw"
    )

    async def triage(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        async for events in stream.take_events(batch_size, within=batch_timeout_s):
            messages = [
                Message(
                    e.message.key,
                    e.message.value,
                    e.message.topic,
                    e.message.partition,
                    e.message.offset,
                )
                for e in events
            ]
            batch = stage.decode(messages)
            records = await loop.run_in_executor(executor, stage.triage, batch.tickets)
            futures = [await send(base, key, value) for base, key, value in batch.dead + records]
            # the batch is acked when this body returns: only after Kafka has the results
            await asyncio.gather(*futures)

    return app.agent(source, name="triage", concurrency=1, sink=None)(triage)
