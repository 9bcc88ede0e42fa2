"""Streaming worker speed on the local broker, all in one run.

(a) ``passthrough``: raw aiokafka consume -> produce of agent-status-sized records (the
    ceiling any Kafka consumer in Python reaches here), then Faust's own floor on the same
    records (``benchmarks/faust_floor.py``: an agent that does nothing, and one that
    writes one table key per event) - what any Faust processor reaches at best;
(b) ``routing``: the worker's routing processor on pre-loaded agent-status and
    ticket-closed events (decode, core call, table writes, acks), events/s;
(c) ``tickets``: the ticket path, ticket-created -> triage -> ticket-triaged -> routing ->
    ticket-assigned, pre-loaded tickets, tickets/s;
(d) ``latency``: ticket-created -> ticket-assigned end to end at a fixed rate (default
    50 tickets/s), p50/p95/p99 of (receive time - send time), both on this machine.

(b) and (c) are reported as ratios to (a). Every worker is a separate process
(``python -m streams.cli.main worker``) on fresh topics; throughput is measured from
the first processed event to the last, so start-up is not counted. Needs the local
broker (``make up``). Prints figures, asserts nothing. Run:
``.venv/bin/python benchmarks/bench_streaming.py [--quick] [--embedder minilm|hashing]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # type: ignore[import-untyped]

from models import (
    AgentStatusChanged,
    TicketAssigned,
    TicketClosed,
    TicketCreated,
    decode,
    encode,
    encode_key,
)
from models.tickets import Customer
from streams.app.settings import TRIAGE_BATCH_BY_BACKEND
from streams.topic_admin import delete_topics, ensure_topics
from streams.topics import TopicCatalogue
from streams.triage.embedding import AUTO, BACKEND_CHOICES, resolve_backend

ROOT = Path(__file__).resolve().parent.parent
PARTITIONS = 6
TENANTS = [f"bench-{i}" for i in range(12)]
AGENTS = [f"agent{i:02d}" for i in range(10)]
SKILLS = (
    "access",
    "billing",
    "api",
    "bug",
    "performance",
    "howto",
    "data",
    "security",
    "account",
    "enterprise",
)
SUBJECTS = [
    ("Charged twice on my invoice", "My card was billed twice this month, please refund."),
    ("Cannot log in", "Password reset link expired and two-factor code is rejected."),
    ("API returns 500", "Our integration gets HTTP 500 from the orders endpoint since noon."),
    ("How do I export reports", "Where can I export the monthly report as CSV?"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _now() -> datetime:
    return datetime.now(UTC)


def _agent(tenant: str, agent: str, version: int, capacity: int = 1000) -> AgentStatusChanged:
    return AgentStatusChanged(
        tenant=tenant,
        occurred_at=_now(),
        agent_id=agent,
        status="online" if version % 7 else "away",
        capacity=capacity,
        skills=dict.fromkeys(SKILLS, "advanced"),
        languages=("en",),
        version=version,
    )


def _ticket(tenant: str, ticket_id: str, i: int) -> TicketCreated:
    subject, body = SUBJECTS[i % len(SUBJECTS)]
    at = _now()
    return TicketCreated(
        tenant=tenant,
        occurred_at=at,
        ticket_id=ticket_id,
        channel="email",
        subject=subject,
        # every text distinct, so triage's cache of repeated texts never helps
        body=f"{body} Our reference is {ticket_id}, account {i * 7919 % 100_003}.",
        customer=Customer(id=f"c-{i % 997}", tier="standard", language="en"),
        created_at=at,
    )


def _closed(tenant: str, ticket_id: str) -> TicketClosed:
    at = _now()
    return TicketClosed(
        tenant=tenant,
        occurred_at=at,
        ticket_id=ticket_id,
        resolved_by=None,
        resolution="solved",
        closed_at=at,
    )


class Worker:
    """One worker process on its own app id and data dir."""

    backend = "torch"
    """The triage encoder backend of every worker (``--backend``)."""
    triage_batch: int | None = None
    """Most tickets per triage batch (``--triage-batch``; None: the backend's default)."""

    def __init__(self, bootstrap: str, catalogue: TopicCatalogue, embedder: str, tmp: Path):
        self.port = _free_port()
        tmp.mkdir(parents=True, exist_ok=True)
        self.log = tmp / f"worker-{uuid.uuid4().hex[:6]}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKET_ROUTER_")}
        env.update(
            TICKET_ROUTER_KAFKA_BOOTSTRAP=bootstrap,
            TICKET_ROUTER_TOPIC_PREFIX=catalogue.prefix,
            TICKET_ROUTER_TOPIC_PARTITIONS=str(catalogue.partitions),
            TICKET_ROUTER_APP_ID=f"{catalogue.prefix}router",
            TICKET_ROUTER_DATA_DIR=str(tmp / "data"),
            TICKET_ROUTER_METRICS_PORT=str(self.port),
            TICKET_ROUTER_TRIAGE_EMBEDDER=embedder,
            TICKET_ROUTER_TRIAGE_BACKEND=self.backend,
            TICKET_ROUTER_REDIS_ENABLED="false",
            TICKET_ROUTER_LOG_LEVEL="warning",
            TICKET_ROUTER_GROUP_CONFIG=json.dumps({"default": {"policy": "balanced"}}),
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
        )
        if self.triage_batch:  # else the worker's default for the backend
            env["TICKET_ROUTER_TRIAGE_BATCH_SIZE"] = str(self.triage_batch)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streams.cli.main", "worker"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def metric(self, name: str, labels: str) -> float:
        try:
            url = f"http://127.0.0.1:{self.port}/metrics"
            text = urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            return 0.0
        match = re.search(rf"^ticket_router_{name}\{{{re.escape(labels)}\}} (\S+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def check(self) -> None:
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace").splitlines()[-30:]
            raise SystemExit("worker exited:\n" + "\n".join(tail))


RUN = f"bench-{uuid.uuid4().hex[:6]}-"
"""Prefix of every topic this run creates (Faust's too: app ids start with it); deleted
at the end so repeated runs do not pile partitions up on the broker."""


async def _fresh(bootstrap: str) -> TopicCatalogue:
    catalogue = TopicCatalogue(prefix=f"{RUN}{uuid.uuid4().hex[:4]}.", partitions=PARTITIONS)
    await ensure_topics(bootstrap, catalogue)
    return catalogue


async def _produce(bootstrap: str, records: list[tuple[str, bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5)
    await producer.start()
    try:
        for topic, key, value in records:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def _status_records(bootstrap: str, n: int) -> tuple[TopicCatalogue, str]:
    """A fresh catalogue whose agent-status topic holds ``n`` agent-status records."""
    catalogue = await _fresh(bootstrap)
    source = catalogue.name("agent-status")
    value = encode(_agent("bench-0", "agent00", 1))
    await _produce(
        bootstrap, [(source, TENANTS[i % len(TENANTS)].encode(), value) for i in range(n)]
    )
    return catalogue, source


async def passthrough(bootstrap: str, n: int) -> float:
    """(a) messages/s of a plain consume -> produce loop."""
    catalogue, source = await _status_records(bootstrap, n)
    sink = catalogue.name("router-events")
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"{catalogue.prefix}passthrough",
        auto_offset_reset="earliest",
        max_poll_records=2000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5)
    await consumer.start()
    await producer.start()
    seen = 0
    started = None
    try:
        while seen < n:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                if started is None:
                    started = time.perf_counter()
                for record in records:
                    await producer.send(sink, record.value, key=record.key)
                seen += len(records)
        await producer.flush()
        await consumer.commit()
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        await consumer.stop()
        await producer.stop()
    return n / elapsed


async def faust_floor(bootstrap: str, n: int, *, table: bool) -> float:
    """Faust's own floor on the same records as (a): a no-op agent, or one table write."""
    _, source = await _status_records(bootstrap, n)
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "faust_floor.py"),
        "--bootstrap",
        bootstrap,
        "--topic",
        source,
        "--partitions",
        str(PARTITIONS),
        "--count",
        str(n),
        "--app-id",
        f"{RUN}floor-{uuid.uuid4().hex[:4]}",
        *(["--table"] if table else []),
    ]
    done = await asyncio.to_thread(
        subprocess.run, command, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    match = re.search(r"events/s (\d+)", done.stdout + done.stderr)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"faust_floor.py failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return float(match.group(1))


def _wait_routed(worker: Worker, target: float, timeout: float) -> float:
    """Events/s between 10 % and 90 % of ``target`` routed status/closed events."""
    marks: dict[float, tuple[float, float]] = {}
    deadline = time.monotonic() + timeout
    value = 0.0
    while time.monotonic() < deadline:
        worker.check()
        value = sum(
            worker.metric("events_in_total", f'type="{kind}"')
            for kind in ("agent-status", "ticket-closed")
        )
        now = time.perf_counter()
        for share in (0.1, 0.9):
            if value >= share * target and share not in marks:
                marks[share] = (now, value)
        if 0.9 in marks:
            (t0, v0), (t1, v1) = marks[0.1], marks[0.9]
            return (v1 - v0) / (t1 - t0)
        time.sleep(0.5)  # scraping is not free: the worker renders every metric
    raise SystemExit(f"routed {value} of {target} events within {timeout}s")


async def routing(bootstrap: str, n: int, embedder: str, tmp: Path) -> float:
    """(b) routing-stage events/s on agent-status and ticket-closed."""
    catalogue = await _fresh(bootstrap)
    records = []
    for i in range(n):
        tenant = TENANTS[i % len(TENANTS)]
        if i % 2:
            event: Any = _agent(tenant, AGENTS[i % len(AGENTS)], 10 + i)
            topic = catalogue.name("agent-status")
        else:
            event = _closed(tenant, f"unknown-{i}")
            topic = catalogue.name("ticket-closed")
        records.append((topic, encode_key(event), encode(event)))
    await _produce(bootstrap, records)
    worker = Worker(bootstrap, catalogue, embedder, tmp)
    try:
        return await asyncio.to_thread(_wait_routed, worker, n, 300)
    finally:
        worker.stop()


async def _collector(bootstrap: str, topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    return consumer


async def tickets(bootstrap: str, n: int, embedder: str, tmp: Path) -> float:
    """(c) tickets/s through triage and routing to ticket-assigned."""
    catalogue = await _fresh(bootstrap)
    agents = [_agent(t, a, 1) for t in TENANTS for a in AGENTS]
    await _produce(
        bootstrap, [(catalogue.name("agent-status"), encode_key(a), encode(a)) for a in agents]
    )
    created = [_ticket(TENANTS[i % len(TENANTS)], f"T{i}", i) for i in range(n)]
    await _produce(
        bootstrap, [(catalogue.name("ticket-created"), encode_key(t), encode(t)) for t in created]
    )
    consumer = await _collector(bootstrap, catalogue.name("ticket-assigned"))
    worker = Worker(bootstrap, catalogue, embedder, tmp)
    seen: set[str] = set()
    first = last = 0.0
    try:
        deadline = time.monotonic() + 300
        while len(seen) < n and time.monotonic() < deadline:
            worker.check()
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for record in records:
                    if not first:
                        first = time.perf_counter()
                    seen.add(decode(TicketAssigned, record.value).ticket_id)
                    last = time.perf_counter()
    finally:
        await consumer.stop()
        worker.stop()
    if len(seen) < n:
        raise SystemExit(f"only {len(seen)} of {n} tickets assigned")
    return n / (last - first) if last > first else float("nan")


async def latency(
    bootstrap: str, rate: float, seconds: float, embedder: str, tmp: Path
) -> list[float]:
    """(d) ticket-created -> ticket-assigned latencies (ms) at ``rate`` tickets/s."""
    catalogue = await _fresh(bootstrap)
    agents = [_agent(t, a, 1) for t in TENANTS for a in AGENTS]
    await _produce(
        bootstrap, [(catalogue.name("agent-status"), encode_key(a), encode(a)) for a in agents]
    )
    worker = Worker(bootstrap, catalogue, embedder, tmp)
    consumer = await _collector(bootstrap, catalogue.name("ticket-assigned"))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=0)
    await producer.start()
    sent: dict[str, float] = {}
    got: dict[str, float] = {}

    async def receive() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=50)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    got.setdefault(decode(TicketAssigned, record.value).ticket_id, now)

    receiver = asyncio.create_task(receive())
    try:
        # warm-up: the worker is ready when a first ticket comes back
        warm = _ticket(TENANTS[0], "warmup", 0)
        await producer.send_and_wait(
            catalogue.name("ticket-created"), encode(warm), key=encode_key(warm)
        )
        deadline = time.monotonic() + 180
        while "warmup" not in got:
            worker.check()
            if time.monotonic() > deadline:
                raise SystemExit("worker did not answer the warm-up ticket within 180 s")
            await asyncio.sleep(0.1)
        count = int(rate * seconds)
        start = time.perf_counter()
        for i in range(count):
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            ticket = _ticket(TENANTS[i % len(TENANTS)], f"L{i}", i)
            sent[ticket.ticket_id] = time.perf_counter()
            await producer.send(
                catalogue.name("ticket-created"), encode(ticket), key=encode_key(ticket)
            )
        deadline = time.monotonic() + 60
        while len([t for t in sent if t in got]) < count and time.monotonic() < deadline:  # noqa: ASYNC110 - polling another task's results
            await asyncio.sleep(0.1)
    finally:
        receiver.cancel()
        await producer.stop()
        await consumer.stop()
        worker.stop()
    return [(got[t] - sent[t]) * 1000 for t in sent if t in got]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--embedder", choices=("minilm", "hashing"), default="minilm")
    parser.add_argument(
        "--backend",
        choices=BACKEND_CHOICES,
        default=AUTO,
        help="triage encoder backend of the worker (default: the worker's, auto; onnx ones "
        "need the 'onnx' extra)",
    )
    parser.add_argument(
        "--triage-batch",
        type=int,
        help="most tickets per triage batch (default: the worker's for the backend)",
    )
    parser.add_argument("--rate", type=float, default=50.0, help="(d) tickets per second")
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("TICKET_ROUTER_KAFKA_BOOTSTRAP")
        or f"127.0.0.1:{os.environ.get('TICKET_ROUTER_KAFKA_PORT', '19092')}",
    )
    args = parser.parse_args()
    if args.rate <= 0:
        parser.error("--rate must be a positive number of tickets per second")
    if args.triage_batch is not None and args.triage_batch < 1:
        parser.error("--triage-batch must be at least 1")
    Worker.backend = resolve_backend(args.backend)
    Worker.triage_batch = args.triage_batch
    n_pass, n_route, n_tickets, seconds = (
        (20_000, 10_000, 600, 10) if args.quick else (100_000, 20_000, 3_000, 30)
    )
    bootstrap = args.bootstrap
    print(
        f"streaming benchmarks on {bootstrap} ({os.cpu_count()} CPUs, embedder "
        f"{args.embedder}, backend {Worker.backend}, triage batch "
        f"{args.triage_batch or TRIAGE_BATCH_BY_BACKEND[Worker.backend]})"
    )
    try:
        await _run_all(args, bootstrap, (n_pass, n_route, n_tickets, seconds))
    finally:
        deleted = await delete_topics(bootstrap, [RUN])
        print(f"deleted this run's {len(deleted)} topics ({RUN}*)", file=sys.stderr)


