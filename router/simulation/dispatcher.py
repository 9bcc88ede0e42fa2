"""The interface the engine drives: a routing policy seen from the simulator.

Agents and tickets are addressed by their index in :class:`SimInput`. Every call
returns the assignments it makes as ``(ticket_index, agent_index)`` pairs; assigning
a ticket that already has an agent is a re-route (counted as a reassignment).
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Assignment", "Dispatcher"]

Assignment = tuple[int, int]


class Dispatcher(Protocol):
    """A policy under test. ``pulls`` = it only assigns to agents with a free slot."""

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
        """Periodic clock tick (escalation, relaxation)."""
        ...
