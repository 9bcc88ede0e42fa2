"""The connector loop: consume ``ticket-assigned``, apply each event, commit, go on.

At least once, in order: records of a partition are applied one after another and the
offsets are committed only after the records before them were applied or
dead-lettered, so a crash re-applies at most the last uncommitted batch (setting the
same assignee again changes nothing in Zendesk or Freshdesk; webhook receivers see the
same ``X-Ticket-Router-Delivery`` id). An ``assignment_id`` already applied by this
process is skipped.

Transient failures (timeouts, connection errors, 408/409/425/429, 5xx) are retried
with exponential backoff, honouring ``Retry-After``, for up to ``give_up_after_s``;
then, and at once for a final refusal (another 4xx, an agent missing from the agent
map, an undecodable record), the record goes to the ``dead-letter`` topic with the
reason and the loop goes on. Ticket text is never logged (events carry none).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from models import InvalidEvent, TicketAssigned, decode
from streams.app.dlq import dead_letter_for
from streams.app.metrics import ConnectorMetrics
from streams.connectors.targets import Delivery, Outcome, PermanentError, Target, classify
from streams.topics import TopicCatalogue

__all__ = [
    "Applier",
    "ConnectorReport",
    "ConnectorSettings",
    "RecentIds",
    "Response",
    "TransientError",
    "http_sender",
    "run_connector",
]

log = logging.getLogger(__name__)

_SEEN_IDS = 100_000  # assignment ids remembered for de-duplication
_MAX_RETRY_AFTER_S = 300.0
_SNIPPET = 200  # bytes of an error response kept in the dead letter's reason


class TransientError(Exception):
    """The request did not complete (connection refused, reset, timeout): retry."""


class _StoppedError(Exception):
    """Asked to stop while waiting to retry: the event stays uncommitted."""


@dataclass(frozen=True, slots=True)
class Response:
    """What came back: the status, ``Retry-After`` if any, the start of the body."""

    status: int
    retry_after: str | None = None
    snippet: bytes = b""


Sender = Callable[[Delivery, float], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class ConnectorSettings:
    """How the loop consumes and retries."""

    bootstrap: str
    catalogue: TopicCatalogue = field(default_factory=TopicCatalogue)
    group_id: str = "ticket-router-connector"
    timeout_s: float = 10.0
    backoff_s: float = 0.5
    max_backoff_s: float = 60.0
    give_up_after_s: float | None = 900.0
    max_events: int | None = None
    exit_when_idle_s: float | None = None
    progress_every_s: float = 10.0
    max_rate_per_s: float | None = None
    """Most requests a second (every attempt counts); None: as fast as answers come."""


@dataclass(slots=True)
class ConnectorReport:
    """Counts so far."""

    seen: int = 0
    applied: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    retries: int = 0

    def line(self) -> str:
        """One progress line."""
        return (
            f"seen {self.seen}, applied {self.applied}, duplicates skipped "
            f"{self.duplicates}, dead letters {self.dead_letters}, retries {self.retries}"
        )


class RecentIds:
    """The last ``size`` ids added (a bounded set for de-duplication, oldest dropped)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, item: object) -> bool:
        return item in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, item: str) -> None:
        self._ids[item] = None
        self._ids.move_to_end(item)
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)


