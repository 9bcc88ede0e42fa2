"""The agent book: every agent of a routing group, their open tickets and the indexes.

Indexes kept in step with every change (dicts, so iteration order is the order of
events and replays agree): agents by skill, human agents with room (``available``) and
with room by skill, and automated resolvers. An agent *has room* when it is online and
its open tickets are below its limit: its capacity, or the group's ``max_backlog`` if
that is lower.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.enums import AgentStatus, Proficiency
from router.requests import AgentUpdate

__all__ = ["AgentBook", "AgentState"]

_LEVEL = {p: p.level for p in Proficiency}
_BY_LEVEL = {p.level: p for p in Proficiency}


@dataclass(slots=True)
class AgentState:
    """One agent: reported state plus what the router tracks (open tickets, busy time)."""

    agent_id: str
    status: AgentStatus
    capacity: int
    skills: dict[str, int]
    languages: frozenset[str]
    automated: bool = False
    version: int = 0
    open: dict[str, None] = field(default_factory=dict)
    last_assigned_at: float = float("-inf")
    reroute_at: float | None = None
    """When the re-route of this offline agent's unstarted tickets is due (None: none)."""
    busy_s: float = 0.0
    online_s: float = 0.0
    marked_at: float | None = None

    @property
    def depth(self) -> int:
        """Open (assigned, not closed) tickets."""
        return len(self.open)

    @property
    def load(self) -> float:
        """Open tickets / capacity (1.0 at or over capacity, or with capacity 0)."""
        return min(1.0, len(self.open) / self.capacity) if self.capacity > 0 else 1.0

    def proficiency(self, skill: str) -> Proficiency | None:
        """The agent's level in ``skill``."""
        level = self.skills.get(skill)
        return None if level is None else _BY_LEVEL[level]

    def utilisation(self) -> float:
        """Share of online time with at least one open ticket (since the agent was known)."""
        return self.busy_s / self.online_s if self.online_s > 0 else 0.0

    def mark(self, now: float) -> None:
        """Accumulate online and busy time up to ``now`` (call before any change)."""
        if self.marked_at is not None and now > self.marked_at:
            span = now - self.marked_at
            if self.status is not AgentStatus.OFFLINE:
                self.online_s += span
                if self.open:
                    self.busy_s += span
        if self.marked_at is None or now > self.marked_at:
            self.marked_at = now

    def to_dict(self) -> dict[str, Any]:
        """Plain form for the state tables (open tickets live in the assignments)."""
        return {
            "status": self.status.value,
            "capacity": self.capacity,
            "skills": {k: _BY_LEVEL[v].value for k, v in self.skills.items()},
            "languages": sorted(self.languages),
            "automated": self.automated,
            "version": self.version,
            "last_assigned_at": None
            if self.last_assigned_at == float("-inf")
            else self.last_assigned_at,
            "reroute_at": self.reroute_at,
            "busy_s": self.busy_s,
            "online_s": self.online_s,
            "marked_at": self.marked_at,
        }

    @classmethod
    def from_dict(cls, agent_id: str, data: Mapping[str, Any]) -> AgentState:
        """Inverse of :meth:`to_dict`."""
        last = data.get("last_assigned_at")
        return cls(
            agent_id=agent_id,
            status=AgentStatus(data["status"]),
            capacity=int(data["capacity"]),
            skills={k: _LEVEL[Proficiency(v)] for k, v in dict(data.get("skills", {})).items()},
            languages=frozenset(data.get("languages", ("en",))),
            automated=bool(data.get("automated", False)),
            version=int(data.get("version", 0)),
            last_assigned_at=float("-inf") if last is None else float(last),
            reroute_at=data.get("reroute_at"),
            busy_s=float(data.get("busy_s", 0.0)),
            online_s=float(data.get("online_s", 0.0)),
            marked_at=data.get("marked_at"),
        )


