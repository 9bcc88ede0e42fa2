"""Where an assignment goes: a signed webhook, Zendesk or Freshdesk.

A target turns one ``ticket-assigned`` event into one HTTP request (:class:`Delivery`)
and says what a response means (:func:`classify`). It does no I/O itself, so the
requests are checked without a network. A problem that no retry can fix (an agent
missing from the agent map, a ticket id the helpdesk cannot have) raises
:class:`PermanentError`; the runner dead-letters that event and goes on.

Webhook signature (verify it with :func:`verify_signature`)::

    X-Ticket-Router-Timestamp: 1764560000
    X-Ticket-Router-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

The body is the event exactly as it is on the topic (JSON); the delivery id header is
the event's deterministic ``assignment_id``, so a receiver applies each one once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

import orjson

from models import TicketAssigned

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Delivery",
    "FreshdeskTarget",
    "Outcome",
    "PermanentError",
    "Target",
    "WebhookTarget",
    "ZendeskTarget",
    "check_secret",
    "check_url",
    "classify",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Ticket-Router-Signature"
TIMESTAMP_HEADER = "X-Ticket-Router-Timestamp"
DELIVERY_HEADER = "X-Ticket-Router-Delivery"
EVENT_HEADER = "X-Ticket-Router-Event"
_USER_AGENT = "ticket-router-connector"
_NUMERIC_ID = re.compile(r"^[0-9]{1,19}$")


class PermanentError(Exception):
    """The event cannot be applied and retrying will not change that."""


class Outcome(Enum):
    """What a response means for the event."""

    APPLIED = "applied"
    RETRY = "retry"  # rate limited, server error, timeout: try again later
    REJECTED = "rejected"  # the helpdesk refused it for good: dead letter


@dataclass(frozen=True, slots=True)
class Delivery:
    """One HTTP request to make."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Target:
    """Base of the targets: a name, the URL requests go to and :meth:`request`."""

    name = "target"
    url = ""

    def request(self, event: TicketAssigned, raw: bytes) -> Delivery:
        """The request that applies ``event`` (``raw``: its bytes on the topic)."""
        raise NotImplementedError


def classify(status: int) -> Outcome:
    """2xx applied; 408, 409, 425, 429 and 5xx are worth retrying; other codes are final.

    409 is retried because Zendesk answers it to concurrent updates of one ticket.
    """
    if 200 <= status < 300:
        return Outcome.APPLIED
    if status in {408, 409, 425, 429} or status >= 500:
        return Outcome.RETRY
    return Outcome.REJECTED


def check_url(url: str, what: str) -> str:
    """``url`` without a trailing slash; https required except on a loopback host."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{what} must be an http(s) URL with a host, got {url!r}")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ValueError(
            f"{what} {url!r} uses plain http: credentials and ticket data would travel "
            "unencrypted; use https (plain http is accepted for 127.0.0.1 / localhost only)"
        )
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_secret(secret: bytes) -> bytes:
    """``secret`` when it is long enough to sign webhooks with (16 bytes or more)."""
    if len(secret) < 16:
        raise ValueError("the webhook secret must be at least 16 bytes long")
    return secret


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    secret: bytes,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    now: float,
    tolerance_s: float = 300.0,
) -> bool:
    """Whether a received webhook is ours and fresh (for receivers; constant time).

    A timestamp more than ``tolerance_s`` from ``now`` fails, so a captured request
    cannot be replayed later.
    """
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


class WebhookTarget(Target):
    """POST the event's JSON to a URL, signed with a shared secret."""

    name = "webhook"

    def __init__(self, url: str, secret: bytes, clock: Callable[[], float]) -> None:
        self.url = check_url(url, "webhook URL")
        self._secret = check_secret(secret)
        self._clock = clock

    def request(self, event: TicketAssigned, raw: bytes) -> Delivery:
        timestamp = int(self._clock())
        return Delivery(
            "POST",
            self.url,
            {
                "Content-Type": "application/json",
                "User-Agent": _USER_AGENT,
                EVENT_HEADER: "ticket-assigned",
                DELIVERY_HEADER: event.assignment_id,
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(self._secret, timestamp, raw),
            },
            raw,
        )


class _HelpdeskTarget(Target):
    """A helpdesk API that sets a ticket's assignee to a numeric user id."""

    helpdesk = "helpdesk"

    def __init__(self, base_url: str, agents: Mapping[str, int], ticket_prefix: str) -> None:
        self.url = check_url(base_url, f"{self.helpdesk} URL")
        self.agents = dict(agents)
        self.ticket_prefix = ticket_prefix

    def ids(self, event: TicketAssigned) -> tuple[str, int]:
        """The helpdesk's ticket id and user id for ``event``."""
        ticket = event.ticket_id
        if self.ticket_prefix and ticket.startswith(self.ticket_prefix):
            ticket = ticket[len(self.ticket_prefix) :]
        if not _NUMERIC_ID.match(ticket):
            removed = f" after removing {self.ticket_prefix!r}" if self.ticket_prefix else ""
            raise PermanentError(
                f"ticket id {event.ticket_id!r} is not a {self.helpdesk} ticket number{removed}"
            )
        user = self.agents.get(event.agent_id)
        if user is None:
            raise PermanentError(
                f"agent {event.agent_id!r} has no {self.helpdesk} user id in the agent map"
            )
        return ticket, user

    def _json(self, method: str, url: str, auth: str, payload: object) -> Delivery:
        return Delivery(
            method,
            url,
            {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": _USER_AGENT,
                "Authorization": "Basic " + base64.b64encode(auth.encode()).decode(),
            },
            orjson.dumps(payload),
        )


class ZendeskTarget(_HelpdeskTarget):
    """``PUT /api/v2/tickets/{id}.json`` with the assignee (API token authentication)."""

    name = helpdesk = "zendesk"

    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str,
        agents: Mapping[str, int],
        ticket_prefix: str = "",
    ) -> None:
        super().__init__(base_url, agents, ticket_prefix)
        if not email or not api_token:
            raise ValueError("Zendesk needs the agent's email and an API token")
        self._auth = f"{email}/token:{api_token}"

    def request(self, event: TicketAssigned, raw: bytes) -> Delivery:
        ticket, user = self.ids(event)
        url = f"{self.url}/api/v2/tickets/{ticket}.json"
        return self._json("PUT", url, self._auth, {"ticket": {"assignee_id": user}})


class FreshdeskTarget(_HelpdeskTarget):
    """``PUT /api/v2/tickets/{id}`` with the responder (API key authentication)."""

    name = helpdesk = "freshdesk"

    def __init__(
        self, base_url: str, api_key: str, agents: Mapping[str, int], ticket_prefix: str = ""
    ) -> None:
        super().__init__(base_url, agents, ticket_prefix)
        if not api_key:
            raise ValueError("Freshdesk needs an API key")
        self._auth = f"{api_key}:X"

    def request(self, event: TicketAssigned, raw: bytes) -> Delivery:
        ticket, user = self.ids(event)
        url = f"{self.url}/api/v2/tickets/{ticket}"
        return self._json("PUT", url, self._auth, {"responder_id": user})
