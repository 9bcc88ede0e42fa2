"""The requests each target makes, the webhook signature and what a status means."""

from __future__ import annotations

import base64
import hashlib
import hmac

import orjson
import pytest

from streams.connectors.targets import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    FreshdeskTarget,
    Outcome,
    PermanentError,
    WebhookTarget,
    ZendeskTarget,
    check_url,
    classify,
    sign,
    verify_signature,
)
from tests.unit.connectors.helpers import assigned, raw

SECRET = b"0123456789abcdef-secret"


def test_webhook_posts_the_event_bytes_signed_over_timestamp_and_body() -> None:
    event = assigned()
    body = raw(event)
    request = WebhookTarget("https://hooks.example.com/tr", SECRET, lambda: 1764581400.7).request(
        event, body
    )
    assert (request.method, request.url, request.body) == (
        "POST",
        "https://hooks.example.com/tr",
        body,
    )
    headers = request.headers
    assert headers[TIMESTAMP_HEADER] == "1764581400"
    expected = hmac.new(SECRET, b"1764581400." + body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == "sha256=" + expected
    assert headers["X-Ticket-Router-Delivery"] == event.assignment_id
    assert headers["Content-Type"] == "application/json"


def test_verify_signature_accepts_ours_and_refuses_tampered_foreign_or_stale() -> None:
    body = b'{"ticket_id":"123"}'
    good = sign(SECRET, 1000, body)
    assert verify_signature(SECRET, body, "1000", good, now=1100)
    assert not verify_signature(SECRET, body + b" ", "1000", good, now=1100)  # body changed
    assert not verify_signature(b"another-secret-of-16", body, "1000", good, now=1100)
    assert not verify_signature(SECRET, body, "1001", good, now=1100)  # timestamp changed
    assert not verify_signature(SECRET, body, "1000", good, now=1000 + 301)  # replayed late
    assert not verify_signature(SECRET, body, "soon", good, now=1000)


def test_webhook_needs_a_long_secret() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        WebhookTarget("https://hooks.example.com", b"short", lambda: 0.0)


def test_zendesk_sets_the_assignee_with_token_authentication() -> None:
    target = ZendeskTarget("https://acme.zendesk.com/", "ops@acme.test", "tok", {"ana": 381})
    request = target.request(assigned("4711"), b"")
    assert request.method == "PUT"
    assert request.url == "https://acme.zendesk.com/api/v2/tickets/4711.json"
    assert orjson.loads(request.body) == {"ticket": {"assignee_id": 381}}
    auth = request.headers["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(auth) == b"ops@acme.test/token:tok"


def test_freshdesk_sets_the_responder_with_api_key_authentication() -> None:
    target = FreshdeskTarget("https://acme.freshdesk.com", "key", {"ben": 77}, "fd-")
    request = target.request(assigned("fd-12", agent="ben"), b"")
    assert (request.method, request.url) == ("PUT", "https://acme.freshdesk.com/api/v2/tickets/12")
    assert orjson.loads(request.body) == {"responder_id": 77}
    assert base64.b64decode(request.headers["Authorization"][6:]) == b"key:X"


@pytest.mark.parametrize(
    ("ticket", "agent", "message"),
    [
        ("123", "carl", "agent 'carl' has no zendesk user id in the agent map"),
        ("ZD-9", "ana", "ticket id 'ZD-9' is not a zendesk ticket number"),
        ("12 3", "ana", "is not a zendesk ticket number"),
    ],
)
def test_what_the_helpdesk_cannot_have_is_a_permanent_error(
    ticket: str, agent: str, message: str
) -> None:
    target = ZendeskTarget("https://acme.zendesk.com", "ops@acme.test", "tok", {"ana": 381})
    with pytest.raises(PermanentError, match=message):
        target.request(assigned(ticket, agent), b"")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://acme.zendesk.com", "plain http"),
        ("ftp://acme.zendesk.com", "http\\(s\\) URL"),
        ("https://", "http\\(s\\) URL"),
    ],
)
def test_urls_must_be_https_except_on_loopback(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_url(url, "zendesk URL")
    assert check_url("http://127.0.0.1:8080/hook/", "webhook URL") == "http://127.0.0.1:8080/hook"
    assert check_url("http://localhost/x", "webhook URL") == "http://localhost/x"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.APPLIED),
        (204, Outcome.APPLIED),
        (400, Outcome.REJECTED),
        (401, Outcome.REJECTED),
        (404, Outcome.REJECTED),
        (422, Outcome.REJECTED),
        (408, Outcome.RETRY),
        (409, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (302, Outcome.REJECTED),
    ],
)
def test_status_codes(status: int, outcome: Outcome) -> None:
    assert classify(status) is outcome
