"""The in-memory books: one ``RoutingGroup`` per tenant, rebuilt lazily from the table.

:class:`GroupBooks` is the cache the routing processor uses. The first event of a tenant
after a partition assignment restores the tenant's group from the table
(``RoutingGroup.restore``); a rebalance drops every group (they are rebuilt on demand),
so a worker never decides with books of a partition it no longer owns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from streams.app.tables import OUTBOX, read_tenant

__all__ = ["GroupBooks", "GroupConfigs", "core_of", "view_of"]

log = logging.getLogger(__name__)


class GroupConfigs:
    """``GroupConfig`` per tenant from ``{"default": {...}, "groups": {tenant: {...}}}``."""

    def __init__(self, data: Mapping[str, Any], core: Any = None) -> None:
        self.core = core
        self.default: dict[str, Any] = dict(data.get("default") or {})
        self.groups: dict[str, dict[str, Any]] = {
            tenant: dict(cfg or {}) for tenant, cfg in dict(data.get("groups") or {}).items()
        }
        self._built: dict[str, Any] = {}

    def for_tenant(self, tenant: str) -> Any:
        """The core's ``GroupConfig`` of ``tenant`` (defaults merged with its overrides)."""
        built = self._built.get(tenant)
        if built is None:
            merged = {**self.default, **self.groups.get(tenant, {})}
            built = self._built[tenant] = core_of(self.core).GroupConfig.from_dict(merged)
        return built

    def check(self) -> None:
        """Build the default and every named group's config (ConfigError names the key)."""
        self.for_tenant("\x00default")
        for tenant in self.groups:
            self.for_tenant(tenant)


def core_of(core: Any) -> Any:
    """The decision core: ``core`` when given (tests), else the :mod:`router` package."""
    if core is not None:
        return core
    import router

    return router


class GroupBooks:
    """Tenant -> ``RoutingGroup``, restored from table items on first use.

    ``items`` lists the table's entries of this worker's active partitions. The first
    restore after a rebalance scans them once and keeps them per tenant until every
    tenant is restored or the next rebalance (a scan per tenant would be quadratic).
    """

    def __init__(
        self,
        configs: GroupConfigs,
        items: Callable[[], Iterable[tuple[str, Any]]],
        core: Any = None,
    ) -> None:
        self.configs = configs
        self.core = core if core is not None else configs.core
        self._items = items
        self._groups: dict[str, Any] = {}
        self._scanned: dict[str, list[tuple[str, Any]]] | None = None
        self.restored: list[str] = []
        """Tenants restored since the last :meth:`take_restored` (the view re-syncs them)."""
        self.outbox: dict[str, dict[str, Any]] = {}
        """Undelivered outbox entries found when restoring, per tenant (to send again)."""
        self.repairs: dict[str, dict[str, dict[str, Any]]] = {}
        """The journal's change set per restored tenant (written again with its next event)."""

    def __contains__(self, tenant: object) -> bool:
        return tenant in self._groups

    def tenants(self) -> list[str]:
        """Tenants with books in memory."""
        return list(self._groups)

    def get(self, tenant: str) -> Any:
        """The tenant's group, restoring it from the table the first time."""
        group = self._groups.get(tenant)
        if group is None:
            group = self._restore(tenant)
        return group

    def peek(self, tenant: str) -> Any | None:
        """The tenant's group if it is in memory (never restores)."""
        return self._groups.get(tenant)

    def _entries(self, tenant: str) -> list[tuple[str, Any]]:
        if self._scanned is None:
            scanned: dict[str, list[tuple[str, Any]]] = {}
            for full, value in self._items():
                name = full.split("|", 1)[0]
                scanned.setdefault(name, []).append((full, value))
            self._scanned = scanned
        return self._scanned.pop(tenant, [])

    def _restore(self, tenant: str) -> Any:
        core = core_of(self.core)
        entities, journal = read_tenant(self._entries(tenant), tenant)
        outbox = entities.pop(OUTBOX, {})
        if journal:
            self.repairs[tenant] = journal
        config = self.configs.for_tenant(tenant)
        if any(entities.values()):
            group = core.RoutingGroup.restore(tenant, config, entities)
            group.drain_changes()  # restored state is already in the table
            log.info(
                "restored books of tenant %s (%s)",
                tenant,
                ", ".join(f"{k}={len(v)}" for k, v in entities.items() if v),
            )
        else:
            group = core.RoutingGroup(tenant, config)
        if outbox:
            self.outbox[tenant] = outbox
        self._groups[tenant] = group
        self.restored.append(tenant)
        return group

    def take_outbox(self, tenant: str) -> dict[str, Any]:
        """Undelivered outbox entries of a just-restored tenant (once)."""
        return self.outbox.pop(tenant, {})

    def take_repair(self, tenant: str) -> dict[str, dict[str, Any]]:
        """The journal's change set of a just-restored tenant (once)."""
        return self.repairs.pop(tenant, {})

    def take_restored(self) -> list[str]:
        """Tenants restored since the last call."""
        out, self.restored = self.restored, []
        return out

    def forget(self, tenant: str) -> None:
        """Drop one tenant's books (rebuilt from the table on its next event)."""
        self._groups.pop(tenant, None)
        self.outbox.pop(tenant, None)
        self.repairs.pop(tenant, None)
        self._scanned = None

    def clear(self) -> None:
        """Drop every group (after a rebalance; they are rebuilt lazily)."""
        if self._groups:
            log.info("dropping books of %d tenants after a rebalance", len(self._groups))
        self._groups.clear()
        self._scanned = None
        self.outbox.clear()
        self.repairs.clear()


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def view_of(group: Any, now: float) -> Any:
    """The Redis view snapshot (:class:`~streams.app.redis_view.TenantView`) of a group."""
    from streams.app.redis_view import AgentView, PendingView, TenantView

    agents = group.agents()
    items = agents.values() if isinstance(agents, Mapping) else agents
    view = TenantView()
    for agent in items:
        agent_id = str(_get(agent, "agent_id"))
        status = _get(agent, "status", "offline")
        velocity = _velocity(group, agent_id)
        view.agents.append(
            AgentView(
                agent_id=agent_id,
                status=str(getattr(status, "value", status)),
                capacity=int(_get(agent, "capacity", 0) or 0),
                depth=int(group.queue_depth(agent_id)),
                velocity_s=velocity,
                automated=bool(_get(agent, "automated", False)),
            )
        )
    for ticket in group.pending():
        arrived = _get(ticket, "arrived_at")
        request = _get(ticket, "ticket", None) or _get(ticket, "request", None)
        if arrived is None and request is not None:
            arrived = _get(request, "arrived_at")
        source = request if request is not None else ticket
        view.pending.append(
            PendingView(
                ticket_id=str(_get(source, "ticket_id")),
                priority=int(_get(source, "priority", 4) or 4),
                waited_s=max(0.0, now - float(arrived)) if arrived is not None else 0.0,
                category=_get(source, "category"),
            )
        )
    return view


def _velocity(group: Any, agent_id: str) -> float:
    try:
        value = group.velocity(agent_id)
    except TypeError:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    for name in ("mean_handling_s", "mean_s", "mean"):
        inner = _get(value, name)
        if isinstance(inner, int | float):
            return float(inner)
    return 0.0
