"""The pending queue: tickets no agent could take yet, ordered by priority class, then
SLA deadline, then arrival (then ticket id, so the order is total). With the group's
``shortest_first`` the expected handling time comes right after the priority class.

Tickets sit in *buckets* by what they need (skill, language, required level, or the
adjacent / generalist / anyone pools), each a sorted list, so an agent that frees up
looks only at the heads of the buckets it can serve instead of scanning the queue.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from router.requests import TicketRequest

__all__ = ["Bucket", "OrderKey", "PendingQueue", "PendingTicket"]

OrderKey = tuple[int, float, float, float, str]
Bucket = tuple[str, ...]

_NO_DEADLINE = float("inf")


@dataclass(slots=True)
class PendingTicket:
    """A waiting ticket and where it stands: relaxation step, flags, next attempt."""

    request: TicketRequest
    queued_at: float
    attempt: int = 1
    step: int = 0
    priority: int = 0
    held: bool = False
    warned: bool = False
    breached: bool = False
    escalated: bool = False
    previous_agent_id: str | None = None
    expected_s: float = 0.0
    """Expected handling seconds when first queued (shortest-first order; 0: unused)."""
    needs_cache: tuple[int, bool, TicketRequest, Any] | None = None
    """(step, held, request, needs) of the last needs computed (not stored)."""

    def __post_init__(self) -> None:
        if self.priority == 0:
            self.priority = self.request.priority

    @property
    def ticket_id(self) -> str:
        """The ticket's id."""
        return self.request.ticket_id

    @property
    def arrived_at(self) -> float:
        """When the ticket first arrived."""
        return self.request.arrived_at

    @property
    def key(self) -> OrderKey:
        """Queue order: priority class, expected handling (if used), SLA deadline, arrival, id."""
        deadline = self.request.sla_deadline
        return (
            self.priority,
            self.expected_s,
            _NO_DEADLINE if deadline is None else deadline,
            self.request.arrived_at,
            self.request.ticket_id,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain form for the state tables."""
        return {
            "request": self.request.to_dict(),
            "queued_at": self.queued_at,
            "attempt": self.attempt,
            "step": self.step,
            "priority": self.priority,
            "held": self.held,
            "warned": self.warned,
            "breached": self.breached,
            "escalated": self.escalated,
            "previous_agent_id": self.previous_agent_id,
            "expected_s": self.expected_s,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingTicket:
        """Inverse of :meth:`to_dict`."""
        return cls(
            request=TicketRequest.from_dict(data["request"]),
            queued_at=float(data["queued_at"]),
            attempt=int(data.get("attempt", 1)),
            step=int(data.get("step", 0)),
            priority=int(data.get("priority", 0)),
            held=bool(data.get("held", False)),
            warned=bool(data.get("warned", False)),
            breached=bool(data.get("breached", False)),
            escalated=bool(data.get("escalated", False)),
            previous_agent_id=data.get("previous_agent_id"),
            expected_s=float(data.get("expected_s", 0.0)),
        )


class PendingQueue:
    """Waiting tickets by id, each filed in one bucket in queue order."""

    def __init__(self) -> None:
        self.tickets: dict[str, PendingTicket] = {}
        self._buckets: dict[Bucket, list[OrderKey]] = {}
        self._where: dict[str, tuple[Bucket, OrderKey]] = {}

    def __len__(self) -> int:
        return len(self.tickets)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self.tickets

    def get(self, ticket_id: str) -> PendingTicket | None:
        """The waiting ticket, if any."""
        return self.tickets.get(ticket_id)

    def add(self, ticket: PendingTicket, bucket: Bucket) -> None:
        """File ``ticket`` (or re-file it after its bucket or priority changed)."""
        self.remove(ticket.ticket_id)
        key = ticket.key
        self.tickets[ticket.ticket_id] = ticket
        self._where[ticket.ticket_id] = (bucket, key)
        bisect.insort(self._buckets.setdefault(bucket, []), key)

    def remove(self, ticket_id: str) -> PendingTicket | None:
        """Take a ticket out of the queue."""
        ticket = self.tickets.pop(ticket_id, None)
        if ticket is None:
            return None
        bucket, key = self._where.pop(ticket_id)
        keys = self._buckets[bucket]
        index = bisect.bisect_left(keys, key)
        del keys[index]
        if not keys:
            del self._buckets[bucket]
        return ticket

    def bucket(self, bucket: Bucket) -> list[OrderKey]:
        """The sorted keys of one bucket (empty if none); do not modify."""
        return self._buckets.get(bucket, [])

    def ordered(self) -> Iterator[PendingTicket]:
        """Every waiting ticket in queue order (sorts: for views and tests)."""
        for key in sorted(t.key for t in self.tickets.values()):
            yield self.tickets[key[-1]]

    def counts_by_priority(self) -> dict[int, int]:
        """Waiting tickets per priority class."""
        counts = {1: 0, 2: 0, 3: 0, 4: 0}
        for ticket in self.tickets.values():
            counts[ticket.priority] = counts.get(ticket.priority, 0) + 1
        return counts
