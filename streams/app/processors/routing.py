"""The routing processor: every routing input of a tenant, in order, through its group.

Inputs (raw bytes, keyed by tenant, one partition count): ticket-triaged, agent-status,
ticket-closed, ticket-updated, router-ticks. Per event: decode (invalid -> dead letter)
-> one ``RoutingGroup`` call -> changed keys plus an outbox entry to the ``books`` table
-> outputs (ticket-assigned, router-events) through the :class:`~streams.app.outbox.Publisher`
once those writes are durable -> Redis view marked dirty -> metrics. Runs with
concurrency 1 (a Faust table has one writer) and acks each message itself, after its
state and outputs are safe.

:class:`RoutingStage` is the Faust-free part (unit-tested with fakes); :func:`register`
binds it to the app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import (
    Event,
    InvalidEvent,
    TicketAssigned,
    TicketClosed,
    TicketUpdated,
    decode,
    encode,
    encode_key,
)
from streams.app.dlq import dead_letter_record, key_mismatch
from streams.app.groups import GroupBooks
from streams.app.metrics import RouterMetrics
from streams.app.redis_view import RedisView
from streams.app.tables import OUTBOX
from streams.app.translate import INPUT_MODELS, apply_event, event_time, outputs_of

__all__ = ["Record", "RoutingResult", "RoutingStage", "miscategorised", "outbox_key", "register"]

log = logging.getLogger(__name__)

Record = tuple[str, bytes, bytes]
"""(topic base name, key, value)"""


def outbox_key(topic: str, partition: int, offset: int) -> str:
    """The outbox key of the outputs of one source message (unique, stable on redelivery)."""
    return f"{topic}:{partition}:{offset}"


@dataclass(slots=True)
class RoutingResult:
    """What one input event produced."""

    tenant: str | None = None
    records: list[Record] = field(default_factory=list)
    """Outputs (or the dead letter) to send, in order."""
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Table changes: the core's changed keys, the outbox entry and delivered outbox keys."""
    outbox_key: str | None = None
    """Set when ``records`` are kept in the outbox until delivered."""
    resend: dict[str, list[Record]] = field(default_factory=dict)
    """Undelivered outbox entries found while restoring the tenant: send them again."""
    ignored: list[str] = field(default_factory=list)
    dead: bool = False


def _encode_records(records: list[Record]) -> list[list[str]]:
    return [[base, key.decode("utf-8"), value.decode("utf-8")] for base, key, value in records]


def _decode_records(entry: Any) -> list[Record]:
    return [
        (str(base), str(key).encode("utf-8"), str(value).encode("utf-8"))
        for base, key, value in entry or []
    ]


def miscategorised(group: Any, event: TicketUpdated, outcomes: list[Any]) -> str | None:
    """The triaged category a human reassignment says was wrong, else ``None``.

    A reassignment to an agent who has the ticket's skill is a load or availability move
    and says nothing about the category; one to an agent with known skills that lack it
    is a negative signal for that category (triage learns it).
    """
    if event.kind != "reassigned" or not any(
        type(o).__name__ == "Rerouted" and getattr(o, "reason", None) == "manual" for o in outcomes
    ):
        return None
    record = group.assignments.get(event.ticket_id)
    request = getattr(record, "request", None)
    category = getattr(request, "category", None)
    agent = group.book.get(event.change.agent_id)
    if category is None or agent is None or not agent.skills or category in agent.skills:
        return None
    return str(category)