class AgentBook:
    """Agents of one group with the indexes the policies use."""

    def __init__(self, max_backlog: int | None) -> None:
        self.max_backlog = max_backlog
        self.agents: dict[str, AgentState] = {}
        self.by_skill: dict[str, dict[str, None]] = {}
        self.available: dict[str, None] = {}
        self.available_by_skill: dict[str, dict[str, None]] = {}
        self.automated: dict[str, None] = {}
        self.on_change: Callable[[AgentState, bool], None] | None = None
        """Called with (agent, has_room) after every change (the rank index listens)."""

    def __len__(self) -> int:
        return len(self.agents)

    def __iter__(self) -> Iterator[AgentState]:
        return iter(self.agents.values())

    def get(self, agent_id: str) -> AgentState | None:
        """The agent, if known."""
        return self.agents.get(agent_id)

    def limit(self, agent: AgentState) -> int:
        """Most open tickets the router gives ``agent``."""
        if self.max_backlog is None:
            return agent.capacity
        return min(agent.capacity, self.max_backlog)

    def has_room(self, agent: AgentState) -> bool:
        """Online and below its limit."""
        return agent.status is AgentStatus.ONLINE and len(agent.open) < self.limit(agent)

    def room_reason(self, agent: AgentState) -> str | None:
        """Why ``agent`` cannot take a ticket now (status or limit), or ``None``."""
        if agent.status is AgentStatus.OFFLINE:
            return "offline"
        if agent.status is AgentStatus.AWAY:
            return "away"
        if len(agent.open) >= agent.capacity:
            return "at_capacity"
        if len(agent.open) >= self.limit(agent):
            return "backlog_full"
        return None

    def apply(self, update: AgentUpdate) -> AgentState:
        """Create or update an agent from a status event (open tickets are kept)."""
        agent = self.agents.get(update.agent_id)
        skills = {k: _LEVEL[Proficiency(v)] for k, v in update.skills.items()}
        if agent is None:
            agent = AgentState(
                agent_id=update.agent_id,
                status=update.status,
                capacity=update.capacity,
                skills=skills,
                languages=frozenset(update.languages),
                automated=update.automated,
                version=update.version,
            )
            self.agents[agent.agent_id] = agent
        else:
            self._unindex(agent)
            agent.status = update.status
            agent.capacity = update.capacity
            agent.skills = skills
            agent.languages = frozenset(update.languages)
            agent.automated = update.automated
            agent.version = update.version
        self._index(agent)
        return agent

    def add(self, agent: AgentState) -> None:
        """Insert a restored agent."""
        self.agents[agent.agent_id] = agent
        self._index(agent)

    def placeholder(self, agent_id: str) -> AgentState:
        """An agent the router has not heard of (a human assigned them a ticket): offline."""
        agent = self.agents.get(agent_id)
        if agent is None:
            agent = AgentState(agent_id, AgentStatus.OFFLINE, 0, {}, frozenset())
            self.add(agent)
        return agent

    def refresh(self, agent: AgentState) -> None:
        """Re-evaluate ``agent``'s room after its open tickets, capacity or status changed."""
        if agent.automated:
            return
        room = self.has_room(agent)
        if self.on_change is not None:
            self.on_change(agent, room)
        agent_id = agent.agent_id
        if room and agent_id not in self.available:
            self.available[agent_id] = None
            for skill in agent.skills:
                self.available_by_skill.setdefault(skill, {})[agent_id] = None
        elif not room and agent_id in self.available:
            del self.available[agent_id]
            for skill in agent.skills:
                self.available_by_skill.get(skill, {}).pop(agent_id, None)

    def _index(self, agent: AgentState) -> None:
        if agent.automated:
            self.automated[agent.agent_id] = None
            return
        for skill in agent.skills:
            self.by_skill.setdefault(skill, {})[agent.agent_id] = None
        self.refresh(agent)

    def _unindex(self, agent: AgentState) -> None:
        agent_id = agent.agent_id
        if self.on_change is not None:
            self.on_change(agent, False)
        self.automated.pop(agent_id, None)
        self.available.pop(agent_id, None)
        for skill in agent.skills:
            self.by_skill.get(skill, {}).pop(agent_id, None)
            self.available_by_skill.get(skill, {}).pop(agent_id, None)