async def _run_all(
    args: argparse.Namespace, bootstrap: str, sizes: tuple[int, int, int, int]
) -> None:
    n_pass, n_route, n_tickets, seconds = sizes
    with tempfile.TemporaryDirectory(prefix="bench-streaming-") as tmp_name:
        tmp = Path(tmp_name)
        a = await passthrough(bootstrap, n_pass)
        print(f"(a) raw aiokafka consume->produce : {a:9.0f} msg/s ({n_pass} records)")
        noop = await faust_floor(bootstrap, n_route, table=False)
        print(f"    Faust agent doing nothing     : {noop:9.0f} events/s  = {noop / a:6.1%} of (a)")
        write = await faust_floor(bootstrap, n_route, table=True)
        print(
            f"    Faust agent, 1 table write    : {write:9.0f} events/s  = {write / a:6.1%} of (a)"
        )
        b = await routing(bootstrap, n_route, args.embedder, tmp / "b")
        print(f"(b) routing, status/closed events : {b:9.0f} events/s  = {b / a:6.1%} of (a)")
        c = await tickets(bootstrap, n_tickets, args.embedder, tmp / "c")
        print(f"(c) tickets, triage + routing     : {c:9.0f} tickets/s = {c / a:6.1%} of (a)")
        lat = await latency(bootstrap, args.rate, seconds, args.embedder, tmp / "d")
        expected = int(args.rate * seconds)
        print(
            f"(d) created->assigned at {args.rate:g}/s for {seconds}s: "
            f"p50 {_pct(lat, 0.50):.1f} ms, p95 {_pct(lat, 0.95):.1f} ms, "
            f"p99 {_pct(lat, 0.99):.1f} ms, max {max(lat):.1f} ms, mean "
            f"{statistics.fmean(lat):.1f} ms ({len(lat)}/{expected} assigned)"
        )


if __name__ == "__main__":
    asyncio.run(main())
