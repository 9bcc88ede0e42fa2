"""The assignment registry: which agent has which ticket, since when, at which step.

A ticket is exactly one of *pending* (in the queue), *assigned* (a record with state
``assigned``) or *closed* (a record with state ``closed``, kept for ``reopen_window``
and to recognise late or redelivered events). A close that arrives before its ticket
leaves a closed record without a request, so the late ticket is not routed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from router.requests import TicketRequest

__all__ = ["Assignment"]


@dataclass(slots=True)
class Assignment:
    """One ticket's current or last assignment."""

    ticket_id: str
    agent_id: str | None
    assigned_at: float | None
    step: str
    attempt: int
    request: TicketRequest | None
    state: Literal["assigned", "closed"] = "assigned"
    started_at: float | None = None
    closed_at: float | None = None
    reassignments: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain form for the state tables."""
        return {
            "agent_id": self.agent_id,
            "assigned_at": self.assigned_at,
            "step": self.step,
            "attempt": self.attempt,
            "request": None if self.request is None else self.request.to_dict(),
            "state": self.state,
            "started_at": self.started_at,
            "closed_at": self.closed_at,
            "reassignments": self.reassignments,
        }

    @classmethod
    def from_dict(cls, ticket_id: str, data: Mapping[str, Any]) -> Assignment:
        """Inverse of :meth:`to_dict`."""
        request = data.get("request")
        state: Literal["assigned", "closed"] = (
            "closed" if data.get("state") == "closed" else "assigned"
        )
        return cls(
            ticket_id=ticket_id,
            agent_id=data.get("agent_id"),
            assigned_at=data.get("assigned_at"),
            step=str(data.get("step", "strict")),
            attempt=int(data.get("attempt", 1)),
            request=None if request is None else TicketRequest.from_dict(request),
            state=state,
            started_at=data.get("started_at"),
            closed_at=data.get("closed_at"),
            reassignments=int(data.get("reassignments", 0)),
        )
