"""``WebhookListener``: the receiver ``ticket-router webhook-listen`` runs, against the
requests ``WebhookTarget`` builds (signed bodies, delivery ids) through aiohttp's test
client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from streams.connectors.listener import WebhookListener
from streams.connectors.targets import SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookTarget
from tests.unit.connectors.helpers import assigned, raw

SECRET = b"listener-secret-0123456789"
NOW = assigned().occurred_at.timestamp() + 2.5  # 2.5 s after the decision


@pytest.fixture
async def served() -> AsyncIterator[tuple[TestClient, WebhookListener, list[str]]]:
    lines: list[str] = []
    listener = WebhookListener(SECRET, on_line=lines.append, clock=lambda: NOW)
    client = TestClient(TestServer(listener.app("/hook")))
    await client.start_server()
    try:
        yield client, listener, lines
    finally:
        await client.close()


def _signed(*, secret: bytes = SECRET, at: float = NOW) -> tuple[bytes, dict[str, str]]:
    event = assigned()
    delivery = WebhookTarget("http://127.0.0.1/hook", secret, lambda: at).request(event, raw(event))
    return delivery.body, dict(delivery.headers)


async def test_a_signed_assignment_is_applied_once_and_a_repeat_is_answered_200(
    served: tuple[TestClient, WebhookListener, list[str]],
) -> None:
    client, listener, lines = served
    body, headers = _signed()
    first = await client.post("/hook", data=body, headers=headers)
    again = await client.post("/hook", data=body, headers=headers)
    assert (first.status, again.status) == (204, 200)
    assert (listener.report.applied, listener.report.repeats) == (1, 1)
    assert lines[0] == (
        "ticket 123 -> ana (group acme, balanced/strict, attempt 1, 2.50 s after the decision)"
    )
    assert lines[1].startswith("repeat delivery ")
    assert lines[1].endswith("(ticket 123): not applied again")


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "changed body", "stale timestamp", "no signature header", "no timestamp"],
)
async def test_a_request_that_is_not_ours_or_not_fresh_is_refused_401(
    served: tuple[TestClient, WebhookListener, list[str]], tamper: str
) -> None:
    client, listener, lines = served
    body, headers = _signed(
        secret=b"another-secret-0123456789" if tamper == "wrong secret" else SECRET,
        at=NOW - 301 if tamper == "stale timestamp" else NOW,
    )
    if tamper == "changed body":
        body = body.replace(b'"ana"', b'"eve"')
    if tamper == "no signature header":
        del headers[SIGNATURE_HEADER]
    if tamper == "no timestamp":
        del headers[TIMESTAMP_HEADER]
    response = await client.post("/hook", data=body, headers=headers)
    assert response.status == 401
    assert (listener.report.applied, listener.report.bad_signature) == (0, 1)
    assert lines[0].startswith("refused (401): ")


async def test_a_signed_body_that_is_not_an_assignment_is_refused_400(
    served: tuple[TestClient, WebhookListener, list[str]],
) -> None:
    client, listener, lines = served
    target = WebhookTarget("http://127.0.0.1/hook", SECRET, lambda: NOW)
    delivery = target.request(assigned(), b'{"ticket_id": "123"}')
    response = await client.post("/hook", data=delivery.body, headers=dict(delivery.headers))
    assert response.status == 400
    assert "ticket-assigned" in (await response.json())["error"]
    assert (listener.report.applied, listener.report.invalid) == (0, 1)
    assert lines[0].startswith("refused (400): ")


async def test_only_the_configured_path_answers(
    served: tuple[TestClient, WebhookListener, list[str]],
) -> None:
    client, listener, _ = served
    body, headers = _signed()
    response = await client.post("/other", data=body, headers=headers)
    assert response.status == 404
    assert listener.report.received == 0


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        WebhookListener(b"short")
