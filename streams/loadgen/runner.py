"""The Kafka side of the load generator: pacing, a plain aiokafka producer, feedback.

:func:`run` drives a :class:`~streams.loadgen.workload.Workload` in real time: events due
by now are produced to their catalogue topic (keyed by tenant); ``ticket-assigned`` and
``router-events`` are read back (from their end, no consumer group) so simulated agents
work on what the router gave them and close it later. The run stops by itself after
``duration_s`` seconds or ``max_events`` events, whichever comes first, and flushes.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import InvalidEvent, RouterEvent, TicketAssigned, decode, encode, encode_key
from streams.loadgen.workload import Workload
from streams.topics import TopicCatalogue

__all__ = ["RunConfig", "RunReport", "run"]


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Where and how long to produce."""

    bootstrap: str
    catalogue: TopicCatalogue = field(default_factory=TopicCatalogue)
    duration_s: float | None = 60.0
    max_events: int | None = None
    follow: bool = True
    """Read assignments back (closes need them); off = fire and forget."""
    progress_every_s: float = 5.0
    acks: str | int = 1
    linger_ms: int = 5


@dataclass(slots=True)
class RunReport:
    """What a run produced and saw."""

    produced: Counter[str] = field(default_factory=Counter)
    assigned: int = 0
    queued: int = 0
    elapsed_s: float = 0.0
    assignments: list[TicketAssigned] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Events produced."""
        return sum(self.produced.values())


Progress = Callable[[RunReport, Workload], None]
OnAssigned = Callable[[TicketAssigned], None]


async def _tail_consumer(config: RunConfig) -> Any:
    from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]

    from streams.topic_admin import describe_topics

    wanted = {config.catalogue.name("ticket-assigned"), config.catalogue.name("router-events")}
    states = await describe_topics(config.bootstrap, config.catalogue, request_timeout=15.0)
    partitions = []
    for state in states:
        if state.topic.name not in wanted:
            continue
        if state.action == "missing" or not state.partitions:
            raise RuntimeError(
                f"topic {state.topic.name} does not exist on {config.bootstrap}; run "
                "'ticket-router topics create' with the same prefix first"
            )
        partitions += [TopicPartition(state.topic.name, p) for p in range(state.partitions)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=config.bootstrap, group_id=None, enable_auto_commit=False
    )
    try:
        await consumer.start()
    except BaseException:
        await consumer.stop()
        raise
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for tp in partitions:  # resolve the end offsets now, before anything is produced
        await consumer.position(tp)
    return consumer


async def run(
    workload: Workload,
    config: RunConfig,
    *,
    clock: Callable[[], float] = time.time,
    progress: Progress | None = None,
    on_assigned: OnAssigned | None = None,
    keep_assignments: bool = False,
) -> RunReport:
    """Produce ``workload`` in real time until the duration or event budget is used up."""
    from aiokafka import AIOKafkaProducer

    report = RunReport()
    producer = AIOKafkaProducer(
        bootstrap_servers=config.bootstrap, acks=config.acks, linger_ms=config.linger_ms
    )
    try:
        await producer.start()
    except BaseException:
        await producer.stop()  # a failed start leaves its connections open otherwise
        raise
    consumer = None
    try:
        if config.follow:
            consumer = await _tail_consumer(config)
        started = clock()
        deadline = started + config.duration_s if config.duration_s else None
        next_progress = started + config.progress_every_s
        budget = config.max_events
        while True:
            now = clock()
            if deadline is not None and now >= deadline:
                break
            if budget is not None and report.total >= budget:
                break
            for event in workload.pop_due(now):
                if budget is not None and report.total >= budget:
                    break
                topic = config.catalogue.by_model(type(event)).name
                await producer.send(topic, encode(event), key=encode_key(event))
                report.produced[type(event).event_type] += 1
            if consumer is not None:
                await _feedback(consumer, workload, report, clock, on_assigned, keep_assignments)
            if progress is not None and now >= next_progress:
                next_progress = now + config.progress_every_s
                report.elapsed_s = now - started
                progress(report, workload)
            due = workload.peek()
            wait = 0.05 if due is None else min(max(due - clock(), 0.0), 0.05)
            if wait > 0 and consumer is None:
                await asyncio.sleep(wait)
        await producer.flush()
        report.elapsed_s = clock() - started
    finally:
        await producer.stop()
        if consumer is not None:
            await consumer.stop()
    return report


async def _feedback(  # noqa: PLR0917 - private helper of run()
    consumer: Any,
    workload: Workload,
    report: RunReport,
    clock: Callable[[], float],
    on_assigned: OnAssigned | None,
    keep: bool,
) -> None:
    batches = await consumer.getmany(timeout_ms=20, max_records=2000)
    for tp, records in batches.items():
        is_assigned = tp.topic.endswith("ticket-assigned")
        for record in records:
            try:
                if is_assigned:
                    event = decode(TicketAssigned, record.value)
                else:
                    audit = decode(RouterEvent, record.value)
            except InvalidEvent:
                continue
            now = clock()
            if is_assigned:
                report.assigned += 1
                if keep:
                    report.assignments.append(event)
                workload.on_assigned(event.tenant, event.ticket_id, event.agent_id, now)
                if on_assigned is not None:
                    on_assigned(event)
            elif audit.kind == "queued" and audit.ticket_id is not None:
                report.queued += 1
                workload.on_queued(audit.tenant, audit.ticket_id, now)
