"""The connectors against a real Kafka broker and a real HTTP server on loopback.

The server plays the receiving end: a webhook endpoint that checks every signature, and
Zendesk's and Freshdesk's ticket-update endpoints. It answers 503 once (a retry), 422
for one ticket (a final refusal) and 200 otherwise.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson
import pytest
from aiohttp import web

from models import DeadLetter, TicketAssigned, decode, encode, encode_key
from streams.connectors.runner import ConnectorSettings, run_connector
from streams.connectors.targets import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    FreshdeskTarget,
    WebhookTarget,
    ZendeskTarget,
    verify_signature,
)
from streams.topic_admin import ensure_topics
from streams.topics import TopicCatalogue
from tests.integration.contract.kafka_io import consume, produce
from tests.unit.connectors.helpers import assigned

SECRET = b"integration-secret-0123456789"
_REPO = Path(__file__).resolve().parents[3]


@dataclass
class Receiver:
    """What the server saw."""

    url: str = ""
    hooks: list[dict[str, object]] = field(default_factory=list)
    updates: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    failed_once: set[str] = field(default_factory=set)
    hooked: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    seen = Receiver()

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        ok = verify_signature(
            SECRET,
            body,
            request.headers[TIMESTAMP_HEADER],
            request.headers[SIGNATURE_HEADER],
            now=time.time(),
        )
        event = orjson.loads(body)
        seen.hooks.append({"signed": ok, "delivery": request.headers["X-Ticket-Router-Delivery"]})
        seen.hooks[-1]["ticket"] = event["ticket_id"]
        seen.hooks[-1]["at"] = time.monotonic()
        seen.hooked.set()
        if not ok:
            return web.Response(status=401)
        if event["ticket_id"] == "13":
            return web.json_response({"error": "RecordInvalid"}, status=422)
        ticket = event["ticket_id"]
        if ticket in {"12", "16"} and ticket not in seen.failed_once:
            seen.failed_once.add(ticket)  # 12: "retry now"; 16: no Retry-After
            headers = {"Retry-After": "0"} if ticket == "12" else {}
            return web.Response(status=503, headers=headers)
        return web.Response(status=204)

    async def update(request: web.Request) -> web.Response:
        seen.updates.append((request.method, request.path, orjson.loads(await request.read())))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_put("/api/v2/tickets/{ticket}", update)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    seen.url = f"http://127.0.0.1:{port}"
    try:
        yield seen
    finally:
        await runner.cleanup()


async def _topics(
    bootstrap: str, prefix: str, records: list[tuple[bytes, bytes]], partitions: int = 1
) -> TopicCatalogue:
    """Fresh topics with ``records`` in ``ticket-assigned``."""
    catalogue = TopicCatalogue(prefix=prefix, partitions=partitions)
    await ensure_topics(bootstrap, catalogue)
    await produce(bootstrap, catalogue.name("ticket-assigned"), records)
    return catalogue


def _records(*events: TicketAssigned) -> list[tuple[bytes, bytes]]:
    return [(encode_key(e), encode(e)) for e in events]


def _mixed() -> list[tuple[bytes, bytes]]:
    """Four assignments (ana: 11, 13; ben: 10, 12), 10's redelivery, and a stray record."""
    records = _records(*(assigned(str(n), "ana" if n % 2 else "ben") for n in (10, 11, 12, 13)))
    records.append(records[0])  # a redelivery of the first assignment
    records.append((b"acme", b'{"ticket_id": "14"}'))  # not an assignment at all
    return records


def _settings(bootstrap: str, catalogue: TopicCatalogue, group: str) -> ConnectorSettings:
    return ConnectorSettings(
        bootstrap=bootstrap,
        catalogue=catalogue,
        group_id=group,
        backoff_s=0.05,
        exit_when_idle_s=3.0,
        progress_every_s=60.0,
    )


async def test_webhook_connector_applies_retries_dead_letters_and_commits(
    kafka_bootstrap: str, topic_prefix: str, receiver: Receiver
) -> None:
    catalogue = await _topics(kafka_bootstrap, topic_prefix, _mixed())
    target = WebhookTarget(receiver.url + "/hook", SECRET, time.time)
    settings = _settings(kafka_bootstrap, catalogue, topic_prefix + "hooks")

    report = await run_connector(target, settings)

    assert (report.seen, report.applied, report.duplicates) == (6, 3, 1)
    assert (report.dead_letters, report.retries) == (2, 1)
    assert all(hook["signed"] for hook in receiver.hooks)
    # 10, 11, 12 twice (503, then 204), 13 once (422); the redelivered 10 is not sent
    assert [hook["ticket"] for hook in receiver.hooks] == ["10", "11", "12", "12", "13"]
    letters = await consume(kafka_bootstrap, catalogue.name("dead-letter"), 2)
    reasons = sorted(decode(DeadLetter, r.value).error for r in letters)
    assert reasons[0].startswith('HTTP 422 from webhook: {"error": "RecordInvalid"}')
    assert "ticket-assigned" in reasons[1]  # the record that is no assignment
    assert {decode(DeadLetter, r.value).source_offset for r in letters} == {3, 5}

    again = await run_connector(target, settings)  # the group's offsets were committed
    assert again.seen == 0
    assert len(receiver.hooks) == 5


