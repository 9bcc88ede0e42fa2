"""The demo scenario of DOMAIN.md: one agent holds 47 open tickets, an equal colleague 8.

1. Two equally skilled agents come online (same skills, capacity, speed).
2. ``heavy + light`` tickets are created at once. As soon as the router has placed each
   one (a ``ticket-assigned`` or a ``queued`` router event is seen), a human lead
   reassigns it in the helpdesk (``ticket-updated`` ``{kind: reassigned}``) so that the
   first agent holds ``heavy`` (47) and the second ``light`` (8): the router's books show
   the same uneven depths a badly distributed afternoon leaves behind.
3. Then new tickets arrive at ``rate`` per second while both agents keep working (one
   ticket at a time, same speed, so both close at the same pace): whatever evens the
   depths out is the router's doing.

If the router does not answer within ``preload_timeout_s`` (worker not running), phase 3
starts anyway and :attr:`DemoWorkload.warnings` says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import AgentStatus, CustomerTier, Event, Proficiency
from models.updates import Reassigned
from streams.loadgen.population import AgentProfile, Customer
from streams.loadgen.schedule import ArrivalProcess
from streams.loadgen.workload import Workload

__all__ = ["DemoConfig", "DemoWorkload"]

_SKILLS = {
    "access": Proficiency.ADVANCED,
    "billing": Proficiency.ADVANCED,
    "howto": Proficiency.ADVANCED,
    "account": Proficiency.INTERMEDIATE,
    # both are generalists in the rest, so a mis-triaged ticket still finds them
    **dict.fromkeys(
        ("api", "bug", "performance", "data", "security", "enterprise"), Proficiency.INTERMEDIATE
    ),
}
_CATEGORIES = ("access", "billing", "howto", "account")


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """Knobs of the demo scenario."""

    tenant: str = "demo"
    heavy_agent: str = "ana"
    light_agent: str = "ben"
    heavy: int = 47
    light: int = 8
    capacity: int = 50
    rate: float = 0.6
    """New tickets per second once the backlog is in place."""
    service_time_s: float = 3.0
    seed: int = 0
    preload_timeout_s: float = 20.0


class DemoWorkload(Workload):
    """Two agents, an uneven backlog made by a human, then a steady stream of tickets."""

    def __init__(self, config: DemoConfig, start: float) -> None:
        super().__init__(config.seed, start, config.service_time_s)
        self.config = config
        tenant = config.tenant
        self.agents[tenant] = [
            AgentProfile(name, dict(_SKILLS), config.capacity, ("en",), speed=1.0, parallel=1)
            for name in (config.heavy_agent, config.light_agent)
        ]
        for agent in self.agents[tenant]:
            self.desks.add_agent(tenant, agent)
        self.customers = [
            Customer(f"cust-demo-{i:03d}", CustomerTier.STANDARD, "en") for i in range(60)
        ]
        self.target: dict[str, str] = {}
        self.placed: set[str] = set()
        self.warnings: list[str] = []
        self.backlog_ready_at: float | None = None
        self.depths_after_backlog: dict[str, int] = {}
        self.arrivals: ArrivalProcess | None = None
        self.due.push(start, self._agents_online)
        self.due.push(start + 0.5, self._backlog)
        self.due.push(start + 0.5 + config.preload_timeout_s, self._backlog_timeout)

    def _agents_online(self, now: float) -> list[Event]:
        tenant = self.config.tenant
        return [self.status_event(tenant, a, AgentStatus.ONLINE, now) for a in self.agents[tenant]]

    def _new_ticket(self, now: float) -> tuple[Event, str]:
        customer = self.customers[self.rng.randrange(len(self.customers))]
        category = self.rng.choice(_CATEGORIES)
        event, spec = self.factory.create(self.config.tenant, customer, now, category=category)
        self.tickets[(spec.tenant, spec.ticket_id)] = spec
        self.stats.tickets_open = len(self.tickets)
        return event, spec.ticket_id

    def _backlog(self, now: float) -> list[Event]:
        events = []
        cfg = self.config
        for i in range(cfg.heavy + cfg.light):
            event, ticket_id = self._new_ticket(now + i * 0.001)
            self.target[ticket_id] = cfg.heavy_agent if i < cfg.heavy else cfg.light_agent
            events.append(event)
        return events

    def _backlog_timeout(self, now: float) -> list[Event]:
        if self.backlog_ready_at is None:
            missing = len(self.target) - len(self.placed)
            self.warnings.append(
                f"the router placed {len(self.placed)} of {len(self.target)} backlog tickets "
                f"within {self.config.preload_timeout_s:.0f} s ({missing} missing): is the "
                "worker running (`ticket-router worker`)? Continuing with new tickets."
            )
            self._start_arrivals(now)
        return []

    def _start_arrivals(self, now: float) -> None:
        self.backlog_ready_at = now
        self.depths_after_backlog = self.depths(self.config.tenant)
        self.arrivals = ArrivalProcess(self.config.rate, now, self.rng)
        self.due.push(self.arrivals.next_at, self._arrival)

    def _arrival(self, now: float) -> list[Event]:
        assert self.arrivals is not None
        self.arrivals.advance()
        self.due.push(self.arrivals.next_at, self._arrival)
        event, _ = self._new_ticket(now)
        return [event]

    def _place(self, tenant: str, ticket_id: str, router_agent: str | None, now: float) -> None:
        """First sighting of a backlog ticket: the lead moves it where the scenario wants."""
        target = self.target[ticket_id]
        self.placed.add(ticket_id)
        spec = self.tickets.get((tenant, ticket_id))
        if spec is None:
            return
        self.desks.assign(tenant, ticket_id, target, spec.category, now)
        if router_agent != target:
            change = Reassigned(agent_id=target, by="lead")
            update = self.update_event(tenant, ticket_id, change, now)
            self.due.push(now, lambda _at, update=update: [update])  # type: ignore[misc]
        if len(self.placed) == len(self.target) and self.backlog_ready_at is None:
            self.due.push(now + 1.0, self._ready)

    def _ready(self, now: float) -> list[Event]:
        if self.backlog_ready_at is None:
            self._start_arrivals(now)
        return []

    def on_assigned(self, tenant: str, ticket_id: str, agent_id: str, now: float) -> None:
        """Backlog tickets are moved by the lead on first sight; later ones are worked on."""
        if ticket_id in self.target and ticket_id not in self.placed:
            if (tenant, ticket_id) in self.tickets:
                self.stats.assigned_seen += 1
            self._place(tenant, ticket_id, agent_id, now)
            return
        super().on_assigned(tenant, ticket_id, agent_id, now)

    def on_queued(self, tenant: str, ticket_id: str, now: float) -> None:
        """A queued backlog ticket is assigned by the lead by hand."""
        super().on_queued(tenant, ticket_id, now)
        if ticket_id in self.target and ticket_id not in self.placed:
            self._place(tenant, ticket_id, None, now)
