"""One realistic example of every event type (docs/examples/*.json, AsyncAPI, tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.agents import AgentStatusChanged
from models.enums import (
    AgentStatus,
    Channel,
    CustomerTier,
    HelpdeskPriority,
    Proficiency,
    Resolution,
    RouterEventKind,
)
from models.envelope import Event
from models.ids import assignment_id
from models.outputs import DeadLetter, Explanation, RouterEvent, TicketAssigned, TriageSummary
from models.tickets import Customer, SlaPolicy, TicketClosed, TicketCreated
from models.ticks import RouterTick
from models.triage import SkillConfidence, TicketTriaged, TriageDetails
from models.updates import Reassigned, TicketUpdated

__all__ = ["examples"]

_T0 = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)


def _at(seconds: int) -> datetime:
    return _T0 + timedelta(seconds=seconds)


def examples() -> dict[str, Event]:
    """``event_type`` -> an example event (fixed ids and times, so output is stable)."""
    created = TicketCreated(
        event_id="0f8e2a7c9b1d4e6f8a0b2c4d6e8f0a1b",
        tenant="acme",
        occurred_at=_at(0),
        ticket_id="ZD-48213",
        channel=Channel.EMAIL,
        subject="Charged twice for my March invoice",
        body="Hello, my card was charged twice for invoice INV-2231. Please refund one.",
        customer=Customer(id="cust-7781", tier=CustomerTier.ENTERPRISE, language="en"),
        sla=SlaPolicy(name="enterprise-1h", first_response_seconds=3600),
        helpdesk_priority=HelpdeskPriority.HIGH,
        tags=("billing", "refund"),
        created_at=_at(0),
    )
    details = TriageDetails(
        category="billing",
        confidence=0.91,
        uncertain=False,
        skills=(
            SkillConfidence(skill="billing", confidence=0.91),
            SkillConfidence(skill="payments", confidence=0.06),
        ),
        urgency=0.4,
        sentiment=-0.3,
        language="en",
        priority=2,
        priority_points=3.4,
        priority_components={"tier": 1.5, "helpdesk": 1.0, "urgency": 1.2, "sentiment": -0.3},
        effort=1.0,
        reasons=("keyword:refund",),
        model_version=1,
    )
    agent = "agent-042"
    return {
        "ticket-created": created,
        "ticket-updated": TicketUpdated(
            event_id="1a2b3c4d5e6f708192a3b4c5d6e7f809",
            tenant="acme",
            occurred_at=_at(600),
            ticket_id="ZD-48213",
            change=Reassigned(agent_id="agent-017", by="supervisor-3"),
        ),
        "ticket-closed": TicketClosed(
            event_id="2b3c4d5e6f708192a3b4c5d6e7f8091a",
            tenant="acme",
            occurred_at=_at(2400),
            ticket_id="ZD-48213",
            resolved_by="agent-017",
            resolution=Resolution.SOLVED,
            closed_at=_at(2400),
            final_category="payments",
        ),
        "agent-status": AgentStatusChanged(
            event_id="3c4d5e6f708192a3b4c5d6e7f8091a2b",
            tenant="acme",
            occurred_at=_at(-3600),
            agent_id=agent,
            status=AgentStatus.ONLINE,
            capacity=4,
            skills={"billing": Proficiency.ADVANCED, "payments": Proficiency.INTERMEDIATE},
            languages=("en", "de"),
            automated=False,
            version=17,
        ),
        "ticket-triaged": TicketTriaged(
            event_id="4d5e6f708192a3b4c5d6e7f8091a2b3c",
            tenant="acme",
            occurred_at=_at(1),
            ticket=created,
            triage=details,
        ),
        "router-tick": RouterTick(
            event_id="5e6f708192a3b4c5d6e7f8091a2b3c4d",
            tenant="acme",
            occurred_at=_at(5),
            tick_at=_at(5),
        ),
        "ticket-assigned": TicketAssigned(
            event_id="6f708192a3b4c5d6e7f8091a2b3c4d5e",
            tenant="acme",
            occurred_at=_at(2),
            assignment_id=assignment_id("acme", "ZD-48213", agent, 1),
            ticket_id="ZD-48213",
            agent_id=agent,
            policy="balanced",
            step="strict",
            attempt=1,
            explanation=Explanation(
                candidates=(agent, "agent-017", "agent-101"),
                excluded={"agent-101": "language"},
                score={"skill": 1.0, "headroom": 0.75, "total": 1.75},
                reasons=("best skill match with free capacity",),
            ),
            triage=TriageSummary.of(details),
            waited_ms=1850,
        ),
        "router-event": RouterEvent(
            event_id="708192a3b4c5d6e7f8091a2b3c4d5e6f",
            tenant="acme",
            occurred_at=_at(2),
            kind=RouterEventKind.QUEUED,
            ticket_id="ZD-48213",
            reason="no eligible agent with free capacity",
            details={"pending": 3, "step": "strict"},
        ),
        "dead-letter": DeadLetter.for_message(
            value=b'{"tenant": "acme", "ticket_id": 42',
            key=b"acme",
            topic="ticket-created",
            partition=3,
            offset=1187,
            error="ticket-created: not valid JSON: EOF while parsing an object",
            error_class="MalformedJson",
            occurred_at=_at(3),
        ).model_copy(update={"event_id": "8192a3b4c5d6e7f8091a2b3c4d5e6f70"}),
    }
