"""Small builders for decision-core tests."""

from __future__ import annotations

from typing import Any

from models.enums import AgentStatus, CustomerTier, Proficiency
from router import AgentUpdate, GroupConfig, Outcome, RoutingGroup, TicketRequest

LEVELS = {"basic": Proficiency.BASIC, "int": Proficiency.INTERMEDIATE, "adv": Proficiency.ADVANCED}


def group(**config: Any) -> RoutingGroup:
    """A group named ``g`` with ``config`` (plain dict form)."""
    return RoutingGroup("g", GroupConfig.from_dict(config))


def agent(
    agent_id: str,
    capacity: int = 5,
    *,
    skills: dict[str, str] | None = None,
    status: AgentStatus = AgentStatus.ONLINE,
    languages: tuple[str, ...] = ("en",),
    automated: bool = False,
    version: int = 0,
) -> AgentUpdate:
    """An agent update; skills as ``{"billing": "adv"}``."""
    return AgentUpdate(
        agent_id=agent_id,
        status=status,
        capacity=capacity,
        skills={k: LEVELS[v] for k, v in (skills or {}).items()},
        languages=frozenset(languages),
        automated=automated,
        version=version,
    )


def ticket(
    ticket_id: str,
    at: float = 0.0,
    category: str | None = "billing",
    *,
    priority: int = 3,
    language: str = "en",
    sla_s: float | None = None,
    tier: CustomerTier = CustomerTier.STANDARD,
    customer: str | None = None,
    effort: float = 1.0,
    confidence: float = 1.0,
    urgency: float = 0.0,
) -> TicketRequest:
    """A triaged ticket arriving at ``at``."""
    return TicketRequest(
        ticket_id=ticket_id,
        group="g",
        arrived_at=at,
        category=category,
        confidence=confidence,
        language=language,
        priority=priority,
        sla_deadline=None if sla_s is None else at + sla_s,
        tier=tier,
        customer_id=customer,
        effort=effort,
        urgency=urgency,
    )


def kinds(outcomes: list[Outcome]) -> list[str]:
    """Outcome class names with their agent, e.g. ``Assigned:a1``."""
    out = []
    for o in outcomes:
        name = type(o).__name__
        agent_id = getattr(o, "agent_id", None)
        out.append(f"{name}:{agent_id}" if agent_id and name == "Assigned" else name)
    return out


def assigned_to(outcomes: list[Outcome]) -> dict[str, str]:
    """ticket -> agent of the ``Assigned`` outcomes."""
    return {o.ticket_id: o.agent_id for o in outcomes if type(o).__name__ == "Assigned"}  # type: ignore[union-attr]
