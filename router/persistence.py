"""A routing group as plain data: export, restore, and the changes since the last drain.

Kinds and keys::

    agents       agent_id   -> AgentState.to_dict()
    assignments  ticket_id  -> Assignment.to_dict() (assigned and closed records)
    pending      ticket_id  -> PendingTicket.to_dict()
    velocity     agent_id   -> {category: [mean_s, n, updated_at]}
    meta         "cursor" -> last agent assigned; "fairness" -> [[at, agent_id], ...];
                 "customer:<id>" -> [agent_id, at]; "team_velocity" -> the team's
                 {category: [mean_s, n, updated_at]} (with ``shortest_first`` only)

Open tickets per agent are not stored: they are the assigned records, so queue depth
always equals open assignments after a restore. Timers are derived from the pending
tickets, closed records and offline agents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from router.agents import AgentState
from router.pending import PendingTicket
from router.registry import Assignment

if TYPE_CHECKING:
    from router.group import RoutingGroup

__all__ = ["KINDS", "drain", "export", "restore"]

KINDS = ("agents", "assignments", "pending", "velocity", "meta")


def _value(group: RoutingGroup, kind: str, key: str) -> Any:
    if kind == "agents":
        agent = group.book.get(key)
        return None if agent is None else agent.to_dict()
    if kind == "assignments":
        record = group.assignments.get(key)
        return None if record is None else record.to_dict()
    if kind == "pending":
        ticket = group.queue.get(key)
        return None if ticket is None else ticket.to_dict()
    if kind == "velocity":
        return group.velocity_book.export(key)
    if key == "cursor":
        return group.cursor
    if key == "fairness":
        return group.fairness.export()
    if key == "team_velocity":
        return group.velocity_book.export_team()
    if key.startswith("customer:"):
        last = group.customers.get(key[len("customer:") :])
        return None if last is None else [last[0], last[1]]
    raise KeyError(f"unknown meta key {key!r}")


def drain(group: RoutingGroup) -> dict[str, dict[str, Any]]:
    """Changed entities since the last drain, then forget them."""
    out: dict[str, dict[str, Any]] = {}
    for kind, keys in group.dirty.items():
        if keys:
            out[kind] = {key: _value(group, kind, key) for key in keys}
            keys.clear()
    return out


def export(group: RoutingGroup) -> dict[str, dict[str, Any]]:
    """Every entity of the group."""
    meta: dict[str, Any] = {"cursor": group.cursor, "fairness": group.fairness.export()}
    if group.config.shortest_first:
        meta["team_velocity"] = group.velocity_book.export_team()
    for customer, (agent_id, at) in group.customers.items():
        meta["customer:" + customer] = [agent_id, at]
    velocity = {}
    for agent_id in group.book.agents:
        data = group.velocity_book.export(agent_id)
        if data is not None:
            velocity[agent_id] = data
    return {
        "agents": {k: a.to_dict() for k, a in group.book.agents.items()},
        "assignments": {k: r.to_dict() for k, r in group.assignments.items()},
        "pending": {k: t.to_dict() for k, t in group.queue.tickets.items()},
        "velocity": velocity,
        "meta": meta,
    }


def restore(group: RoutingGroup, entities: Mapping[str, Mapping[str, Any]]) -> None:
    """Load ``entities`` into an empty ``group`` (keys are applied in sorted order)."""
    velocity = entities.get("velocity", {})
    for agent_id in sorted(velocity):
        group.velocity_book.restore(agent_id, dict(velocity[agent_id]))
    agents = entities.get("agents", {})
    for agent_id in sorted(agents):
        group.book.add(AgentState.from_dict(agent_id, agents[agent_id]))
    records = entities.get("assignments", {})
    for ticket_id in sorted(records):
        record = Assignment.from_dict(ticket_id, records[ticket_id])
        group.assignments[ticket_id] = record
        if record.state == "assigned" and record.agent_id is not None:
            agent = group.book.get(record.agent_id) or group.book.placeholder(record.agent_id)
            agent.open[ticket_id] = None
        elif record.closed_at is not None:
            subject = "c:" + ticket_id
            group.timers.add(record.closed_at + group.config.closed_retention_s, "prune", subject)
    for agent in group.book:
        group.book.refresh(agent)
        if agent.reroute_at is not None:
            group.timers.add(agent.reroute_at, "offline", "a:" + agent.agent_id)
    meta = entities.get("meta", {})
    group.cursor = meta.get("cursor")
    group.fairness.restore(list(meta.get("fairness") or []))
    group.velocity_book.restore_team(dict(meta.get("team_velocity") or {}))
    customers = sorted(
        (float(v[1]), k[len("customer:") :], str(v[0]))
        for k, v in meta.items()
        if k.startswith("customer:") and v is not None
    )
    for at, customer, agent_id in customers:
        group.customers[customer] = (agent_id, at)
        group._customer_times.append((at, customer))
    pending = entities.get("pending", {})
    for ticket_id in sorted(pending):
        ticket = PendingTicket.from_dict(pending[ticket_id])
        group._enqueue(ticket, ticket.queued_at)
    for kind in group.dirty.values():
        kind.clear()
