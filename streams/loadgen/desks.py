"""How simulated agents work through the tickets assigned to them, producing closes.

Each agent works on up to ``parallel`` tickets at once, in the order they were
assigned; the others wait in their personal queue. A ticket's handling time is
log-normal around ``service_time_s`` scaled by the agent's speed and proficiency in the
ticket's category. Agents who are away or offline do not finish tickets until they are
back. A ticket moved to another agent (router re-route or human reassignment) leaves the
first agent's desk.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable

from models import AgentStatus, Proficiency
from streams.loadgen.population import AgentProfile

__all__ = ["Desks"]

_PROFICIENCY_FACTOR = {
    Proficiency.ADVANCED: 0.75,
    Proficiency.INTERMEDIATE: 1.0,
    Proficiency.BASIC: 1.4,
}
_NO_SKILL_FACTOR = 1.8
_SIGMA = 0.5

Key = tuple[str, str]
"""(tenant, id)"""

Finish = Callable[[str, str, str, float], None]
"""Schedules the end of work: (tenant, ticket_id, agent_id, due_at)."""


class Desks:
    """Open tickets per agent: who holds what, what is being worked on, when it ends."""

    def __init__(self, rng: random.Random, service_time_s: float, schedule: Finish) -> None:
        self._rng = rng
        self.service_time_s = service_time_s
        self._schedule = schedule
        self.assignee: dict[Key, str] = {}
        self.category: dict[Key, str] = {}
        self._waiting: dict[Key, deque[str]] = {}
        self._working: dict[Key, set[str]] = {}
        self.agents: dict[Key, AgentProfile] = {}

    def add_agent(self, tenant: str, agent: AgentProfile) -> None:
        """Register an agent (their desk starts empty)."""
        key = (tenant, agent.agent_id)
        self.agents[key] = agent
        self._waiting.setdefault(key, deque())
        self._working.setdefault(key, set())

    def depth(self, tenant: str, agent_id: str) -> int:
        """Open tickets the agent holds (working on or waiting)."""
        key = (tenant, agent_id)
        return len(self._waiting.get(key, ())) + len(self._working.get(key, ()))

    def depths(self, tenant: str) -> dict[str, int]:
        """Open tickets per agent of ``tenant``."""
        return {aid: self.depth(t, aid) for (t, aid) in self.agents if t == tenant}

    def assign(self, tenant: str, ticket_id: str, agent_id: str, category: str, now: float) -> None:
        """``ticket_id`` is now held by ``agent_id`` (moves it if another agent held it)."""
        self.release(tenant, ticket_id)
        agent_key = (tenant, agent_id)
        if agent_key not in self.agents:
            return  # an agent this generator does not simulate (e.g. from another run)
        self.assignee[(tenant, ticket_id)] = agent_id
        self.category[(tenant, ticket_id)] = category
        self._waiting[agent_key].append(ticket_id)
        self.start_work(tenant, agent_id, now)

    def release(self, tenant: str, ticket_id: str) -> str | None:
        """Take the ticket off its agent's desk; returns who held it."""
        agent_id = self.assignee.pop((tenant, ticket_id), None)
        self.category.pop((tenant, ticket_id), None)
        if agent_id is None:
            return None
        key = (tenant, agent_id)
        self._working[key].discard(ticket_id)
        waiting = self._waiting[key]
        if ticket_id in waiting:
            waiting.remove(ticket_id)
        return agent_id

    def is_working_on(self, tenant: str, ticket_id: str, agent_id: str) -> bool:
        """True while ``agent_id`` holds and works on ``ticket_id``."""
        return ticket_id in self._working.get((tenant, agent_id), ())

    def start_work(self, tenant: str, agent_id: str, now: float) -> None:
        """Let the agent pick up waiting tickets while they have free hands and are online."""
        key = (tenant, agent_id)
        agent = self.agents[key]
        if agent.status != AgentStatus.ONLINE:
            return
        waiting, working = self._waiting[key], self._working[key]
        while waiting and len(working) < agent.parallel:
            ticket_id = waiting.popleft()
            working.add(ticket_id)
            handling = self.handling_time(agent, self.category.get((tenant, ticket_id), ""))
            self._schedule(tenant, ticket_id, agent_id, now + handling)

    def handling_time(self, agent: AgentProfile, category: str) -> float:
        """Seconds ``agent`` needs for a ticket of ``category`` (log-normal)."""
        proficiency = agent.skills.get(category)
        factor = _PROFICIENCY_FACTOR[proficiency] if proficiency else _NO_SKILL_FACTOR
        mean = max(self.service_time_s * agent.speed * factor, 0.01)
        mu = math.log(mean) - _SIGMA**2 / 2
        return self._rng.lognormvariate(mu, _SIGMA)
