"""A small stand-in for the decision core (``router.RoutingGroup`` and friends).

Same method names, outcome names and persistence protocol as the real core
(``export_entities`` / ``restore`` / ``drain_changes``), with a least-loaded policy and
a central pending queue, so the streaming adapters can be tested without it. It is a
test double: deterministic, small, and not a routing policy anyone should ship.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AgentUpdate",
    "Assigned",
    "Escalated",
    "FakeCore",
    "GroupConfig",
    "Ignored",
    "Queued",
    "Rerouted",
    "RoutingGroup",
    "SlaWarning",
    "TicketRequest",
]


@dataclass(frozen=True)
class TicketRequest:
    ticket_id: str
    group: str
    arrived_at: float
    category: str | None = None
    confidence: float = 1.0
    language: str = "en"
    priority: int = 3
    sla_deadline: float | None = None
    tier: Any = "standard"
    customer_id: str | None = None
    effort: float = 1.0
    urgency: float = 0.0
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgentUpdate:
    agent_id: str
    status: Any
    capacity: int
    skills: Mapping[str, Any]
    languages: frozenset[str] = frozenset({"en"})
    automated: bool = False
    version: int = 0


@dataclass(frozen=True)
class Explanation:
    policy: str
    candidates: tuple[str, ...]
    excluded: dict[str, str]
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "step": "strict",
            "candidates": list(self.candidates),
            "excluded": dict(self.excluded),
            "score": {},
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Assigned:
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


@dataclass(frozen=True)
class Queued:
    ticket_id: str
    reason: str
    explanation: Explanation | None = None


@dataclass(frozen=True)
class Rerouted:
    ticket_id: str
    agent_id: str
    reason: str


@dataclass(frozen=True)
class Escalated:
    ticket_id: str
    reason: str


@dataclass(frozen=True)
class SlaWarning:
    ticket_id: str
    reason: str
    deadline: float
    remaining_s: float
    breached: bool


@dataclass(frozen=True)
class Ignored:
    ticket_id: str | None
    agent_id: str | None
    reason: str


@dataclass
class GroupConfig:
    policy: str = "least_loaded"
    max_backlog: int | None = None
    reroute_offline: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupConfig:
        known = {"policy", "max_backlog", "reroute_offline"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown group config key {sorted(unknown)[0]!r}")
        return cls(**dict(data))


def _status(value: Any) -> str:
    return str(getattr(value, "value", value))


@dataclass
class _Changes:
    keys: dict[str, set[str]] = field(default_factory=dict)

    def touch(self, kind: str, key: str) -> None:
        self.keys.setdefault(kind, set()).add(key)


class RoutingGroup:
    """Least-loaded routing with a pending queue (see the module docstring)."""

    def __init__(self, group_id: str, config: GroupConfig) -> None:
        self.group_id = group_id
        self.config = config
        self._agents: dict[str, dict[str, Any]] = {}
        self._assignments: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, dict[str, Any]] = {}
        self._velocity: dict[str, dict[str, Any]] = {}
        self._meta: dict[str, Any] = {}
        self._changes = _Changes()

    # -- persistence -----------------------------------------------------------------
    def _stores(self) -> dict[str, dict[str, Any]]:
        return {
            "agents": self._agents,
            "assignments": self._assignments,
            "pending": self._pending,
            "velocity": self._velocity,
            "meta": self._meta,
        }

    def export_entities(self) -> dict[str, dict[str, Any]]:
        return {
            kind: {k: _copy(v) for k, v in store.items()} for kind, store in self._stores().items()
        }

    @classmethod
    def restore(
        cls, group_id: str, config: GroupConfig, entities: Mapping[str, Mapping[str, Any]]
    ) -> RoutingGroup:
        group = cls(group_id, config)
        for kind, store in group._stores().items():
            for key, value in dict(entities.get(kind) or {}).items():
                store[key] = _copy(value)
        return group

    def drain_changes(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        stores = self._stores()
        for kind, keys in self._changes.keys.items():
            out[kind] = {k: _copy(stores[kind][k]) if k in stores[kind] else None for k in keys}
        self._changes = _Changes()
        return out

    # -- queries ---------------------------------------------------------------------
    def agents(self) -> dict[str, Any]:
        return {
            aid: _AgentState(aid, a["status"], a["capacity"], a["automated"], a["skills"])
            for aid, a in self._agents.items()
        }

    def queue_depth(self, agent_id: str) -> int:
        return sum(1 for a in self._assignments.values() if a["agent_id"] == agent_id)

    def velocity(self, agent_id: str) -> float:
        return float(self._velocity.get(agent_id, {}).get("mean_s", 0.0))

    def pending(self) -> list[Any]:
        items = sorted(self._pending.values(), key=lambda p: (p["priority"], p["arrived_at"]))
        return [_Pending(p) for p in items]

    def assignment_of(self, ticket_id: str) -> str | None:
        entry = self._assignments.get(ticket_id)
        return None if entry is None else str(entry["agent_id"])

    def ticket_state(self, ticket_id: str) -> str | None:
        if ticket_id in self._assignments:
            return "assigned"
        if ticket_id in self._pending:
            return "pending"
        if f"closed:{ticket_id}" in self._meta:
            return "closed"
        return None

    # -- events ----------------------------------------------------------------------
    def agent_status(self, update: AgentUpdate, now: float) -> list[Any]:
        current = self._agents.get(update.agent_id)
        if current is not None and update.version <= current["version"]:
            return [Ignored(None, update.agent_id, "stale_agent_status")]
        was_online = current is not None and current["status"] == "online"
        self._agents[update.agent_id] = {
            "status": _status(update.status),
            "capacity": int(update.capacity),
            "skills": {k: _status(v) for k, v in dict(update.skills).items()},
            "languages": sorted(update.languages),
            "automated": bool(update.automated),
            "version": int(update.version),
        }
        self._changes.touch("agents", update.agent_id)
        out: list[Any] = []
        status = _status(update.status)
        if was_online and status == "offline" and self.config.reroute_offline:
            for ticket_id in sorted(
                t for t, a in self._assignments.items() if a["agent_id"] == update.agent_id
            ):
                entry = self._assignments.pop(ticket_id)
                self._changes.touch("assignments", ticket_id)
                out.append(Rerouted(ticket_id, update.agent_id, "agent_offline"))
                request = dict(entry["request"])
                out.extend(self._place(request, now, attempt=entry["attempt"] + 1))
        out.extend(self._pull(now))
        return out

    def ticket_arrived(self, request: TicketRequest, now: float) -> list[Any]:
        state = self.ticket_state(request.ticket_id)
        if state is not None:
            return [Ignored(request.ticket_id, None, f"duplicate_{state}")]
        data = {
            "ticket_id": request.ticket_id,
            "arrived_at": request.arrived_at,
            "priority": request.priority,
            "category": request.category,
            "sla_deadline": request.sla_deadline,
        }
        return self._place(data, now, attempt=1)

    def ticket_closed(
        self,
        ticket_id: str,
        now: float,
        *,
        resolved_by: str | None = None,
        final_category: str | None = None,
    ) -> list[Any]:
        del resolved_by, final_category
        key = f"closed:{ticket_id}"
        if key in self._meta:
            return [Ignored(ticket_id, None, "duplicate_close")]
        self._meta[key] = now
        self._changes.touch("meta", key)
        entry = self._assignments.pop(ticket_id, None)
        if entry is not None:
            self._changes.touch("assignments", ticket_id)
            agent = entry["agent_id"]
            vel = self._velocity.setdefault(agent, {"n": 0, "mean_s": 0.0})
            vel["n"] += 1
            vel["mean_s"] += (now - entry["assigned_at"] - vel["mean_s"]) / vel["n"]
            self._changes.touch("velocity", agent)
            return self._pull(now)
        if self._pending.pop(ticket_id, None) is not None:
            self._changes.touch("pending", ticket_id)
        return []

    def ticket_reassigned(self, ticket_id: str, agent_id: str, now: float) -> list[Any]:
        entry = self._assignments.get(ticket_id)
        if entry is None or entry["agent_id"] == agent_id:
            return [Ignored(ticket_id, agent_id, "reassign_noop")]
        previous = entry["agent_id"]
        entry["agent_id"] = agent_id
        entry["attempt"] += 1
        self._changes.touch("assignments", ticket_id)
        return [Rerouted(ticket_id, previous, "manual"), *self._pull(now)]

    def ticket_reopened(self, ticket_id: str, now: float) -> list[Any]:
        return [Ignored(ticket_id, None, "not_supported")]

    def tick(self, now: float) -> list[Any]:
        out: list[Any] = []
        for ticket_id, entry in sorted(self._pending.items()):
            deadline = entry.get("sla_deadline")
            key = f"sla:{ticket_id}"
            if deadline is not None and now >= deadline and key not in self._meta:
                self._meta[key] = now
                self._changes.touch("meta", key)
                out.append(SlaWarning(ticket_id, "sla_breached", deadline, deadline - now, True))
                out.append(Escalated(ticket_id, "sla_breached"))
        return out

    # -- internals ---------------------------------------------------------------------
    def _eligible(self) -> list[str]:
        limit = self.config.max_backlog
        out = []
        for aid, agent in sorted(self._agents.items()):
            depth = self.queue_depth(aid)
            if agent["status"] != "online" or depth >= agent["capacity"]:
                continue
            if limit is not None and depth >= limit:
                continue
            out.append(aid)
        return out

    def _place(self, request: dict[str, Any], now: float, attempt: int) -> list[Any]:
        ticket_id = request["ticket_id"]
        eligible = self._eligible()
        if not eligible:
            request = {**request, "attempt": attempt}
            self._pending[ticket_id] = request
            self._changes.touch("pending", ticket_id)
            return [Queued(ticket_id, "no_capacity")]
        agent = min(eligible, key=lambda a: (self.queue_depth(a), a))
        return [self._assign(request, agent, now, attempt)]

    def _assign(self, request: dict[str, Any], agent: str, now: float, attempt: int) -> Assigned:
        ticket_id = request["ticket_id"]
        digest = hashlib.sha256(
            f"{self.group_id}|{ticket_id}|{agent}|{attempt}".encode()
        ).hexdigest()[:32]
        self._assignments[ticket_id] = {
            "agent_id": agent,
            "attempt": attempt,
            "assigned_at": now,
            "request": {k: v for k, v in request.items() if k != "attempt"},
        }
        self._changes.touch("assignments", ticket_id)
        explanation = Explanation(
            self.config.policy, tuple(self._eligible() or [agent]), {}, ("least_loaded",)
        )
        return Assigned(
            ticket_id=ticket_id,
            agent_id=agent,
            assignment_id=digest,
            policy=self.config.policy,
            step="strict",
            attempt=attempt,
            waited_s=max(0.0, now - float(request["arrived_at"])),
            automated=bool(self._agents[agent]["automated"]),
            explanation=explanation,
        )

    def _pull(self, now: float) -> list[Any]:
        out: list[Any] = []
        for pending in self.pending():
            eligible = self._eligible()
            if not eligible:
                break
            data = self._pending.pop(pending.request["ticket_id"])
            self._changes.touch("pending", data["ticket_id"])
            attempt = int(data.pop("attempt", 1))
            agent = min(eligible, key=lambda a: (self.queue_depth(a), a))
            out.append(self._assign(data, agent, now, attempt))
        return out


@dataclass(frozen=True)
class _AgentState:
    agent_id: str
    status: str
    capacity: int
    automated: bool
    skills: dict[str, str]


class _Pending:
    def __init__(self, data: dict[str, Any]) -> None:
        self.request = _Request(data)
        self.arrived_at = float(data["arrived_at"])
        self.step = "strict"


class _Request:
    def __init__(self, data: dict[str, Any]) -> None:
        self.ticket_id = data["ticket_id"]
        self.priority = int(data["priority"])
        self.category = data.get("category")
        self.arrived_at = float(data["arrived_at"])
        # kept for the fake's own bookkeeping
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class FakeCore:
    """The module-like object ``build_app(core=...)`` takes (names of ``router``)."""

    RoutingGroup = RoutingGroup
    GroupConfig = GroupConfig
    TicketRequest = TicketRequest
    AgentUpdate = AgentUpdate
