"""Two workers in one consumer group share the partitions; one leaves, the other takes over."""

from __future__ import annotations

import asyncio
import re
import socket
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

from streams.app.tables import entities_of
from tests.integration.streaming.harness import (
    Outputs,
    Producer,
    WorkerProcess,
    agent_event,
    create_topics_async,
    read_changelog,
    ticket_event,
    wait_until,
)

TENANTS = [f"team-{i}" for i in range(8)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _triaged_events_seen(port: int) -> float:
    def read() -> str:
        url = f"http://127.0.0.1:{port}/metrics"
        return urllib.request.urlopen(url, timeout=5).read().decode()

    text = await asyncio.to_thread(read)
    match = re.search(r'ticket_router_events_in_total\{type="ticket-triaged"\} (\S+)', text)
    return float(match.group(1)) if match else 0.0


async def test_two_workers_share_partitions_and_one_takes_over(
    kafka_bootstrap: str, redis_url: str, topic_prefix: str, tmp_path: Path
) -> None:
    catalogue = await create_topics_async(kafka_bootstrap, topic_prefix)
    common = {
        "bootstrap": kafka_bootstrap,
        "redis_url": redis_url,
        "catalogue": catalogue,
        "app_id": f"{topic_prefix}router",
        "redis_prefix": f"s{uuid.uuid4().hex[:6]}",
        "group_config": {"policy": "least_loaded"},
    }
    first = WorkerProcess(
        name="w1",
        data_dir=tmp_path / "w1",
        metrics_port=_free_port(),
        **common,  # type: ignore[arg-type]
    )
    second = WorkerProcess(
        name="w2",
        data_dir=tmp_path / "w2",
        metrics_port=_free_port(),
        **common,  # type: ignore[arg-type]
    )
    async with (
        Outputs(kafka_bootstrap, catalogue) as out,
        Producer(kafka_bootstrap, catalogue) as producer,
    ):
        await producer.send(*(agent_event(t, a, capacity=100) for t in TENANTS for a in "xyz"))
        try:
            first.start()
            await asyncio.to_thread(first.wait_ready, 90)
            second.start()
            await asyncio.to_thread(second.wait_ready, 90)
            # the first worker went through the rebalance as well
            await asyncio.to_thread(first.wait_ready, 60, 2)
            batch1 = [ticket_event(t, f"{t}-A{i}") for i in range(25) for t in TENANTS]
            await producer.send(*batch1)
            await wait_until(
                lambda: {e.ticket_id for e in batch1} <= {a.ticket_id for a in out.assigned},
                60,
                "batch 1 assigned by two workers",
            )
            seen = [await _triaged_events_seen(w.metrics_port) for w in (first, second)]
            assert all(n > 0 for n in seen), f"both workers route some tenants: {seen}"
            assert sum(seen) >= len(batch1)

            assert second.stop() == 0, second.tail()
            batch2 = [ticket_event(t, f"{t}-B{i}") for i in range(25) for t in TENANTS]
            await producer.send(*batch2)
            await wait_until(
                lambda: {e.ticket_id for e in batch2} <= {a.ticket_id for a in out.assigned},
                90,
                "batch 2 assigned by the remaining worker",
            )
        finally:
            first.stop()
            second.stop()
        assigned = list(out.assigned)

    agents_of: dict[str, set[str]] = defaultdict(set)
    for event in assigned:
        agents_of[event.ticket_id].add(event.agent_id)
    assert all(len(v) == 1 for v in agents_of.values())
    table = await read_changelog(
        kafka_bootstrap, f"{topic_prefix}router-books-changelog", catalogue.partitions
    )
    total = 0
    for tenant in TENANTS:
        records = entities_of(table.items(), tenant)["assignments"]
        assert len(records) == 50
        for ticket_id, record in records.items():
            assert {record["agent_id"]} == agents_of[ticket_id]
        total += len(records)
    assert total == 400
