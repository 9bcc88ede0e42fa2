"""The worker end to end on real Kafka and Redis: one worker process for this module.

Each test uses its own tenant, so they share the worker (start-up costs seconds).
"""

from __future__ import annotations

import asyncio
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.asyncio as redis_asyncio

from streams.app.metrics import METRIC_HELP
from tests.integration.cleanup import delete_test_topics
from tests.integration.streaming.harness import (
    Outputs,
    Producer,
    WorkerProcess,
    agent_event,
    close_event,
    create_topics,
    ticket_event,
    wait_until,
)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def worker(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    prefix = f"t-{uuid.uuid4().hex[:8]}."
    catalogue = create_topics(kafka_bootstrap, prefix)
    base = tmp_path_factory.mktemp("pipeline")
    proc = WorkerProcess(
        name="pipeline",
        bootstrap=kafka_bootstrap,
        redis_url=redis_url,
        catalogue=catalogue,
        data_dir=base / "w1",
        app_id=f"{prefix}router",
        redis_prefix=f"v{uuid.uuid4().hex[:6]}",
        group_config={"policy": "balanced", "sticky_window_s": 0, "offline_reroute_grace_s": 0},
        metrics_port=_free_port(),
    )
    proc.start()
    proc.wait_ready(90)
    yield proc
    code = proc.stop()
    delete_test_topics(kafka_bootstrap, prefix)
    assert code == 0, proc.tail()
    assert not (Path(proc.data_dir) / "RUNNING").exists()  # clean stop


async def test_ticket_is_assigned_with_its_explanation(worker: WorkerProcess) -> None:
    tenant = "e2e-assign"
    async with (
        Outputs(worker.bootstrap, worker.catalogue) as out,
        Producer(worker.bootstrap, worker.catalogue) as producer,
    ):
        await producer.send(agent_event(tenant, "ana"), agent_event(tenant, "ben"))
        await producer.send(ticket_event(tenant, "A-1"))
        [assigned] = await wait_until(lambda: out.assignments_of("A-1"), 30, "assignment")
    assert assigned.agent_id in {"ana", "ben"}
    assert assigned.tenant == tenant
    assert set(assigned.explanation.candidates) == {"ana", "ben"}
    assert assigned.explanation.reasons
    assert assigned.policy == "balanced"
    assert assigned.triage is not None
    assert assigned.triage.category is not None
    assert len(assigned.assignment_id) == 32
    client = redis_asyncio.from_url(worker.redis_url)
    try:
        key = f"{worker.redis_prefix}:{tenant}:agent:{assigned.agent_id}"

        async def depth() -> bytes | None:
            return await client.hget(key, "depth")

        for _ in range(50):
            if await depth() == b"1":
                break
            await asyncio.sleep(0.1)
        assert await depth() == b"1"
    finally:
        await client.aclose()
    url = f"http://127.0.0.1:{worker.metrics_port}/metrics"
    body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).read())
    text = body.decode()
    assert 'ticket_router_assignments_total{policy="balanced"' in text
    for name in ("events_in_total", "decision_latency_seconds", "queue_depth_stddev"):
        assert name in METRIC_HELP
        assert f"ticket_router_{name}" in text


async def test_waiting_ticket_is_pulled_when_capacity_frees(worker: WorkerProcess) -> None:
    tenant = "e2e-pull"
    async with (
        Outputs(worker.bootstrap, worker.catalogue) as out,
        Producer(worker.bootstrap, worker.catalogue) as producer,
    ):
        await producer.send(agent_event(tenant, "ana", capacity=1))
        await producer.send(ticket_event(tenant, "P-1"), ticket_event(tenant, "P-2"))
        await wait_until(lambda: out.assignments_of("P-1"), 30, "first assignment")
        await wait_until(lambda: "queued" in out.kinds("P-2"), 30, "P-2 queued")
        assert out.assignments_of("P-2") == []
        await producer.send(close_event(tenant, "P-1", "ana"))
        [pulled] = await wait_until(lambda: out.assignments_of("P-2"), 30, "pull")
    assert pulled.agent_id == "ana"
    assert pulled.waited_ms > 0


