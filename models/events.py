"""The list of every event type, by its ``event_type`` name."""

from __future__ import annotations

from models.agents import AgentStatusChanged
from models.envelope import Event
from models.outputs import DeadLetter, RouterEvent, TicketAssigned
from models.tickets import TicketClosed, TicketCreated
from models.ticks import RouterTick
from models.triage import TicketTriaged
from models.updates import TicketUpdated

__all__ = ["EVENT_MODELS", "event_model"]

EVENT_MODELS: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        TicketCreated,
        TicketUpdated,
        TicketClosed,
        AgentStatusChanged,
        TicketTriaged,
        RouterTick,
        TicketAssigned,
        RouterEvent,
        DeadLetter,
    )
}
"""``event_type`` -> model class, in topic-catalogue order."""


def event_model(event_type: str) -> type[Event]:
    """The model class for an ``event_type`` name; ``KeyError`` lists the known ones."""
    try:
        return EVENT_MODELS[event_type]
    except KeyError:
        known = ", ".join(EVENT_MODELS)
        raise KeyError(f"unknown event type {event_type!r}; known: {known}") from None
