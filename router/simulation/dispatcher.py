"""The interface the engine drives: a routing policy seen from the simulator.

Agents and tickets are addressed by their index in :class:`SimInput`. Every call
returns the assignments it makes as ``(ticket_index, agent_index)`` pairs; assigning
a ticket that already has an agent moves it (a re-route). ``(ticket, UNASSIGNED)``
takes a ticket back from its agent into the policy's central queue (also a re-route);
each re-route counts as one reassignment.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["UNASSIGNED", "Assignment", "Dispatcher"]

Assignment = tuple[int, int]
UNASSIGNED = -1


class Dispatcher(Protocol):
    """A policy under test.

    An optional class attribute ``skill_blind = True`` tells the engine the policy
    assumes everyone can do everything (no mismatch penalty): the ideal pooled queue.
    """

    name: str

    def agent_online(self, agent: int, now: float) -> list[Assignment]:
        """Agent ``agent`` starts a shift."""
        ...

    def agent_offline(self, agent: int, now: float) -> list[Assignment]:
        """Agent ``agent`` ends a shift."""
        ...

    def ticket_arrived(self, ticket: int, now: float) -> list[Assignment]:
        """Ticket ``ticket`` arrives."""
        ...

    def ticket_started(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Agent ``agent`` starts working on ``ticket``."""
        ...

    def ticket_closed(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Agent ``agent`` finished ``ticket``."""
        ...

    def tick(self, now: float) -> list[Assignment]:
        """Periodic clock tick (escalation, relaxation, offline re-routes)."""
        ...
