"""The generator's books and time: the base every workload (mix, demo) builds on.

A workload is pure and deterministic for a seed and a start time. The runner drives it:

- ``peek()`` – when the next event is due (epoch s), or None when nothing is planned;
- ``pop_due(now)`` – the events due by ``now``, in order;
- ``on_assigned(tenant, ticket_id, agent_id, now)`` – the router assigned a ticket (read
  from ``ticket-assigned``): the agent starts working on it and closes it later;
- ``on_queued(tenant, ticket_id, now)`` – the router queued a ticket (``router-events``).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from models import (
    AgentStatus,
    AgentStatusChanged,
    Event,
    Resolution,
    TicketClosed,
    TicketUpdated,
)
from models.updates import TicketChange
from streams.loadgen.desks import Desks
from streams.loadgen.population import AgentProfile
from streams.loadgen.schedule import DueQueue
from streams.loadgen.tickets import TicketFactory, TicketSpec, utc

__all__ = ["Workload", "WorkloadStats"]


@dataclass(slots=True)
class WorkloadStats:
    """What the generator produced and saw."""

    events: Counter[str]
    assigned_seen: int = 0
    queued_seen: int = 0
    tickets_open: int = 0


class Workload:
    """Agents, open tickets, desks and the due-event queue shared by every workload."""

    def __init__(self, seed: int, start: float, service_time_s: float) -> None:
        self.rng = random.Random(seed)
        self.start = start
        self.due = DueQueue()
        self.run_tag = f"T{seed % 1000:03d}{int(start) % 10**7:07d}"
        self.factory = TicketFactory(self.rng, self.run_tag)
        self.desks = Desks(self.rng, service_time_s, self._schedule_finish)
        self.tickets: dict[tuple[str, str], TicketSpec] = {}
        self.agents: dict[str, list[AgentProfile]] = {}
        self.stats = WorkloadStats(events=Counter())
        self._work_token: dict[tuple[str, str], int] = {}

    # -- driving -----------------------------------------------------------------
    def peek(self) -> float | None:
        """Due time of the next event (epoch s), or None when nothing is planned."""
        return self.due.peek()

    def pop_due(self, now: float) -> list[Event]:
        """Every event due at or before ``now``."""
        events: list[Event] = []
        # actions may schedule more actions due by now (the next arrival): run them too
        while due := self.due.pop_due(now):
            for at, action in due:
                events.extend(action(at))
        for event in events:
            self.stats.events[type(event).event_type] += 1
        return events

    def on_assigned(self, tenant: str, ticket_id: str, agent_id: str, now: float) -> None:
        """The router assigned ``ticket_id`` to ``agent_id``."""
        spec = self.tickets.get((tenant, ticket_id))
        if spec is None:
            return  # not ours (another run or producer)
        self.stats.assigned_seen += 1
        if self.desks.assignee.get((tenant, ticket_id)) == agent_id:
            return  # the router followed a reassignment we made, or a redelivery
        self.desks.assign(tenant, ticket_id, agent_id, spec.category, now)

    def on_queued(self, tenant: str, ticket_id: str, now: float) -> None:
        """The router put ``ticket_id`` in its pending queue."""
        if (tenant, ticket_id) in self.tickets:
            self.stats.queued_seen += 1

    def depths(self, tenant: str) -> dict[str, int]:
        """Open tickets per agent of ``tenant`` as the generator's agents see them."""
        return self.desks.depths(tenant)

    def tenants(self) -> list[str]:
        """Tenants this workload produces for."""
        return list(self.agents)

    # -- building events -----------------------------------------------------------
    def status_event(
        self, tenant: str, agent: AgentProfile, status: AgentStatus, now: float
    ) -> AgentStatusChanged:
        """The agent's full state with ``status``; the version grows with time across runs."""
        agent.status = status
        agent.version = max(agent.version + 1, int(now * 1000))
        return AgentStatusChanged(
            event_id=self.factory.event_id(),
            tenant=tenant,
            occurred_at=utc(now),
            agent_id=agent.agent_id,
            status=status,
            capacity=agent.capacity,
            skills=dict(agent.skills),
            languages=agent.languages,
            version=agent.version,
        )

    def update_event(
        self, tenant: str, ticket_id: str, change: TicketChange, now: float
    ) -> TicketUpdated:
        """A ``ticket-updated`` event."""
        return TicketUpdated(
            event_id=self.factory.event_id(),
            tenant=tenant,
            occurred_at=utc(now),
            ticket_id=ticket_id,
            change=change,
        )

    def close_event(
        self,
        tenant: str,
        ticket_id: str,
        now: float,
        *,
        resolved_by: str | None,
        resolution: Resolution = Resolution.SOLVED,
        final_category: str | None = None,
    ) -> TicketClosed:
        """A ``ticket-closed`` event; the ticket leaves the generator's books."""
        self.tickets.pop((tenant, ticket_id), None)
        self.stats.tickets_open = len(self.tickets)
        return TicketClosed(
            event_id=self.factory.event_id(),
            tenant=tenant,
            occurred_at=utc(now),
            ticket_id=ticket_id,
            resolved_by=resolved_by,
            resolution=resolution,
            closed_at=utc(now),
            final_category=final_category,
        )

    def agent_back(self, tenant: str, agent: AgentProfile, now: float) -> list[Event]:
        """The agent is online again and picks up their waiting tickets."""
        event = self.status_event(tenant, agent, AgentStatus.ONLINE, now)
        agent.away_until = None
        self.desks.start_work(tenant, agent.agent_id, now)
        return [event]

    # -- closes ------------------------------------------------------------------------
    def _schedule_finish(self, tenant: str, ticket_id: str, agent_id: str, at: float) -> None:
        key = (tenant, ticket_id)
        token = self._work_token.get(key, 0) + 1
        self._work_token[key] = token

        def finish(now: float) -> list[Event]:
            if self._work_token.get(key) != token:
                return []  # moved to someone else meanwhile
            if not self.desks.is_working_on(tenant, ticket_id, agent_id):
                return []
            agent = self.desks.agents[(tenant, agent_id)]
            if agent.status != AgentStatus.ONLINE:
                self.due.push(max(agent.away_until or now, now) + 1.0, finish)
                return []
            return self.finish_ticket(tenant, ticket_id, agent_id, now)

        self.due.push(at, finish)

    def finish_ticket(self, tenant: str, ticket_id: str, agent_id: str, now: float) -> list[Event]:
        """The agent resolved the ticket: close it and start on the next one."""
        spec = self.tickets.get((tenant, ticket_id))
        self.desks.release(tenant, ticket_id)
        self._work_token.pop((tenant, ticket_id), None)
        if spec is None:
            return []
        events: list[Event] = [self.closing(spec, agent_id, now)]
        self.desks.start_work(tenant, agent_id, now)
        return events

    def closing(self, spec: TicketSpec, agent_id: str, now: float) -> TicketClosed:
        """The close event of a ticket the agent solved (subclasses vary the resolution)."""
        return self.close_event(spec.tenant, spec.ticket_id, now, resolved_by=agent_id)
