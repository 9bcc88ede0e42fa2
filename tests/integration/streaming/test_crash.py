"""Crash safety: the worker SIGKILLed at random moments while thousands of tickets flow.

Afterwards, from the changelog (the tables' source of truth) and the output topic:
every ticket is assigned exactly once in the tables, no ticket went to two different
agents in ``ticket-assigned`` (a duplicate only with the same ``assignment_id``), queue
depths equal open assignments (in the books and in the Redis view), and nothing is left
in the outbox.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import redis.asyncio as redis_asyncio

from streams.app.groups import GroupConfigs
from streams.app.tables import OUTBOX, entities_of
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

TENANTS = [f"crash-{i}" for i in range(6)]
AGENTS = ["ana", "ben", "chloe", "dev", "elif"]
TICKETS_PER_TENANT = 500  # 3,000 in all
KILLS = 10
RATE = 75.0  # tickets per second while the killer works


async def _produce_tickets(producer: Producer, ids: list[tuple[str, str]]) -> None:
    step = 15
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        await producer.send(*(ticket_event(t, tid) for t, tid in chunk))
        await asyncio.sleep(step / RATE)


async def test_random_sigkills_never_assign_a_ticket_twice(
    kafka_bootstrap: str, redis_url: str, topic_prefix: str, tmp_path: Path
) -> None:
    catalogue = await create_topics_async(kafka_bootstrap, topic_prefix)
    worker = WorkerProcess(
        name="crash",
        bootstrap=kafka_bootstrap,
        redis_url=redis_url,
        catalogue=catalogue,
        data_dir=tmp_path / "w1",
        app_id=f"{topic_prefix}router",
        redis_prefix=f"c{uuid.uuid4().hex[:6]}",
        group_config={"policy": "balanced", "sticky_window_s": 0},
    )
    rng = random.Random(20260105)
    ids = [(t, f"{t}-T{i:04d}") for i in range(TICKETS_PER_TENANT) for t in TENANTS]
    kills: list[float] = []
    async with (
        Outputs(kafka_bootstrap, catalogue) as out,
        Producer(kafka_bootstrap, catalogue) as producer,
    ):
        await producer.send(
            *(agent_event(t, a, capacity=200, version=1) for t in TENANTS for a in AGENTS)
        )
        worker.start()
        try:
            await asyncio.to_thread(worker.wait_ready, 90)
            sending = asyncio.create_task(_produce_tickets(producer, ids))
            started = time.monotonic()
            while len(kills) < KILLS or not sending.done():
                await asyncio.sleep(rng.uniform(0.5, 3.0))
                worker.kill()
                kills.append(time.monotonic() - started)
                worker.start()
                await asyncio.to_thread(worker.wait_ready, 90)
            await sending
            expected = {tid for _, tid in ids}
            try:
                await wait_until(
                    lambda: expected <= {a.ticket_id for a in out.assigned},
                    180,
                    "every ticket assigned after the last restart",
                )
            except AssertionError as exc:
                missing = sorted(expected - {a.ticket_id for a in out.assigned})
                raise AssertionError(
                    f"{exc}: {len(missing)} of {len(expected)} missing (e.g. {missing[:8]}); "
                    f"kills at {[round(k, 1) for k in kills]}; worker alive: {worker.alive()}; "
                    f"log {worker.log_path}:\n{worker.tail(80)}"
                ) from None
            await asyncio.sleep(3)  # a few ticks: delivered outbox entries get deleted
        finally:
            code = worker.stop()
        assert code == 0, worker.tail()
        assigned = list(out.assigned)

    assert len(kills) >= KILLS
    # -- the output topic: one agent per ticket, duplicates only with the same id
    per_ticket: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for event in assigned:
        per_ticket[event.ticket_id].add((event.agent_id, event.assignment_id))
    conflicts = {t: v for t, v in per_ticket.items() if len(v) > 1}
    assert not conflicts, f"tickets assigned to two agents: {dict(list(conflicts.items())[:5])}"
    assert set(per_ticket) == {tid for _, tid in ids}
    duplicates = len(assigned) - len(per_ticket)

    # -- the tables, rebuilt from the changelog the way a new worker would
    table = await read_changelog(
        kafka_bootstrap, f"{worker.app_id}-books-changelog", catalogue.partitions
    )
    import router

    configs = GroupConfigs({"default": worker.group_config})
    client = redis_asyncio.from_url(redis_url)
    try:
        for tenant in TENANTS:
            entities = entities_of(table.items(), tenant)
            assert entities.pop(OUTBOX) == {}, "undelivered outputs left in the outbox"
            group = router.RoutingGroup.restore(tenant, configs.for_tenant(tenant), entities)
            mine = [tid for t, tid in ids if t == tenant]
            states = Counter(group.ticket_state(tid) for tid in mine)
            assert states == Counter({"assigned": TICKETS_PER_TENANT}), states
            open_per_agent = Counter(
                rec["agent_id"]
                for rec in entities["assignments"].values()
                if rec["state"] != "closed"
            )
            assert sum(open_per_agent.values()) == TICKETS_PER_TENANT
            for tid in mine:
                [(agent, _)] = per_ticket[tid]
                assert group.assignment_of(tid) == agent
            for agent in AGENTS:
                assert group.queue_depth(agent) == open_per_agent[agent]
                depth = await client.hget(f"{worker.redis_prefix}:{tenant}:agent:{agent}", "depth")
                assert depth is not None
                assert int(depth) == open_per_agent[agent], (tenant, agent)
            assert group.pending() == []
    finally:
        await client.aclose()
    print(
        f"\ncrash test: {len(ids)} tickets, {len(kills)} SIGKILLs at "
        f"{', '.join(f'{k:.1f}' for k in kills)} s, {duplicates} duplicate deliveries "
        f"(same assignment_id), {worker.starts} starts"
    )