class RoutingStage:
    """Decode, decide, translate: the routing processor without Faust."""

    def __init__(
        self,
        books: GroupBooks,
        metrics: RouterMetrics,
        view: RedisView | None = None,
        *,
        delivered: Callable[[str], list[str]] | None = None,
        on_tenant: Callable[[str], None] | None = None,
        on_closed: Callable[[TicketClosed], None] | None = None,
        on_miscategorised: Callable[[str, float, str], None] | None = None,
        core: Any = None,
    ) -> None:
        self.books = books
        self.metrics = metrics
        self.view = view
        self.delivered = delivered
        self.on_tenant = on_tenant
        self.on_closed = on_closed
        self.on_miscategorised = on_miscategorised
        self.core = core

    def process(
        self,
        base: str,
        key: bytes | None,
        value: bytes | None,
        *,
        topic: str,
        partition: int,
        offset: int,
    ) -> RoutingResult:
        """Handle one input message of topic ``base`` (e.g. ``"agent-status"``)."""
        result = RoutingResult()
        try:
            event = decode(INPUT_MODELS[base], value)
        except InvalidEvent as exc:
            return self._dead(result, key, value, topic, partition, offset, exc)
        problem = key_mismatch(key, event.tenant)
        if problem is not None:
            return self._dead(result, key, value, topic, partition, offset, problem)
        tenant = event.tenant
        result.tenant = tenant
        self.metrics.events_in.labels(base).inc()
        if self.on_tenant is not None:
            self.on_tenant(tenant)
        group = self.books.get(tenant)
        for stale_key, entry in self.books.take_outbox(tenant).items():
            result.resend[stale_key] = _decode_records(entry)
        repair = self.books.take_repair(tenant)
        now = event_time(event)
        started = time.perf_counter()
        try:
            outcomes = apply_event(group, event, now, self.core)
        except Exception as exc:
            # A bug in the core must not stop the partition: drop the tenant's books (they
            # are restored from the table, without this event's half-made changes) and
            # dead-letter the event with the reason.
            log.exception("routing failed for a %s event of tenant %s", base, tenant)
            self.books.forget(tenant)
            result.resend.clear()
            result.tenant = None
            return self._dead(
                result, key, value, topic, partition, offset, f"{type(exc).__name__}: {exc}"
            )
        self.metrics.decision_latency.labels(base).observe(time.perf_counter() - started)
        # the restored journal first (its writes may be missing from the table), then this
        # event's own changes over it
        result.changes = {kind: dict(values) for kind, values in repair.items()}
        for kind, values in group.drain_changes().items():
            result.changes.setdefault(kind, {}).update(values)
        for name, out in outputs_of(tenant, outcomes, now, event):
            result.records.append((name, encode_key(out), encode(out)))
            self._observe(tenant, out)
        for outcome in outcomes:
            if type(outcome).__name__ == "Ignored":
                reason = str(getattr(outcome, "reason", "ignored"))[:64]
                result.ignored.append(reason)
                self.metrics.events_ignored.labels(reason).inc()
                log.debug(
                    "ignored %s event %s of tenant %s: %s", base, event.event_id, tenant, reason
                )
        outbox: dict[str, Any] = {}
        if self.delivered is not None:
            for done_key in self.delivered(tenant):
                outbox[done_key] = None
        if result.records:
            result.outbox_key = outbox_key(topic, partition, offset)
            outbox[result.outbox_key] = _encode_records(result.records)
        if outbox:
            result.changes.setdefault(OUTBOX, {}).update(outbox)
        if isinstance(event, TicketClosed) and self.on_closed is not None:
            self.on_closed(event)
        if isinstance(event, TicketUpdated) and self.on_miscategorised is not None:
            category = miscategorised(group, event, outcomes)
            if category is not None:
                self.on_miscategorised(event.ticket_id, now, category)
        if self.view is not None and (result.changes or result.records):
            self.view.mark(tenant)
        return result

    def _dead(  # noqa: PLR0917 - the source message's coordinates, named at each call
        self,
        result: RoutingResult,
        key: bytes | None,
        value: bytes | None,
        topic: str,
        partition: int,
        offset: int,
        error: BaseException | str,
    ) -> RoutingResult:
        self.metrics.dead_letters.labels(topic).inc()
        dl_key, dl_value = dead_letter_record(
            value=value, key=key, topic=topic, partition=partition, offset=offset, error=error
        )
        result.records.append(("dead-letter", dl_key, dl_value))
        result.dead = True
        return result

    def _observe(self, tenant: str, out: Event) -> None:
        m = self.metrics
        if isinstance(out, TicketAssigned):
            m.assignments.labels(out.policy, out.step).inc()
            priority = str(out.triage.priority) if out.triage is not None else "unknown"
            m.time_to_assign.labels(priority).observe(out.waited_ms / 1000.0)
            if out.attempt > 1:
                m.reassignments.labels(tenant).inc()
            if self.view is not None:
                self.view.decision(
                    tenant,
                    {
                        "ticket_id": out.ticket_id,
                        "agent_id": out.agent_id,
                        "policy": out.policy,
                        "step": out.step,
                        "attempt": out.attempt,
                        "at": out.occurred_at.timestamp(),
                        "waited_ms": out.waited_ms,
                        "reasons": list(out.explanation.reasons)[:5],
                    },
                )
            return
        kind = str(getattr(getattr(out, "kind", None), "value", getattr(out, "kind", "other")))
        m.router_events.labels(kind).inc()
        if kind == "sla_warning":
            m.sla_breaches.labels(tenant).inc()
        if kind == "rerouted" and getattr(out, "reason", None) == "manual":
            m.reassignments.labels(tenant).inc()


def register(
    app: Any,
    stage: RoutingStage,
    topics: dict[str, Any],
    table: Any,
    publisher: Any,
) -> Any:
    """Define the routing agent on ``app`` (``topics``: base name -> Faust topic)."""
    from streams.app.outbox import Delivery
    from streams.app.tables import write_changes

    names = [topics[base].get_topic_name() for base in INPUT_MODELS]
    base_of = {topics[base].get_topic_name(): base for base in INPUT_MODELS}
    source = app.topic(*names, key_serializer="raw", value_serializer="raw")

    async def route(stream: Any) -> None:
        manual = stream.noack()
        async for event in manual.events():
            msg = event.message
            result = stage.process(
                base_of[msg.topic],
                msg.key,
                msg.value,
                topic=msg.topic,
                partition=msg.partition,
                offset=msg.offset,
            )
            table.last_sent = None
            if result.tenant is not None and result.changes:
                write_changes(table, result.tenant, result.changes)
            written = table.last_sent
            for stale_key, records in result.resend.items():
                await publisher.put(
                    Delivery(records, result.tenant, stale_key, after=written or None)
                )

            async def ack(event: Any = event) -> None:
                await manual.ack(event)

            if not result.records and written is None:
                await ack()
            else:
                await publisher.put(
                    Delivery(
                        result.records,
                        result.tenant,
                        result.outbox_key,
                        after=written,
                        done=ack,
                    )
                )

    return app.agent(source, name="route", concurrency=1, sink=None)(route)
