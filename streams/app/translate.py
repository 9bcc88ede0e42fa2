"""Wire events -> decision-core calls, and core outcomes -> output events.

Pure functions (no Faust, no I/O), so the routing processor stays thin and testable.
The clock of each call is the event's own time (``occurred_at``, or ``tick_at`` for a
tick), so a redelivered event gives the same decision as the first time.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from typing import Any

from models import (
    AgentStatusChanged,
    Event,
    Explanation,
    RouterEvent,
    RouterEventKind,
    RouterTick,
    TicketAssigned,
    TicketClosed,
    TicketTriaged,
    TicketUpdated,
    TriageSummary,
    derived_event_id,
)
from streams.app.groups import core_of

__all__ = [
    "INPUT_MODELS",
    "agent_update",
    "apply_event",
    "event_time",
    "outputs_of",
    "ticket_request",
]

log = logging.getLogger(__name__)

INPUT_MODELS: dict[str, type[Event]] = {
    "ticket-triaged": TicketTriaged,
    "agent-status": AgentStatusChanged,
    "ticket-closed": TicketClosed,
    "ticket-updated": TicketUpdated,
    "router-ticks": RouterTick,
}
"""Routing processor inputs: topic base name -> model."""

_KINDS = {
    "Queued": RouterEventKind.QUEUED,
    "Relaxed": RouterEventKind.RELAXED,
    "Escalated": RouterEventKind.ESCALATED,
    "Rerouted": RouterEventKind.REROUTED,
    "Rejected": RouterEventKind.REJECTED,
    "SlaWarning": RouterEventKind.SLA_WARNING,
}
_SCALARS = (str, int, float, bool, type(None))
_UNDETERMINED = frozenset({"und", "unknown", "xx"})


def event_time(event: Event) -> float:
    """The clock of an event in epoch seconds (``tick_at`` for ticks)."""
    if isinstance(event, RouterTick):
        return event.tick_at.timestamp()
    return event.occurred_at.timestamp()


def ticket_request(event: TicketTriaged, core: Any = None) -> Any:
    """The core's ``TicketRequest`` of a triaged ticket."""
    ticket_request_type = core_of(core).TicketRequest
    ticket, triage = event.ticket, event.triage
    due = ticket.sla_due_at
    language = triage.language
    if not language or language in _UNDETERMINED:
        # triage could not tell (short text): the customer's language is the best guess
        language = ticket.customer.language or "en"
    return ticket_request_type(
        ticket_id=ticket.ticket_id,
        group=event.tenant,
        arrived_at=ticket.created_at.timestamp(),
        category=None if triage.uncertain else triage.category,
        confidence=triage.confidence,
        language=language,
        priority=triage.priority,
        sla_deadline=due.timestamp() if due is not None else None,
        tier=ticket.customer.tier,
        customer_id=ticket.customer.id,
        effort=triage.effort,
        urgency=triage.urgency,
        tags=tuple(ticket.tags),
    )


def agent_update(event: AgentStatusChanged, core: Any = None) -> Any:
    """The core's ``AgentUpdate`` of an agent-status event."""
    extra: dict[str, Any] = {}
    if event.languages:  # none listed: the core's default (English)
        extra["languages"] = frozenset(event.languages)
    return core_of(core).AgentUpdate(
        agent_id=event.agent_id,
        status=event.status,
        capacity=event.capacity,
        skills=dict(event.skills),
        automated=event.automated,
        version=event.version,
        **extra,
    )


