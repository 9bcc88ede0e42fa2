"""The worker's RocksDB table: the routing books of every tenant, by entity.

One Faust table ``books`` keyed ``"{tenant}|{kind}|{key}"`` (kinds: agents, assignments,
pending, velocity, meta) holds what ``RoutingGroup.export_entities()`` returns; each
event writes only the keys ``drain_changes()`` reports (``None`` deletes). The worker's
own kind ``outbox`` holds the output records of an event until they are delivered (see
:mod:`streams.app.outbox`).

Why one table and a journal: Faust writes each table to its own changelog topic, and a
worker killed between two writes of one event would leave the books half-updated (an
assignment without the agent's new depth). With one table, every write of a tenant goes
to one changelog partition, in order. Each event first writes its whole change set under
``"{tenant}|_journal|"`` (one record, atomic), then the individual keys. Restoring
applies the journal over the keys, so the result is always the state after a whole
event: either the last event's keys all landed, or the journal completes them. The
worker that restores a tenant also writes the journal's changes again with the tenant's
next event, so a completion is never lost when the next journal replaces this one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

__all__ = [
    "JOURNAL",
    "KINDS",
    "OUTBOX",
    "entities_of",
    "read_tenant",
    "table_key",
    "tenants_in",
    "write_changes",
]

KINDS = ("agents", "assignments", "pending", "velocity", "meta")
"""Entity kinds of the decision core (others it exports are stored the same way)."""
OUTBOX = "outbox"
"""The worker's kind: undelivered output records per source event."""
JOURNAL = "_journal"

Changes = Mapping[str, Mapping[str, Any]]


def table_key(tenant: str, kind: str, key: str = "") -> str:
    """The table key of one entity (tenants never contain '|')."""
    return f"{tenant}|{kind}|{key}"


def write_changes(table: MutableMapping[str, Any], tenant: str, changes: Changes) -> int:
    """Write one event's change set: the journal first, then each key; the key count."""
    entries = {kind: dict(values) for kind, values in changes.items() if values}
    if not entries:
        return 0
    table[table_key(tenant, JOURNAL)] = {"changes": entries}
    count = 0
    for kind, values in entries.items():
        for key, value in values.items():
            full = table_key(tenant, kind, key)
            if value is None:
                if full in table:
                    del table[full]
            else:
                table[full] = value
            count += 1
    return count


def entities_of(items: Iterable[tuple[str, Any]], tenant: str) -> dict[str, dict[str, Any]]:
    """One tenant's entities (kind -> key -> value) from table items, journal applied."""
    return read_tenant(items, tenant)[0]


def read_tenant(
    items: Iterable[tuple[str, Any]], tenant: str
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """``(entities, journal)`` of one tenant: the entities with the journal applied, and the
    journal's change set (the last event's writes, which the caller writes again: a worker
    killed in the middle of them left the table without some)."""
    prefix = tenant + "|"
    entities: dict[str, dict[str, Any]] = {kind: {} for kind in (*KINDS, OUTBOX)}
    journal: Mapping[str, Any] | None = None
    for full, value in items:
        if not full.startswith(prefix) or value is None:
            continue
        _, kind, key = full.split("|", 2)
        if kind == JOURNAL:
            journal = value
        else:
            entities.setdefault(kind, {})[key] = value
    changes: dict[str, dict[str, Any]] = {}
    if journal:
        for kind, values in dict(journal.get("changes") or {}).items():
            bucket = entities.setdefault(kind, {})
            changes[kind] = dict(values)
            for key, value in values.items():
                if value is None:
                    bucket.pop(key, None)
                else:
                    bucket[key] = value
    return entities, changes


def tenants_in(keys: Iterable[str]) -> set[str]:
    """Tenants that have entries among table keys."""
    return {key.split("|", 1)[0] for key in keys if "|" in key}