class Applier:
    """Applies one record: decode, de-duplicate, send with retries.

    The sender, sleep and clock are passed in, so the retry rules are tested without a
    network or real waiting.
    """

    def __init__(
        self,
        target: Target,
        sender: Sender,
        settings: ConnectorSettings,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        metrics: ConnectorMetrics | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.target = target
        self.sender = sender
        self.settings = settings
        self.report = ConnectorReport()
        self.metrics = metrics
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._applied = RecentIds(_SEEN_IDS)
        self._next_request = float("-inf")

    async def apply(self, raw: bytes | None) -> str | None:
        """``None`` when applied or skipped; else why the record must be dead-lettered."""
        self.report.seen += 1
        try:
            event = decode(TicketAssigned, raw)
            if event.assignment_id in self._applied:
                self.report.duplicates += 1
                self._count("duplicate")
                return None
            delivery = self.target.request(event, bytes(raw or b""))
        except (InvalidEvent, PermanentError) as exc:
            return self._dead(str(exc))
        failure = await self._send(delivery)
        if failure is not None:
            return self._dead(failure)
        self.report.applied += 1
        self._count("applied")
        if self.metrics is not None:
            delay = self._wall_clock() - event.occurred_at.timestamp()
            self.metrics.delay.labels(self.target.name).observe(max(0.0, delay))
        self._applied.add(event.assignment_id)
        return None

    def _dead(self, reason: str) -> str:
        """Count a record that the caller dead-letters with ``reason``."""
        self.report.dead_letters += 1
        self._count("dead_letter")
        return reason

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.events.labels(self.target.name, outcome).inc()

    async def _send(self, delivery: Delivery) -> str | None:
        cfg = self.settings
        started = self._clock()
        delay = cfg.backoff_s
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            await self._pace()
            try:
                response = await self.sender(delivery, cfg.timeout_s)
            except TransientError as exc:
                why = str(exc)
            else:
                outcome = classify(response.status)
                if outcome is Outcome.APPLIED:
                    return None
                snippet = response.snippet[:_SNIPPET].decode("utf-8", "replace").strip()
                why = f"HTTP {response.status} from {self.target.name}" + (
                    f": {snippet}" if snippet else ""
                )
                if outcome is Outcome.REJECTED:
                    return why
                retry_after = _retry_after(response.retry_after, time.time())
            # Retry-After may ask for more than the backoff, never for less (a server
            # answering "503, Retry-After: 0" for ever must not be hammered)
            wait = min(max(retry_after or 0.0, delay), _MAX_RETRY_AFTER_S)
            delay = min(delay * 2, cfg.max_backoff_s)
            waited = self._clock() - started
            if cfg.give_up_after_s is not None and waited + wait > cfg.give_up_after_s:
                return f"gave up after {attempt} attempts in {waited:.0f} s: {why}"
            log.warning(
                "connector %s: attempt %d failed (%s); retrying in %.1f s",
                self.target.name,
                attempt,
                why[:120],
                wait,
            )
            self.report.retries += 1
            if self.metrics is not None:
                self.metrics.retries.labels(self.target.name).inc()
            await self._sleep(wait)

    async def _pace(self) -> None:
        """Space requests at least 1 / ``max_rate_per_s`` apart (the helpdesk's API limit)."""
        rate = self.settings.max_rate_per_s
        if rate is None:
            return
        wait = self._next_request - self._clock()
        if wait > 0:
            await self._sleep(wait)
        self._next_request = max(self._clock(), self._next_request) + 1.0 / rate


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), if readable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def http_sender(session: Any) -> Sender:
    """A :data:`Sender` over an ``aiohttp.ClientSession``."""
    import aiohttp

    async def send(delivery: Delivery, timeout_s: float) -> Response:
        try:
            async with session.request(
                delivery.method,
                delivery.url,
                data=delivery.body,
                headers=delivery.headers,
                timeout=aiohttp.ClientTimeout(total=timeout_s),
                allow_redirects=False,
            ) as response:
                snippet = await response.content.read(_SNIPPET)
                return Response(response.status, response.headers.get("Retry-After"), snippet)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc

    return send


async def run_connector(
    target: Target,
    settings: ConnectorSettings,
    *,
    stop: asyncio.Event | None = None,
    progress: Callable[[ConnectorReport], None] | None = None,
    sender: Sender | None = None,
    metrics: ConnectorMetrics | None = None,
) -> ConnectorReport:
    """Consume ``ticket-assigned`` and apply every event until stopped.

    Stops when ``stop`` is set, after ``settings.max_events`` records, or after
    ``settings.exit_when_idle_s`` seconds without a new record.
    """
    import aiohttp
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]
    from aiokafka.errors import CommitFailedError  # type: ignore[import-untyped]

    stop = stop or asyncio.Event()
    source = settings.catalogue.name("ticket-assigned")
    dead_letters = settings.catalogue.name("dead-letter")
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=settings.bootstrap,
        group_id=settings.group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        # one event may be retried for up to give_up_after_s between polls
        max_poll_interval_ms=int(1000 * max(300.0, (settings.give_up_after_s or 86_400) + 300)),
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, acks="all")
    session = aiohttp.ClientSession()

    async def sleep(seconds: float) -> None:
        """Wait to retry, but stop at once when asked (the event is not committed)."""
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            return
        raise _StoppedError

    applier = Applier(
        target, sender or http_sender(session), settings, sleep=sleep, metrics=metrics
    )
    report = applier.report
    try:
        await producer.start()
        await consumer.start()
        idle_since = time.monotonic()
        next_progress = time.monotonic() + settings.progress_every_s

        def done_for_now() -> bool:
            limit = settings.max_events
            return stop.is_set() or (limit is not None and report.seen >= limit)

        while not done_for_now():
            batches = await consumer.getmany(timeout_ms=500, max_records=100)
            now = time.monotonic()
            if not batches:
                idle = settings.exit_when_idle_s
                if idle is not None and now - idle_since >= idle:
                    break
            else:
                idle_since = now
            for tp, records in batches.items():
                done = None
                for record in records:
                    if done_for_now():
                        break
                    try:
                        failure = await applier.apply(record.value)
                    except _StoppedError:
                        break
                    if failure is not None:
                        key, value = dead_letter_for(record, failure)
                        await producer.send_and_wait(dead_letters, value, key=key)
                    done = record.offset
                if done is not None:
                    try:
                        await consumer.commit({tp: done + 1})
                    except CommitFailedError as exc:  # the group rebalanced meanwhile
                        log.warning(
                            "connector %s: commit of %s failed (%s); the partition's new "
                            "owner applies these records again",
                            target.name,
                            tp,
                            exc,
                        )
                # records left over when stopping are fetched again by the next
                # consumer of the group: nothing was committed past them
            if progress is not None and time.monotonic() >= next_progress:
                progress(report)
                next_progress = time.monotonic() + settings.progress_every_s
    finally:
        await session.close()
        await consumer.stop()
        await producer.stop()
    if progress is not None:
        progress(report)
    return report
