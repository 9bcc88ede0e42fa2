"""A webhook receiver that checks what ``connect webhook`` sends (``ticket-router webhook-listen``).

It plays the helpdesk's end of the signed webhook: every request's signature and
timestamp are verified (:func:`~streams.connectors.targets.verify_signature`), the body
must be a valid ``ticket-assigned`` event, and a delivery id already seen is answered
200 without being applied again - what a real receiver should do, in a few lines. Use it
to try a connector before writing your own endpoint, and as the demo's helpdesk.

Answers: 204 applied, 200 repeat delivery, 401 missing / bad / stale signature (the
connector dead-letters it), 400 not a ticket-assigned event (dead-lettered too). Ticket
text never reaches it: the event carries ids, the policy and the triage summary only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from models import InvalidEvent, TicketAssigned, decode
from streams.connectors.runner import RecentIds
from streams.connectors.targets import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    check_secret,
    verify_signature,
)

__all__ = ["ListenerReport", "WebhookListener"]

_REMEMBERED = 100_000  # delivery ids kept for de-duplication


@dataclass
class ListenerReport:
    """What the listener has answered so far."""

    received: int = 0
    applied: int = 0
    repeats: int = 0
    bad_signature: int = 0
    invalid: int = 0

    def line(self) -> str:
        """One line for the terminal."""
        return (
            f"received {self.received}: applied {self.applied}, repeat deliveries "
            f"{self.repeats}, refused for the signature {self.bad_signature}, "
            f"not a ticket-assigned event {self.invalid}"
        )


class WebhookListener:
    """Verifies and records signed ``ticket-assigned`` webhooks.

    ``on_line`` gets one line per request (the ticket, the agent, the delay since the
    router's decision, or why it was refused); ``clock`` is the wall clock the
    signature's timestamp is checked against.
    """

    def __init__(
        self,
        secret: bytes,
        *,
        on_line: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
        tolerance_s: float = 300.0,
    ) -> None:
        self.secret = check_secret(secret)
        self.report = ListenerReport()
        self._on_line = on_line
        self._clock = clock
        self._tolerance_s = tolerance_s
        self._seen = RecentIds(_REMEMBERED)

    def app(self, path: str = "/") -> web.Application:
        """An aiohttp application answering POST ``path``."""
        application = web.Application()
        application.router.add_post(path, self.handle)
        return application

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one webhook request."""
        body = await request.read()
        self.report.received += 1
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        now = self._clock()
        if not (timestamp and signature):
            return self._refuse_signature(f"no {TIMESTAMP_HEADER} / {SIGNATURE_HEADER} header")
        if not verify_signature(
            self.secret, body, timestamp, signature, now=now, tolerance_s=self._tolerance_s
        ):
            return self._refuse_signature("signature does not match, or timestamp too old")
        try:
            event = decode(TicketAssigned, body)
        except InvalidEvent as exc:
            self.report.invalid += 1
            self._say(f"refused (400): {exc}")
            return web.json_response({"error": str(exc)}, status=400)
        delivery = request.headers.get(DELIVERY_HEADER) or event.assignment_id
        if delivery in self._seen:
            self.report.repeats += 1
            self._say(f"repeat delivery {delivery} (ticket {event.ticket_id}): not applied again")
            return web.Response(status=200, text="already applied")
        self._seen.add(delivery)
        self.report.applied += 1
        delay = max(0.0, now - event.occurred_at.timestamp())
        self._say(
            f"ticket {event.ticket_id} -> {event.agent_id} (group {event.tenant}, "
            f"{event.policy}/{event.step}, attempt {event.attempt}, "
            f"{delay:.2f} s after the decision)"
        )
        return web.Response(status=204)

    def _refuse_signature(self, why: str) -> web.Response:
        self.report.bad_signature += 1
        self._say(f"refused (401): {why}")
        return web.json_response({"error": why}, status=401)

    def _say(self, line: str) -> None:
        if self._on_line is not None:
            self._on_line(line)
