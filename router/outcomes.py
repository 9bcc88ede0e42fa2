"""What a decision-core call produces. Each outcome is a frozen dataclass.

``Assigned`` becomes a ``ticket-assigned`` event; the others become ``router-events``
audit records (``Ignored`` only feeds a metric).
"""

from __future__ import annotations

from dataclasses import dataclass

from router.explain import Explanation

__all__ = [
    "Assigned",
    "Escalated",
    "Ignored",
    "Outcome",
    "Queued",
    "Rejected",
    "Relaxed",
    "Rerouted",
    "SlaWarning",
]


@dataclass(frozen=True, slots=True)
class Assigned:
    """The ticket goes to ``agent_id``; ``attempt`` counts its assignments (1 = first)."""

    ticket_id: str
    agent_id: str
    assignment_id: str
    policy: str
    step: str
    attempt: int
    waited_s: float
    automated: bool
    explanation: Explanation
    previous_agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Queued:
    """No agent can take the ticket now; it waits in the group's pending queue."""

    ticket_id: str
    reason: str
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Relaxed:
    """A waiting ticket's requirements were relaxed to ``step``."""

    ticket_id: str
    step: str
    reason: str


@dataclass(frozen=True, slots=True)
class Escalated:
    """A waiting ticket was escalated (moved to the front, never automated)."""

    ticket_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rerouted:
    """The ticket was taken from ``agent_id`` (``None`` if it was pending).

    For a re-route by the router an ``Assigned`` (next attempt) or ``Queued`` follows;
    for a human reassignment ``to_agent_id`` names the new agent.
    """

    ticket_id: str
    agent_id: str | None
    reason: str
    to_agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """The ticket cannot be routed at all in this group (e.g. no agents configured)."""

    ticket_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SlaWarning:
    """A waiting ticket is near (``breached=False``) or past its SLA deadline."""

    ticket_id: str
    reason: str
    deadline: float
    remaining_s: float
    breached: bool


@dataclass(frozen=True, slots=True)
class Ignored:
    """An event with no effect: duplicate, stale, or about an unknown ticket or agent."""

    ticket_id: str | None
    agent_id: str | None
    reason: str


Outcome = Assigned | Queued | Relaxed | Escalated | Rerouted | Rejected | SlaWarning | Ignored
