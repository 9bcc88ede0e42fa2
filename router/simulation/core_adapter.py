"""Drive the real decision core (:class:`router.RoutingGroup`) as a simulation policy.

Tickets are named by their index, agents by their id; the core's ``Assigned`` and
``Rerouted`` outcomes become engine assignments. Closes are reported to the core, so
its velocity and capacity books follow the simulated work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from models.enums import AgentStatus, Proficiency
from router.simulation.dispatcher import Assignment
from router.simulation.model import SimInput

__all__ = ["CoreDispatcher"]

_LEVELS = {1: Proficiency.BASIC, 2: Proficiency.INTERMEDIATE, 3: Proficiency.ADVANCED}


class CoreDispatcher:
    """One :class:`router.RoutingGroup` per run, configured for ``policy``."""

    def __init__(self, sim: SimInput, policy: str, config: Mapping[str, Any] | None = None) -> None:
        import router

        self.name = policy
        self._router: Any = router
        cfg = dict(config or {})
        cfg["policy"] = policy
        self._group: Any = self._router.RoutingGroup("sim", self._router.GroupConfig.from_dict(cfg))
        self._agent_index = {a.agent_id: k for k, a in enumerate(sim.agents)}
        self._agents = sim.agents
        self._tickets = sim.tickets
        self._version = [0] * len(sim.agents)
        self._skills = [
            {c: _LEVELS.get(level, Proficiency.BASIC) for c, level in a.skills.items()}
            for a in sim.agents
        ]

    def _convert(self, outcomes: Iterable[object]) -> list[Assignment]:
        out: list[Assignment] = []
        for o in outcomes:
            agent_id = getattr(o, "agent_id", None)
            if agent_id is None:
                agent_id = getattr(o, "to_agent_id", None)
            kind = type(o).__name__
            if kind in ("Assigned", "Rerouted") and agent_id is not None:
                out.append((int(str(vars_ticket(o))), self._agent_index[agent_id]))
        return out

    def _status(self, agent: int, status: AgentStatus, now: float) -> list[Assignment]:
        self._version[agent] += 1
        a = self._agents[agent]
        update = self._router.AgentUpdate(
            agent_id=a.agent_id,
            status=status,
            capacity=a.capacity,
            skills=self._skills[agent],
            languages=frozenset({"en"}),
            version=self._version[agent],
        )
        return self._convert(self._group.agent_status(update, now))

    def agent_online(self, agent: int, now: float) -> list[Assignment]:
        """Report the agent online."""
        return self._status(agent, AgentStatus.ONLINE, now)

    def agent_offline(self, agent: int, now: float) -> list[Assignment]:
        """Report the agent offline (the core may re-route their unstarted tickets)."""
        return self._status(agent, AgentStatus.OFFLINE, now)

    def ticket_arrived(self, ticket: int, now: float) -> list[Assignment]:
        """Send the ticket to the core."""
        t = self._tickets[ticket]
        request = self._router.TicketRequest(
            ticket_id=str(ticket),
            group="sim",
            arrived_at=t.arrival,
            category=t.category,
            confidence=1.0,
            language="en",
            priority=t.priority,
            sla_deadline=t.arrival + t.sla_s if t.sla_s is not None else None,
            tier=t.tier,
            customer_id=None,
        )
        return self._convert(self._group.ticket_arrived(request, now))

    def ticket_started(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Tell the core work started, when it listens for that."""
        started = getattr(self._group, "ticket_started", None)
        if started is None:
            return []
        return self._convert(started(str(ticket), now))

    def ticket_closed(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Close the ticket in the core (frees capacity, teaches velocity)."""
        return self._convert(self._group.ticket_closed(str(ticket), now))

    def tick(self, now: float) -> list[Assignment]:
        """Clock tick (relaxation, escalation)."""
        return self._convert(self._group.tick(now))


def vars_ticket(outcome: object) -> object:
    """The ``ticket_id`` of a core outcome."""
    return outcome.__getattribute__("ticket_id")
