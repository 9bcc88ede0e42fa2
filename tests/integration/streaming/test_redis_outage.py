"""Redis stopped mid-run: routing carries on; the view catches up when Redis is back."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path

import redis.asyncio as redis_asyncio

from tests.integration.conftest import RedisServer
from tests.integration.streaming.harness import (
    Outputs,
    Producer,
    WorkerProcess,
    agent_event,
    create_topics_async,
    ticket_event,
    wait_until,
)

TENANT = "outage"


async def _depths(url: str, prefix: str, agents: list[str]) -> dict[str, int]:
    client = redis_asyncio.from_url(url, socket_connect_timeout=1)
    try:
        out = {}
        for agent in agents:
            value = await client.hget(f"{prefix}:{TENANT}:agent:{agent}", "depth")
            out[agent] = int(value) if value is not None else -1
        return out
    finally:
        await client.aclose()


async def test_routing_survives_a_redis_outage_and_the_view_recovers(
    kafka_bootstrap: str,
    redis_server: RedisServer,
    topic_prefix: str,
    tmp_path: Path,
) -> None:
    catalogue = await create_topics_async(kafka_bootstrap, topic_prefix)
    worker = WorkerProcess(
        name="outage",
        bootstrap=kafka_bootstrap,
        redis_url=redis_server.url,
        catalogue=catalogue,
        data_dir=tmp_path / "w1",
        app_id=f"{topic_prefix}router",
        redis_prefix=f"o{uuid.uuid4().hex[:6]}",
    )
    agents = ["ana", "ben"]
    async with (
        Outputs(kafka_bootstrap, catalogue) as out,
        Producer(kafka_bootstrap, catalogue) as producer,
    ):
        await producer.send(*(agent_event(TENANT, a, capacity=50) for a in agents))
        worker.start()
        try:
            await asyncio.to_thread(worker.wait_ready, 90)
            await producer.send(*(ticket_event(TENANT, f"R-{i}") for i in range(4)))
            await wait_until(lambda: len(out.assigned) >= 4, 30, "assignments before")
            await asyncio.to_thread(redis_server.stop)
            await producer.send(*(ticket_event(TENANT, f"R-{i}") for i in range(4, 24)))
            await wait_until(lambda: len(out.assigned) >= 24, 30, "assignments during outage")
            await asyncio.sleep(1.0)  # a few failed flushes
            await asyncio.to_thread(redis_server.start)
            expected = dict(Counter(a.agent_id for a in out.assigned))

            async def caught_up() -> bool:
                return await _depths(redis_server.url, worker.redis_prefix, agents) == expected

            for _ in range(100):
                if await caught_up():
                    break
                await asyncio.sleep(0.2)
            assert await _depths(redis_server.url, worker.redis_prefix, agents) == expected
            assert "Redis view write failed" in worker.tail(400)
        finally:
            assert worker.stop() == 0, worker.tail()
    assert len({a.ticket_id for a in out.assigned}) == 24
