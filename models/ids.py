"""Deterministic identifiers, so redelivered input yields the same output ids."""

from __future__ import annotations

import hashlib

__all__ = ["assignment_id", "derived_event_id"]

_SEP = "\x1f"


def _digest(*parts: str) -> str:
    return hashlib.sha256(_SEP.join(parts).encode("utf-8")).hexdigest()[:32]


def assignment_id(tenant: str, ticket_id: str, agent_id: str, attempt: int) -> str:
    """32 hex chars identifying one assignment of a ticket to an agent.

    The same (tenant, ticket, agent, attempt) always gives the same id, across processes
    and Python versions (SHA-256, not ``hash()``), so connectors can de-duplicate.
    """
    if attempt < 1:
        raise ValueError(f"attempt must be >= 1, got {attempt}")
    return _digest("assignment/v1", tenant, ticket_id, agent_id, str(attempt))


def derived_event_id(kind: str, *parts: str) -> str:
    """A stable event id for an output derived from input (e.g. the input's event_id)."""
    return _digest("event/v1", kind, *parts)
