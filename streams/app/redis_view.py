"""The Redis live view: what ``ticket-router status`` and dashboards read.

Key layout (prefix ``p`` = ``TICKET_ROUTER_REDIS_PREFIX``, default ``tr``)::

    {p}:tenants                    set of tenant ids
    {p}:{tenant}:agent:{agent_id}  hash: status, capacity, depth, velocity_s, automated, updated_at
    {p}:{tenant}:load              zset: agent_id -> depth/capacity (capacity 0 -> 1.0)
    {p}:{tenant}:pending           hash: p1..p4 -> waiting tickets, plus total
    {p}:{tenant}:pending:list      list of JSON {ticket_id, priority, waited_s, category} (first 50)
    {p}:{tenant}:decisions         list (newest first, at most 100) of JSON decision summaries

The view is a mirror, never a source of truth: the routing processor marks tenants
dirty and queues decision summaries; :meth:`RedisView.flush` (a background timer)
writes each dirty tenant in one MULTI/EXEC pipeline from the in-memory books. When Redis
fails, the error is logged and counted, routing carries on, and once Redis answers again
every tenant is re-written from the books (decisions queued meanwhile, up to 100 per
tenant, are written too).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

__all__ = ["DECISIONS_KEPT", "PENDING_LISTED", "AgentView", "RedisView", "TenantView"]

log = logging.getLogger(__name__)

DECISIONS_KEPT = 100
PENDING_LISTED = 50


@dataclass(frozen=True, slots=True)
class AgentView:
    """One agent as the view shows it."""

    agent_id: str
    status: str
    capacity: int
    depth: int
    velocity_s: float
    automated: bool

    @property
    def load(self) -> float:
        """depth / capacity (1.0 when capacity is 0)."""
        return self.depth / self.capacity if self.capacity > 0 else 1.0


@dataclass(frozen=True, slots=True)
class PendingView:
    """One waiting ticket as the view shows it."""

    ticket_id: str
    priority: int
    waited_s: float
    category: str | None


@dataclass(slots=True)
class TenantView:
    """A snapshot of one tenant's books for the view."""

    agents: list[AgentView] = field(default_factory=list)
    pending: list[PendingView] = field(default_factory=list)

    def pending_counts(self) -> dict[int, int]:
        """Waiting tickets by priority 1..4."""
        counts = {1: 0, 2: 0, 3: 0, 4: 0}
        for item in self.pending:
            counts[item.priority] = counts.get(item.priority, 0) + 1
        return counts


class RedisView:
    """Writes tenant snapshots and decisions to Redis, best effort."""

    def __init__(
        self,
        client: Any,
        prefix: str,
        *,
        on_error: Callable[[], None] | None = None,
        on_resync: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self._dirty: set[str] = set()
        self._decisions: dict[str, deque[bytes]] = {}
        self._resync = True  # first flush writes every tenant
        self._healthy = True
        self._last_error_log = 0.0
        self._on_error = on_error
        self._on_resync = on_resync

    @property
    def healthy(self) -> bool:
        """False while the last write failed."""
        return self._healthy

    def mark(self, tenant: str) -> None:
        """The tenant's books changed."""
        self._dirty.add(tenant)

    def decision(self, tenant: str, summary: dict[str, Any]) -> None:
        """Queue a decision summary for the tenant's decisions list."""
        queue = self._decisions.setdefault(tenant, deque(maxlen=DECISIONS_KEPT))
        queue.append(orjson.dumps(summary))
        self._dirty.add(tenant)

    def resync(self) -> None:
        """Re-write every tenant at the next flush (after a rebalance or an outage)."""
        self._resync = True

    async def flush(self, tenants: list[str], snapshot: Callable[[str], TenantView | None]) -> int:
        """Write dirty tenants (all of ``tenants`` after a failure); tenants written."""
        if self._resync:
            self._dirty.update(tenants)
        todo = [t for t in self._dirty if t in tenants or t in self._decisions]
        if not todo:
            return 0
        resyncing = self._resync
        written = 0
        try:
            for tenant in todo:
                view = snapshot(tenant)
                await self._write(tenant, view)
                self._dirty.discard(tenant)
                self._decisions.pop(tenant, None)
                written += 1
        except Exception as exc:  # Redis down or refusing: routing carries on
            self._failed(exc)
            return written
        if not self._healthy:
            log.info("Redis view reachable again; re-synced %d tenants from the books", written)
        if resyncing:
            self._resync = False
            if self._on_resync is not None:
                self._on_resync()
        self._healthy = True
        return written

    def _failed(self, exc: BaseException) -> None:
        self._resync = True
        self._healthy = False
        if self._on_error is not None:
            self._on_error()
        now = time.monotonic()
        if now - self._last_error_log > 10.0:
            self._last_error_log = now
            log.warning(
                "Redis view write failed (%s: %s); routing continues, the view will be "
                "re-synced when Redis answers",
                type(exc).__name__,
                exc,
            )

    async def _write(self, tenant: str, view: TenantView | None) -> None:
        p = f"{self.prefix}:{tenant}"
        pipe = self.client.pipeline(transaction=True)
        pipe.sadd(f"{self.prefix}:tenants", tenant)
        if view is not None:
            now = time.time()
            for agent in view.agents:
                pipe.hset(
                    f"{p}:agent:{agent.agent_id}",
                    mapping={
                        "status": agent.status,
                        "capacity": agent.capacity,
                        "depth": agent.depth,
                        "velocity_s": round(agent.velocity_s, 3),
                        "automated": int(agent.automated),
                        "updated_at": round(now, 3),
                    },
                )
            pipe.delete(f"{p}:load")
            if view.agents:
                pipe.zadd(f"{p}:load", {a.agent_id: a.load for a in view.agents})
            counts = view.pending_counts()
            pipe.delete(f"{p}:pending", f"{p}:pending:list")
            pipe.hset(
                f"{p}:pending",
                mapping={**{f"p{k}": v for k, v in counts.items()}, "total": len(view.pending)},
            )
            listed = [
                orjson.dumps(
                    {
                        "ticket_id": item.ticket_id,
                        "priority": item.priority,
                        "waited_s": round(item.waited_s, 3),
                        "category": item.category,
                    }
                )
                for item in view.pending[:PENDING_LISTED]
            ]
            if listed:
                pipe.rpush(f"{p}:pending:list", *listed)
        decisions = self._decisions.get(tenant)
        if decisions:
            pipe.lpush(f"{p}:decisions", *decisions)
            pipe.ltrim(f"{p}:decisions", 0, DECISIONS_KEPT - 1)
        await pipe.execute()
