"""Helpers for the streaming integration tests: worker processes, events, output readers.

The worker always runs as a separate process (``python -m streams.cli.main worker``),
the way an operator runs it; tests talk to it only through Kafka and Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from models import (
    AgentStatusChanged,
    Event,
    InvalidEvent,
    RouterEvent,
    TicketAssigned,
    TicketClosed,
    TicketCreated,
    decode,
    encode,
    encode_key,
)
from models.tickets import Customer, SlaPolicy
from streams.infra.endpoints import repo_root
from streams.topics import TopicCatalogue

__all__ = [
    "Outputs",
    "Producer",
    "WorkerProcess",
    "agent_event",
    "close_event",
    "create_topics",
    "create_topics_async",
    "read_changelog",
    "ticket_event",
    "wait_until",
]

PARTITIONS = 4
READY_MARK = "Worker ready"
_ROOT = repo_root()


def now_utc() -> datetime:
    return datetime.now(UTC)


def create_topics(bootstrap: str, prefix: str, partitions: int = PARTITIONS) -> TopicCatalogue:
    """Create the catalogue's topics under ``prefix``; the catalogue (no loop running)."""
    return asyncio.run(create_topics_async(bootstrap, prefix, partitions))


async def create_topics_async(
    bootstrap: str, prefix: str, partitions: int = PARTITIONS
) -> TopicCatalogue:
    """Create the catalogue's topics under ``prefix``; the catalogue."""
    from streams.topic_admin import ensure_topics

    catalogue = TopicCatalogue(prefix=prefix, partitions=partitions)
    await ensure_topics(bootstrap, catalogue)
    return catalogue


@dataclass
class WorkerProcess:
    """One ``ticket-router worker`` process with its own data dir and log file."""

    name: str
    bootstrap: str
    redis_url: str
    catalogue: TopicCatalogue
    data_dir: Path
    app_id: str
    redis_prefix: str
    group_config: dict[str, Any] = field(default_factory=lambda: {"policy": "balanced"})
    metrics_port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.name}.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_ROUTER_")}
        env.update(
            {
                "TICKET_ROUTER_KAFKA_BOOTSTRAP": self.bootstrap,
                "TICKET_ROUTER_REDIS_URL": self.redis_url,
                "TICKET_ROUTER_REDIS_PREFIX": self.redis_prefix,
                "TICKET_ROUTER_TOPIC_PREFIX": self.catalogue.prefix,
                "TICKET_ROUTER_TOPIC_PARTITIONS": str(self.catalogue.partitions),
                "TICKET_ROUTER_APP_ID": self.app_id,
                "TICKET_ROUTER_DATA_DIR": str(self.data_dir),
                "TICKET_ROUTER_TRIAGE_EMBEDDER": "hashing",
                "TICKET_ROUTER_METRICS_PORT": str(self.metrics_port),
                "TICKET_ROUTER_TICK_INTERVAL_S": "1",
                "TICKET_ROUTER_REDIS_FLUSH_INTERVAL_S": "0.2",
                "TICKET_ROUTER_SESSION_TIMEOUT_S": "6",
                "TICKET_ROUTER_BROKER_COMMIT_INTERVAL_S": "0.5",
                "TICKET_ROUTER_KAFKA_WAIT_S": "20",
                "TICKET_ROUTER_GROUP_CONFIG": json.dumps({"default": self.group_config}),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "worker already running"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.starts + 1} at {time.time():.3f}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli.main", "worker"],
            cwd=_ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.starts += 1

    def ready_count(self) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(READY_MARK)
        except FileNotFoundError:
            return 0

    def wait_ready(self, timeout: float = 60.0, count: int | None = None) -> float:
        """Wait for the ``count``-th (default: this start's) "Worker ready"; seconds waited."""
        want = self.starts if count is None else count
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.ready_count() >= want:
                return time.monotonic() - started
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(
                    f"worker {self.name} exited with {self.proc.returncode}:\n{self.tail()}"
                )
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} not ready after {timeout}s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no clean-up at all."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait (SIGKILL after ``timeout``); the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text[-lines:])


class Producer:
    """A plain aiokafka producer for test events (keyed by tenant)."""

    def __init__(self, bootstrap: str, catalogue: TopicCatalogue) -> None:
        self.bootstrap = bootstrap
        self.catalogue = catalogue
        self._producer: Any = None

    async def __aenter__(self) -> Producer:
        from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]

        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
        await self._producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._producer.stop()

    async def send(self, *events: Event) -> None:
        for event in events:
            topic = self.catalogue.by_model(type(event)).name
            await self._producer.send(topic, encode(event), key=encode_key(event))
        await self._producer.flush()

    async def send_raw(self, base: str, key: bytes | None, value: bytes) -> None:
        await self._producer.send_and_wait(self.catalogue.name(base), value, key=key)


