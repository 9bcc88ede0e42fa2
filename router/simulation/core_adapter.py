"""Drive the real decision core (:class:`router.RoutingGroup`) as a simulation policy.

Tickets are named by their index, agents by their id. ``Assigned`` becomes an engine
assignment; ``Rerouted`` (which names the agent the ticket was taken from) takes the
ticket back from that agent, and the ``Assigned`` (next attempt) or ``Queued`` that
follows says where it goes. Starts and closes are reported to the core, so its
capacity and velocity books follow the simulated work.

*Pull mode* (the balanced policy's default here): the core may give an agent only as
many open tickets as they work at once, so work waits in the group's central queue
and is pulled when an agent frees up. With one concurrency for every agent this is
``max_backlog``; with mixed concurrencies each agent reports their concurrency as
their capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from models.enums import AgentStatus, Proficiency
from router.config import GroupConfig
from router.group import RoutingGroup
from router.outcomes import Assigned, Outcome, Rerouted
from router.requests import AgentUpdate, TicketRequest
from router.simulation.dispatcher import UNASSIGNED, Assignment
from router.simulation.model import SimInput

__all__ = ["CORE_POLICIES", "CoreDispatcher", "default_config"]

CORE_POLICIES = ("round_robin", "least_loaded", "skills", "balanced")
_LEVELS = {1: Proficiency.BASIC, 2: Proficiency.INTERMEDIATE, 3: Proficiency.ADVANCED}


def default_config(policy: str) -> dict[str, Any]:
    """The group settings a policy runs with unless the caller overrides them."""
    return {"policy": policy, "closed_retention_s": 0.0}


class CoreDispatcher:
    """One :class:`router.RoutingGroup` per run, configured for ``policy``."""

    def __init__(
        self,
        sim: SimInput,
        policy: str,
        config: Mapping[str, Any] | None = None,
        *,
        pull: bool | None = None,
    ) -> None:
        self.name = policy
        given = dict(config or {})
        cfg = {**default_config(policy), **given, "policy": policy}
        pull = policy == "balanced" if pull is None else pull
        concurrencies = {a.concurrency for a in sim.agents}
        self._capacity = [a.capacity for a in sim.agents]
        if pull and "max_backlog" not in given:
            if len(concurrencies) == 1:
                cfg["max_backlog"] = next(iter(concurrencies))
            else:
                self._capacity = [min(a.capacity, a.concurrency) for a in sim.agents]
        self.config: dict[str, Any] = cfg
        self._group = RoutingGroup("sim", GroupConfig.from_dict(cfg))
        self._agent_index = {a.agent_id: k for k, a in enumerate(sim.agents)}
        self._agents = sim.agents
        self._tickets = sim.tickets
        self._ids = [str(i) for i in range(len(sim.tickets))]
        self._version = [0] * len(sim.agents)
        self._skills = [
            {c: _LEVELS.get(level, Proficiency.BASIC) for c, level in a.skills.items()}
            for a in sim.agents
        ]
        self.outcomes: dict[str, int] = {}

    def _convert(self, outcomes: Iterable[Outcome]) -> list[Assignment]:
        out: list[Assignment] = []
        counts = self.outcomes
        for o in outcomes:
            kind = type(o).__name__
            counts[kind] = counts.get(kind, 0) + 1
            if isinstance(o, Assigned):
                out.append((int(o.ticket_id), self._agent_index[o.agent_id]))
            elif isinstance(o, Rerouted) and o.agent_id is not None:
                out.append((int(o.ticket_id), UNASSIGNED))
        return out

    def _status(self, agent: int, status: AgentStatus, now: float) -> list[Assignment]:
        self._version[agent] += 1
        update = AgentUpdate(
            agent_id=self._agents[agent].agent_id,
            status=status,
            capacity=self._capacity[agent],
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
        request = TicketRequest(
            ticket_id=self._ids[ticket],
            group="sim",
            arrived_at=t.arrival,
            category=t.category,
            priority=t.priority,
            sla_deadline=t.arrival + t.sla_s if t.sla_s is not None else None,
            tier=t.tier,
        )
        return self._convert(self._group.ticket_arrived(request, now))

    def ticket_started(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Tell the core work began (it no longer re-routes the ticket)."""
        return self._convert(self._group.ticket_started(self._ids[ticket], now))

    def ticket_closed(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Close the ticket in the core (frees capacity, teaches velocity)."""
        return self._convert(self._group.ticket_closed(self._ids[ticket], now))

    def tick(self, now: float) -> list[Assignment]:
        """Clock tick (relaxation, escalation, offline re-routes)."""
        return self._convert(self._group.tick(now))
