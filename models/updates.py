"""``TicketUpdated``: a change to an open ticket, told apart by ``change.kind``.

Kinds: ``reopened``, ``reassigned`` (by a human in the helpdesk), ``priority_changed``,
``tier_changed`` and ``customer_replied``. Consumers that meet a kind they do not know
reject the event (dead-letter): adding a kind is a minor version bump that consumers
must be upgraded for before producers send it.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from models.enums import CustomerTier, HelpdeskPriority
from models.envelope import Event, Payload
from models.fields import AgentId, TicketId

__all__ = [
    "CustomerReplied",
    "PriorityChanged",
    "Reassigned",
    "Reopened",
    "TicketChange",
    "TicketUpdated",
    "TierChanged",
]


class Reopened(Payload):
    """A closed ticket was reopened; it needs routing again."""

    kind: Literal["reopened"] = "reopened"


class Reassigned(Payload):
    """A human moved the ticket to another agent in the helpdesk; the router must follow."""

    kind: Literal["reassigned"] = "reassigned"
    agent_id: AgentId
    by: AgentId | None = Field(default=None, description="Who reassigned it, if known.")


class PriorityChanged(Payload):
    """The helpdesk priority changed."""

    kind: Literal["priority_changed"] = "priority_changed"
    helpdesk_priority: HelpdeskPriority


class TierChanged(Payload):
    """The customer's tier changed (e.g. upgraded to enterprise)."""

    kind: Literal["tier_changed"] = "tier_changed"
    tier: CustomerTier


class CustomerReplied(Payload):
    """The customer added a message to the ticket (its text is not carried)."""

    kind: Literal["customer_replied"] = "customer_replied"


TicketChange = Annotated[
    Reopened | Reassigned | PriorityChanged | TierChanged | CustomerReplied,
    Field(discriminator="kind"),
]


class TicketUpdated(Event):
    """An open (or closed, for ``reopened``) ticket changed (topic ``ticket-updated``)."""

    event_type: ClassVar[str] = "ticket-updated"

    ticket_id: TicketId
    change: TicketChange

    @property
    def kind(self) -> str:
        """Shortcut for ``change.kind``."""
        return self.change.kind
