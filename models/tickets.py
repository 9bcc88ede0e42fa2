"""Ticket lifecycle events from the helpdesk: created and closed.

Size bounds: ``subject`` is cut to :data:`MAX_SUBJECT_CHARS` and ``body`` to
:data:`MAX_BODY_CHARS` characters with ``truncated = true`` rather than rejected, so a
huge e-mail is still routed (triage only needs the beginning). Messages larger than
``MAX_MESSAGE_BYTES`` are rejected by the codec before parsing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints, model_validator

from models.enums import Channel, CustomerTier, HelpdeskPriority, Resolution
from models.envelope import Event, Payload
from models.fields import AgentId, CategoryName, LanguageCode, Tag, TicketId, UtcDatetime

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_SUBJECT_CHARS",
    "MAX_TAGS",
    "Customer",
    "SlaPolicy",
    "TicketClosed",
    "TicketCreated",
]

MAX_SUBJECT_CHARS = 1_000
MAX_BODY_CHARS = 100_000
MAX_TAGS = 50


class Customer(Payload):
    """Who opened the ticket."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    tier: CustomerTier = CustomerTier.STANDARD
    language: LanguageCode | None = Field(
        default=None, description="Preferred language if the helpdesk knows it."
    )


class SlaPolicy(Payload):
    """The service-level target the helpdesk applies to this ticket."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    first_response_seconds: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        default=None, description="Target time to first response, from created_at."
    )
    due_at: UtcDatetime | None = Field(
        default=None, description="Absolute first-response deadline if the helpdesk set one."
    )


class TicketCreated(Event):
    """A new ticket arrived at the helpdesk (topic ``ticket-created``)."""

    event_type: ClassVar[str] = "ticket-created"

    ticket_id: TicketId
    channel: Channel
    subject: str = Field(
        default="", description=f"Cut to {MAX_SUBJECT_CHARS} chars (truncated=true) if longer."
    )
    body: str = Field(
        default="", description=f"Cut to {MAX_BODY_CHARS} chars (truncated=true) if longer."
    )
    truncated: bool = Field(
        default=False, description="True when subject or body were cut to their bounds."
    )
    customer: Customer
    sla: SlaPolicy | None = None
    helpdesk_priority: HelpdeskPriority = HelpdeskPriority.NORMAL
    tags: tuple[Tag, ...] = Field(default=(), max_length=MAX_TAGS)
    created_at: UtcDatetime

    @property
    def sla_due_at(self) -> datetime | None:
        """First-response deadline: ``sla.due_at``, else created_at + first_response_seconds."""
        if self.sla is None:
            return None
        if self.sla.due_at is not None:
            return self.sla.due_at
        if self.sla.first_response_seconds is not None:
            return self.created_at + timedelta(seconds=self.sla.first_response_seconds)
        return None

    @model_validator(mode="after")
    def _truncate_text(self) -> TicketCreated:
        # Runs inside validation of a frozen model, hence object.__setattr__.
        for name, bound in (("subject", MAX_SUBJECT_CHARS), ("body", MAX_BODY_CHARS)):
            text: str = getattr(self, name)
            if len(text) > bound:
                object.__setattr__(self, name, text[:bound])
                object.__setattr__(self, "truncated", True)
        return self


class TicketClosed(Event):
    """The helpdesk closed a ticket (topic ``ticket-closed``)."""

    event_type: ClassVar[str] = "ticket-closed"

    ticket_id: TicketId
    resolved_by: AgentId | None = Field(
        default=None, description="Agent who resolved it (None if closed by automation)."
    )
    resolution: Resolution = Resolution.SOLVED
    closed_at: UtcDatetime
    final_category: CategoryName | None = Field(
        default=None, description="Category after the helpdesk relabelled the ticket, if it did."
    )
