"""Events for the connector tests."""

from __future__ import annotations

from datetime import UTC, datetime

from models import TicketAssigned, encode
from models.ids import assignment_id


def assigned(ticket: str = "123", agent: str = "ana", attempt: int = 1) -> TicketAssigned:
    """A ``ticket-assigned`` event of tenant ``acme``."""
    return TicketAssigned(
        tenant="acme",
        occurred_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        ticket_id=ticket,
        agent_id=agent,
        attempt=attempt,
        assignment_id=assignment_id("acme", ticket, agent, attempt),
        policy="balanced",
        waited_ms=1200,
    )


def raw(event: TicketAssigned) -> bytes:
    """The event's bytes as on the topic."""
    return encode(event)
