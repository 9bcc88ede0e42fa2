"""Plain inputs of a simulation run: agents, their shifts, and tickets.

All times are virtual seconds from the start of the run (t = 0 is Monday 00:00).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from models.enums import CustomerTier

__all__ = ["SimAgent", "SimInput", "SimTicket"]


@dataclass(frozen=True, slots=True)
class SimAgent:
    """A human agent: skills (category -> level 1..3), speed, concurrency and shifts.

    ``speed`` divides a ticket's work (2.0 works twice as fast as 1.0). ``concurrency``
    is how many tickets they work at once; ``capacity`` is the most open (assigned,
    unfinished) tickets the router may give them. ``shifts`` are (on, off) intervals
    in virtual seconds, sorted and disjoint.
    """

    agent_id: str
    skills: Mapping[str, int]
    speed: float = 1.0
    concurrency: int = 1
    capacity: int = 50
    shifts: Sequence[tuple[float, float]] = ()


@dataclass(frozen=True, slots=True)
class SimTicket:
    """One ticket: when it arrives, what it needs, and its work at speed 1.0 (seconds)."""

    ticket_id: str
    arrival: float
    work: float
    category: str | None
    priority: int = 3
    tier: CustomerTier = CustomerTier.STANDARD
    sla_s: float | None = None


@dataclass(frozen=True, slots=True)
class SimInput:
    """Everything one run needs; every policy gets the same input.

    ``mismatch_factor`` multiplies the service time when the agent lacks the
    ticket's skill (the price of a skill mismatch).
    """

    agents: Sequence[SimAgent]
    tickets: Sequence[SimTicket]
    mismatch_factor: float = 1.5
    snapshot_every_s: float = 900.0
    tick_every_s: float = 60.0
    meta: Mapping[str, object] = field(default_factory=dict)