class Outputs:
    """Reads ticket-assigned, router-events and dead-letter from the start, continuously."""

    def __init__(self, bootstrap: str, catalogue: TopicCatalogue) -> None:
        self.bootstrap = bootstrap
        self.catalogue = catalogue
        self.assigned: list[TicketAssigned] = []
        self.events: list[RouterEvent] = []
        self.dead: list[dict[str, Any]] = []
        self.undecodable: list[bytes] = []
        self._task: asyncio.Task[None] | None = None
        self._consumer: Any = None

    async def __aenter__(self) -> Outputs:
        from aiokafka import AIOKafkaConsumer

        self._consumer = AIOKafkaConsumer(
            self.catalogue.name("ticket-assigned"),
            self.catalogue.name("router-events"),
            self.catalogue.name("dead-letter"),
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            metadata_max_age_ms=1000,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        assigned = self.catalogue.name("ticket-assigned")
        events = self.catalogue.name("router-events")
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for tp, records in batch.items():
                for record in records:
                    try:
                        if tp.topic == assigned:
                            self.assigned.append(decode(TicketAssigned, record.value))
                        elif tp.topic == events:
                            self.events.append(decode(RouterEvent, record.value))
                        else:
                            self.dead.append(json.loads(record.value))
                    except InvalidEvent:
                        self.undecodable.append(record.value)

    def assignments_of(self, ticket_id: str) -> list[TicketAssigned]:
        return [a for a in self.assigned if a.ticket_id == ticket_id]

    def kinds(self, ticket_id: str | None = None) -> list[str]:
        return [
            str(e.kind.value) for e in self.events if ticket_id is None or e.ticket_id == ticket_id
        ]


async def wait_until(
    condition: Callable[[], Any],
    timeout: float = 30.0,  # noqa: ASYNC109 - a polling deadline, not an I/O timeout
    what: str = "condition",
) -> Any:
    """Poll ``condition`` until truthy; its value (AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


async def read_changelog(bootstrap: str, topic: str, partitions: int) -> dict[str, Any]:
    """The compacted view of a Faust changelog: key -> last value (deleted keys dropped)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        state: dict[str, Any] = {}
        while any([await consumer.position(tp) < ends[tp] for tp in tps]):
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batch.values():
                for record in records:
                    key = json.loads(record.key)
                    if record.value is None:
                        state.pop(key, None)
                    else:
                        state[key] = json.loads(record.value)
        return state
    finally:
        await consumer.stop()


def agent_event(
    tenant: str,
    agent_id: str,
    *,
    status: str = "online",
    capacity: int = 5,
    skills: dict[str, str] | None = None,
    version: int | None = None,
) -> AgentStatusChanged:
    return AgentStatusChanged(
        tenant=tenant,
        occurred_at=now_utc(),
        agent_id=agent_id,
        status=status,
        capacity=capacity,
        skills=skills or {"billing": "advanced", "access": "advanced", "howto": "advanced"},
        languages=("en",),
        version=version if version is not None else time.time_ns() // 1000,
    )


def ticket_event(
    tenant: str,
    ticket_id: str,
    *,
    subject: str = "Charged twice on my invoice",
    body: str = "My credit card was billed twice for the same invoice this month, please refund.",
    customer: str | None = None,
    sla_seconds: int | None = None,
) -> TicketCreated:
    at = now_utc()
    sla = None
    if sla_seconds is not None:
        sla = SlaPolicy(name="test", due_at=at + timedelta(seconds=sla_seconds))
    return TicketCreated(
        tenant=tenant,
        occurred_at=at,
        ticket_id=ticket_id,
        channel="email",
        subject=subject,
        body=body,
        customer=Customer(id=customer or f"cust-{ticket_id}", tier="standard", language="en"),
        sla=sla,
        created_at=at,
    )


def close_event(tenant: str, ticket_id: str, agent_id: str | None) -> TicketClosed:
    at = now_utc()
    return TicketClosed(
        tenant=tenant,
        occurred_at=at,
        ticket_id=ticket_id,
        resolved_by=agent_id,
        resolution="solved",
        closed_at=at,
    )


def tenants(prefix: str, count: int) -> Iterable[str]:
    return (f"{prefix}{i}" for i in range(count))