def apply_event(group: Any, event: Event, now: float, core: Any = None) -> list[Any]:
    """Call the group's method for ``event``; its outcomes."""
    if isinstance(event, TicketTriaged):
        return list(group.ticket_arrived(ticket_request(event, core), now))
    if isinstance(event, AgentStatusChanged):
        return list(group.agent_status(agent_update(event, core), now))
    if isinstance(event, TicketClosed):
        return list(
            group.ticket_closed(
                event.ticket_id,
                now,
                resolved_by=event.resolved_by,
                final_category=event.final_category,
            )
        )
    if isinstance(event, RouterTick):
        return list(group.tick(now))
    if isinstance(event, TicketUpdated):
        change = event.change
        if change.kind == "reopened":
            return list(group.ticket_reopened(event.ticket_id, now))
        if change.kind == "reassigned":
            return list(group.ticket_reassigned(event.ticket_id, change.agent_id, now))
        method = getattr(group, f"ticket_{change.kind}", None)
        if method is not None:  # newer cores may support more kinds
            return list(method(event.ticket_id, change, now))
        return []
    raise TypeError(f"no routing call for {type(event).__name__}")


def _details(outcome: Any, skip: set[str]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if not dataclasses.is_dataclass(outcome):
        return details
    for field in dataclasses.fields(outcome):
        if field.name in skip or len(details) >= 60:
            continue
        value = getattr(outcome, field.name)
        if isinstance(value, _SCALARS):
            details[field.name[:64]] = value[:500] if isinstance(value, str) else value
        elif isinstance(value, list | tuple | frozenset | set) and all(
            isinstance(v, _SCALARS) for v in value
        ):
            details[field.name[:64]] = [v[:500] if isinstance(v, str) else v for v in value]
        elif hasattr(value, "value") and isinstance(value.value, str):
            details[field.name[:64]] = value.value
    return details


def _explanation(outcome: Any) -> Explanation:
    raw = getattr(outcome, "explanation", None)
    data = raw.to_dict() if hasattr(raw, "to_dict") else dict(raw or {})
    try:
        return Explanation.model_validate(data)
    except ValueError as exc:
        log.warning("explanation did not fit the contract (%s); sending its reasons only", exc)
        reasons = tuple(str(r)[:200] for r in data.get("reasons", ()) or ())
        return Explanation(reasons=reasons)


def outputs_of(
    tenant: str,
    outcomes: list[Any],
    now: float,
    source: Event,
) -> list[tuple[str, Event]]:
    """``(topic base name, event)`` for each outcome that leaves the worker."""
    at = datetime.fromtimestamp(now, UTC)
    triage = source.triage if isinstance(source, TicketTriaged) else None
    out: list[tuple[str, Event]] = []
    for index, outcome in enumerate(outcomes):
        name = type(outcome).__name__
        if name == "Assigned":
            summary = None
            if triage is not None and source.ticket.ticket_id == outcome.ticket_id:  # type: ignore[attr-defined]
                summary = TriageSummary.of(triage)
            out.append(
                (
                    "ticket-assigned",
                    TicketAssigned(
                        tenant=tenant,
                        occurred_at=at,
                        event_id=derived_event_id("ticket-assigned", tenant, outcome.assignment_id),
                        assignment_id=outcome.assignment_id,
                        ticket_id=outcome.ticket_id,
                        agent_id=outcome.agent_id,
                        automated=bool(getattr(outcome, "automated", False)),
                        policy=str(outcome.policy)[:64],
                        step=str(getattr(outcome, "step", "strict") or "strict")[:64],
                        attempt=int(getattr(outcome, "attempt", 1) or 1),
                        explanation=_explanation(outcome),
                        triage=summary,
                        waited_ms=max(0, int(float(getattr(outcome, "waited_s", 0.0)) * 1000)),
                    ),
                )
            )
        elif name in _KINDS:
            out.append(
                (
                    "router-events",
                    RouterEvent(
                        tenant=tenant,
                        occurred_at=at,
                        event_id=derived_event_id("router-event", source.event_id, str(index)),
                        kind=_KINDS[name],
                        ticket_id=getattr(outcome, "ticket_id", None),
                        agent_id=getattr(outcome, "agent_id", None),
                        reason=(str(getattr(outcome, "reason", "") or "")[:500] or None),
                        details=_details(outcome, {"ticket_id", "agent_id", "reason"}),
                    ),
                )
            )
    return out