async def test_zendesk_and_freshdesk_connectors_set_the_assignee(
    kafka_bootstrap: str, topic_prefix: str, receiver: Receiver
) -> None:
    catalogue = await _topics(kafka_bootstrap, topic_prefix, _mixed(), partitions=2)
    zendesk = ZendeskTarget(receiver.url, "ops@acme.test", "token", {"ana": 501})
    report = await run_connector(zendesk, _settings(kafka_bootstrap, catalogue, "zd"))
    # ben (tickets 10, 12 and 10's redelivery) is not in the agent map, and one record
    # is no assignment: dead letters, nothing sent
    assert (report.applied, report.dead_letters, report.duplicates) == (2, 4, 0)
    assert sorted(receiver.updates) == [
        ("PUT", "/api/v2/tickets/11.json", {"ticket": {"assignee_id": 501}}),
        ("PUT", "/api/v2/tickets/13.json", {"ticket": {"assignee_id": 501}}),
    ]
    receiver.updates.clear()
    freshdesk = FreshdeskTarget(receiver.url, "key", {"ana": 7, "ben": 8})
    report = await run_connector(freshdesk, _settings(kafka_bootstrap, catalogue, "fd"))
    assert (report.applied, report.duplicates, report.dead_letters) == (4, 1, 1)
    assert sorted(receiver.updates) == [
        ("PUT", f"/api/v2/tickets/{n}", {"responder_id": 8 if n % 2 == 0 else 7})
        for n in (10, 11, 12, 13)
    ]


async def test_connect_command_runs_the_webhook_connector(
    kafka_bootstrap: str, topic_prefix: str, receiver: Receiver
) -> None:
    records = _records(assigned("20"), assigned("21", "ben"))
    await _topics(kafka_bootstrap, topic_prefix, records)
    env = dict(os.environ, TICKET_ROUTER_WEBHOOK_SECRET=SECRET.decode())
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "streams", "connect", "webhook",
        "--url", receiver.url + "/hook", "--bootstrap", kafka_bootstrap,
        "--prefix", topic_prefix, "--exit-when-idle", "3", "--max-rate", "4",
        cwd=_REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    assert [hook["ticket"] for hook in receiver.hooks] == ["20", "21"]
    assert all(hook["signed"] for hook in receiver.hooks)
    first, second = (float(str(hook["at"])) for hook in receiver.hooks)
    assert second - first >= 0.24  # --max-rate 4: a quarter second apart at least
    assert "applied 2, duplicates skipped 0, dead letters 0" in err.decode()


async def test_stopping_during_a_retry_leaves_the_event_for_the_next_run(
    kafka_bootstrap: str, topic_prefix: str, receiver: Receiver
) -> None:
    records = _records(assigned("16"), assigned("15"))
    catalogue = await _topics(kafka_bootstrap, topic_prefix, records)
    stop = asyncio.Event()
    target = WebhookTarget(receiver.url + "/hook", SECRET, time.time)
    settings = ConnectorSettings(
        bootstrap=kafka_bootstrap,
        catalogue=catalogue,
        group_id=topic_prefix + "stop",
        backoff_s=30.0,  # the 503 for ticket 16 makes it wait 30 s ...
        exit_when_idle_s=3.0,
    )

    async def stop_when_refused() -> None:
        await receiver.hooked.wait()
        stop.set()  # ... but it stops at once instead, committing nothing

    asyncio.get_running_loop().create_task(stop_when_refused())
    started = time.monotonic()
    report = await run_connector(target, settings, stop=stop)
    assert time.monotonic() - started < 20
    assert (report.applied, report.dead_letters) == (0, 0)

    report = await run_connector(target, replace(settings, backoff_s=0.05))
    assert (report.seen, report.applied) == (2, 2)  # 16 again (answered 204 now), then 15
    assert [hook["ticket"] for hook in receiver.hooks] == ["16", "16", "15"]


async def _cli(*argv: str, secret: bytes) -> asyncio.subprocess.Process:
    env = dict(os.environ, TICKET_ROUTER_WEBHOOK_SECRET=secret.decode())
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "streams", *argv, cwd=_REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_webhook_listen_verifies_what_connect_webhook_sends(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    records = _records(assigned("30"), assigned("31", "ben"), assigned("32"))
    await _topics(kafka_bootstrap, topic_prefix, records)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    listener = await _cli("webhook-listen", "--port", str(port), "--duration", "90", secret=SECRET)
    assert listener.stderr is not None
    started = await asyncio.wait_for(listener.stderr.readline(), 30)
    assert f"listening on http://127.0.0.1:{port}/" in started.decode()

    async def connect(group: str, secret: bytes) -> tuple[int, str]:
        process = await _cli(
            "connect", "webhook", "--url", f"http://127.0.0.1:{port}/",
            "--bootstrap", kafka_bootstrap, "--prefix", topic_prefix, "--group-id", group,
            "--exit-when-idle", "3", secret=secret,
        )  # fmt: skip
        _out, err = await asyncio.wait_for(process.communicate(), 120)
        return int(process.returncode or 0), err.decode()

    # a first group applies the three; a second group (a connector started from scratch)
    # sends them again and the listener answers 200 without applying them twice; a
    # connector with the wrong secret is refused, and its events are dead-lettered
    assert (await connect(topic_prefix + "a", SECRET))[0] == 0
    assert (await connect(topic_prefix + "b", SECRET))[0] == 0
    code, err = await connect(topic_prefix + "c", b"not-the-listeners-secret")
    assert code == 1
    assert "applied 0, duplicates skipped 0, dead letters 3" in err

    listener.terminate()
    out, tail = await asyncio.wait_for(listener.communicate(), 30)
    assert listener.returncode == 1  # it refused requests
    lines = out.decode().splitlines()
    assert [line.split(" (")[0] for line in lines[:3]] == [
        "ticket 30 -> ana",
        "ticket 31 -> ben",
        "ticket 32 -> ana",
    ]
    assert sum(line.startswith("repeat delivery ") for line in lines) == 3
    assert sum(line.startswith("refused (401)") for line in lines) == 3
    assert (
        "received 9: applied 3, repeat deliveries 3, refused for the signature 3, "
        "not a ticket-assigned event 0"
    ) in tail.decode()