async def test_open_tickets_move_when_an_agent_goes_offline(worker: WorkerProcess) -> None:
    tenant = "e2e-offline"
    async with (
        Outputs(worker.bootstrap, worker.catalogue) as out,
        Producer(worker.bootstrap, worker.catalogue) as producer,
    ):
        await producer.send(agent_event(tenant, "ana", capacity=3))
        await producer.send(ticket_event(tenant, "O-1"))
        [first] = await wait_until(lambda: out.assignments_of("O-1"), 30, "assignment")
        assert first.agent_id == "ana"
        await producer.send(
            agent_event(tenant, "ben", capacity=3),
            agent_event(tenant, "ana", status="offline", capacity=3),
        )
        moved = await wait_until(
            lambda: [a for a in out.assignments_of("O-1") if a.attempt == 2], 30, "re-route"
        )
    assert moved[0].agent_id == "ben"
    assert "rerouted" in out.kinds("O-1")
    rerouted = next(e for e in out.events if e.ticket_id == "O-1" and e.kind == "rerouted")
    assert rerouted.agent_id == "ana"
    assert rerouted.reason == "agent_offline"


async def test_sla_escalation_runs_on_ticks(worker: WorkerProcess) -> None:
    tenant = "e2e-sla"
    async with (
        Outputs(worker.bootstrap, worker.catalogue) as out,
        Producer(worker.bootstrap, worker.catalogue) as producer,
    ):
        await producer.send(agent_event(tenant, "ana", capacity=1))
        await producer.send(ticket_event(tenant, "S-1"))
        await wait_until(lambda: out.assignments_of("S-1"), 30, "assignment")
        await producer.send(ticket_event(tenant, "S-2", sla_seconds=2))
        await wait_until(
            lambda: "escalated" in out.kinds("S-2"), 30, "escalation of S-2 by the tick timer"
        )
    kinds = out.kinds("S-2")
    assert kinds[0] == "queued"
    breach = next(
        e
        for e in out.events
        if e.ticket_id == "S-2" and e.kind == "sla_warning" and e.details.get("breached")
    )
    assert breach.reason == "sla_breached"


async def test_malformed_events_go_to_the_dead_letter_topic(worker: WorkerProcess) -> None:
    tenant = "e2e-dlq"
    async with (
        Outputs(worker.bootstrap, worker.catalogue) as out,
        Producer(worker.bootstrap, worker.catalogue) as producer,
    ):
        await producer.send_raw("ticket-created", tenant.encode(), b'{"ticket_id": 1}')
        await producer.send_raw("agent-status", tenant.encode(), b"\xff not json")
        wrong_key = agent_event(tenant, "ana")
        await producer.send_raw(
            "agent-status", b"someone-else", wrong_key.model_dump_json().encode()
        )
        letters = await wait_until(
            lambda: (
                [d for d in out.dead if d["tenant"] in (tenant, "someone-else")]
                if len([d for d in out.dead if d["tenant"] in (tenant, "someone-else")]) >= 3
                else None
            ),
            30,
            "three dead letters",
        )
        # the worker keeps going after dead letters
        await producer.send(agent_event(tenant, "ana"), ticket_event(tenant, "D-1"))
        await wait_until(lambda: out.assignments_of("D-1"), 30, "assignment after DLQ")
    by_topic = {d["source_topic"].rsplit(".", 1)[1]: d for d in letters}
    assert set(by_topic) == {"ticket-created", "agent-status"}
    assert by_topic["ticket-created"]["error_class"] == "InvalidEvent"
    assert "ticket-created" in by_topic["ticket-created"]["error"]
    classes = sorted(d["error_class"] for d in letters)
    assert "MalformedJson" in classes
    assert any("differs from the event's tenant" in d["error"] for d in letters)
