"""What the decision core is told: a triaged ticket and an agent's state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.enums import AgentStatus, CustomerTier, Proficiency

__all__ = ["AgentUpdate", "TicketRequest"]


@dataclass(frozen=True, slots=True)
class TicketRequest:
    """A ticket ready to route: triage has named its category, language and priority.

    ``category`` is ``None`` when triage was uncertain (the ticket goes to the
    generalist pool). ``priority`` runs from 1 (highest) to 4. Times are epoch seconds.
    """

    ticket_id: str
    group: str
    arrived_at: float
    category: str | None = None
    confidence: float = 1.0
    language: str = "en"
    priority: int = 3
    sla_deadline: float | None = None
    tier: CustomerTier = CustomerTier.STANDARD
    customer_id: str | None = None
    effort: float = 1.0
    urgency: float = 0.0
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.priority <= 4:
            raise ValueError(f"priority must be 1..4, got {self.priority}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (for the state tables)."""
        return {
            "ticket_id": self.ticket_id,
            "group": self.group,
            "arrived_at": self.arrived_at,
            "category": self.category,
            "confidence": self.confidence,
            "language": self.language,
            "priority": self.priority,
            "sla_deadline": self.sla_deadline,
            "tier": self.tier.value,
            "customer_id": self.customer_id,
            "effort": self.effort,
            "urgency": self.urgency,
            "tags": list(self.tags),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketRequest:
        """Inverse of :meth:`to_dict`."""
        return cls(
            ticket_id=str(data["ticket_id"]),
            group=str(data["group"]),
            arrived_at=float(data["arrived_at"]),
            category=data.get("category"),
            confidence=float(data.get("confidence", 1.0)),
            language=str(data.get("language", "en")),
            priority=int(data.get("priority", 3)),
            sla_deadline=None if data.get("sla_deadline") is None else float(data["sla_deadline"]),
            tier=CustomerTier(data.get("tier", CustomerTier.STANDARD.value)),
            customer_id=data.get("customer_id"),
            effort=float(data.get("effort", 1.0)),
            urgency=float(data.get("urgency", 0.0)),
            tags=tuple(data.get("tags", ())),
        )


@dataclass(frozen=True, slots=True)
class AgentUpdate:
    """The whole state of one agent as the helpdesk reports it (latest version wins)."""

    agent_id: str
    status: AgentStatus
    capacity: int
    skills: Mapping[str, Proficiency] = field(default_factory=dict)
    languages: frozenset[str] = frozenset({"en"})
    automated: bool = False
    version: int = 0

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"capacity must be >= 0, got {self.capacity}")
