"""Router ticks: a timer sends ``RouterTick`` per active tenant into ``router-ticks``.

Time-based work (relaxation, SLA warnings, escalation) then runs inside the routing
processor, in order with the tenant's other events and on the partition that owns the
tenant's table entries (a timer must never write tables itself). Active tenants are
those with books on this worker, plus those found in this worker's table partitions
after a rebalance (so a tenant with waiting tickets but no new events still ticks).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from models import RouterTick, encode

__all__ = ["TickSource", "tick_record"]


def tick_record(tenant: str, now: float) -> tuple[bytes, bytes]:
    """``(key, value)`` of the tick for ``tenant`` at ``now`` (epoch seconds)."""
    at = datetime.fromtimestamp(now, UTC)
    return tenant.encode("utf-8"), encode(RouterTick(tenant=tenant, occurred_at=at, tick_at=at))


class TickSource:
    """Which tenants this worker ticks."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self.needs_scan = True

    def rebalanced(self) -> None:
        """Partitions changed: forget tenants and rescan the table at the next tick."""
        self._known.clear()
        self.needs_scan = True

    def add(self, tenants: Iterable[str]) -> None:
        """Tenants seen in events or in the table."""
        self._known.update(tenants)

    def tenants(self, in_memory: Iterable[str]) -> list[str]:
        """Tenants to tick now (sorted, for reproducible order)."""
        return sorted(self._known.union(in_memory))
