"""The realistic mix: agents coming and going, bursts of tickets, updates and closes.

New traffic arrives as a bursty Poisson process at ``rate`` events per second; each
arrival is a new ticket (most), an update of an open ticket (customer reply, priority or
tier change, a human reassignment), an agent going away or offline (they come back
later), a capacity change, a spam close or the reopening of a recently closed ticket.
Closes of assigned tickets come from the agents' simulated work (:mod:`.desks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import AgentStatus, CustomerTier, Event, HelpdeskPriority, Resolution
from models.updates import CustomerReplied, PriorityChanged, Reassigned, Reopened, TierChanged
from streams.loadgen.population import AgentProfile, make_agents, make_customers
from streams.loadgen.schedule import ArrivalProcess, BurstProfile
from streams.loadgen.texts import CATEGORY_WEIGHTS
from streams.loadgen.tickets import TicketSpec
from streams.loadgen.workload import Workload

__all__ = ["TENANT_NAMES", "MixConfig", "MixWorkload", "tenant_names"]

TENANT_NAMES = ("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka")

# (kind, weight) of a spontaneous arrival
_KINDS = (
    ("ticket", 86.0),
    ("reply", 4.0),
    ("priority", 2.0),
    ("tier", 0.5),
    ("reassign", 1.0),
    ("away", 2.0),
    ("capacity", 1.0),
    ("spam", 1.5),
    ("reopen", 2.0),
)
_RESOLUTIONS = (
    (Resolution.SOLVED, 90),
    (Resolution.DUPLICATE, 4),
    (Resolution.CANCELLED, 3),
    (Resolution.UNRESPONSIVE, 3),
)


def tenant_names(count: int, base: str | None = None) -> list[str]:
    """``count`` tenant ids: well-known names, or ``base``, ``base-2``, ..."""
    if base:
        return [base if i == 0 else f"{base}-{i + 1}" for i in range(count)]
    return [TENANT_NAMES[i] if i < len(TENANT_NAMES) else f"tenant-{i + 1}" for i in range(count)]


@dataclass(frozen=True, slots=True)
class MixConfig:
    """Knobs of the mixed workload."""

    rate: float = 20.0
    tenants: int = 1
    agents_per_tenant: int = 12
    customers_per_tenant: int = 300
    seed: int = 0
    service_time_s: float | None = None
    """Mean handling time; None = chosen so agents are ~70 % busy at ``rate``."""
    tenant_name: str | None = None
    bursts: BurstProfile = field(default_factory=BurstProfile)
    late_agents: float = 0.2
    """Share of agents who come online during the first 30 s instead of at once."""

    def effective_service_time(self) -> float:
        """Handling time that keeps the busiest tenant's agents about 70 % utilised."""
        if self.service_time_s is not None:
            return self.service_time_s
        weights = [1.0 / (i + 1) for i in range(max(self.tenants, 1))]
        busiest = self.rate * 0.86 * weights[0] / sum(weights)
        hands = self.agents_per_tenant * 2.0 * (1.0 - self.late_agents / 2)
        return max(0.7 * hands / max(busiest, 1e-6), 0.2)


class MixWorkload(Workload):
    """Realistic traffic for one or more tenants (see the module docstring)."""

    def __init__(self, config: MixConfig, start: float) -> None:
        super().__init__(config.seed, start, config.effective_service_time())
        self.config = config
        categories = list(CATEGORY_WEIGHTS)
        self.customers = {}
        names = tenant_names(config.tenants, config.tenant_name)
        self._tenant_weights = [1.0 / (i + 1) for i in range(len(names))]
        for index, tenant in enumerate(names):
            agents = make_agents(index, config.agents_per_tenant, categories, self.rng)
            self.agents[tenant] = agents
            self.customers[tenant] = make_customers(index, config.customers_per_tenant, self.rng)
            for agent in agents:
                self.desks.add_agent(tenant, agent)
                late = self.rng.random() < config.late_agents
                at = start + (self.rng.uniform(5.0, 30.0) if late else self.rng.uniform(0, 0.5))
                self.due.push(at, self._coming_online(tenant, agent))
        self.arrivals = ArrivalProcess(config.rate, start, self.rng, config.bursts)
        self._open: list[tuple[str, str]] = []
        self._open_index: dict[tuple[str, str], int] = {}
        self._recently_closed: list[TicketSpec] = []
        self.due.push(self.arrivals.next_at, self._arrival)

    def _coming_online(self, tenant: str, agent: AgentProfile):  # type: ignore[no-untyped-def]
        return lambda now: self.agent_back(tenant, agent, now)

    # -- open-ticket set with O(1) random pick and removal ------------------------------
    def _add_open(self, key: tuple[str, str]) -> None:
        self._open_index[key] = len(self._open)
        self._open.append(key)

    def _drop_open(self, key: tuple[str, str]) -> None:
        index = self._open_index.pop(key, None)
        if index is None:
            return
        last = self._open.pop()
        if index < len(self._open):
            self._open[index] = last
            self._open_index[last] = index

    def _pick_open(self) -> TicketSpec | None:
        while self._open:
            key = self._open[self.rng.randrange(len(self._open))]
            spec = self.tickets.get(key)
            if spec is not None:
                return spec
            self._drop_open(key)
        return None

    # -- arrivals ---------------------------------------------------------------------
    def _arrival(self, now: float) -> list[Event]:
        self.arrivals.advance()
        self.due.push(self.arrivals.next_at, self._arrival)
        kinds = [k for k, _ in _KINDS]
        kind = self.rng.choices(kinds, weights=[w for _, w in _KINDS])[0]
        events = getattr(self, f"_spawn_{kind}")(now)
        return events or self._spawn_ticket(now)

    def _spawn_ticket(self, now: float) -> list[Event]:
        tenants = list(self.agents)
        tenant = self.rng.choices(tenants, weights=self._tenant_weights)[0]
        pool = self.customers[tenant]
        customer = pool[min(int(self.rng.paretovariate(1.2)) - 1, len(pool) - 1)]
        event, spec = self.factory.create(tenant, customer, now)
        self.tickets[(tenant, spec.ticket_id)] = spec
        self._add_open((tenant, spec.ticket_id))
        self.stats.tickets_open = len(self.tickets)
        return [event]

    def _spawn_reply(self, now: float) -> list[Event]:
        spec = self._pick_open()
        if spec is None:
            return []
        return [self.update_event(spec.tenant, spec.ticket_id, CustomerReplied(), now)]

    def _spawn_priority(self, now: float) -> list[Event]:
        spec = self._pick_open()
        if spec is None:
            return []
        priority = self.rng.choice((HelpdeskPriority.HIGH, HelpdeskPriority.URGENT))
        change = PriorityChanged(helpdesk_priority=priority)
        return [self.update_event(spec.tenant, spec.ticket_id, change, now)]

    def _spawn_tier(self, now: float) -> list[Event]:
        spec = self._pick_open()
        if spec is None or spec.tier != CustomerTier.STANDARD:
            return []
        change = TierChanged(tier=CustomerTier.ENTERPRISE)
        return [self.update_event(spec.tenant, spec.ticket_id, change, now)]

    def _spawn_reassign(self, now: float) -> list[Event]:
        spec = self._pick_open()
        if spec is None:
            return []
        holder = self.desks.assignee.get((spec.tenant, spec.ticket_id))
        if holder is None:
            return []
        others = [
            a
            for a in self.agents[spec.tenant]
            if a.agent_id != holder and a.status == AgentStatus.ONLINE and spec.category in a.skills
        ]
        if not others:
            return []
        target = self.rng.choice(others)
        lead = self.agents[spec.tenant][0].agent_id
        self.desks.assign(spec.tenant, spec.ticket_id, target.agent_id, spec.category, now)
        change = Reassigned(agent_id=target.agent_id, by=lead)
        return [self.update_event(spec.tenant, spec.ticket_id, change, now)]

    def _spawn_away(self, now: float) -> list[Event]:
        tenant = self.rng.choice(list(self.agents))
        online = [a for a in self.agents[tenant] if a.status == AgentStatus.ONLINE]
        if len(online) * 2 <= len(self.agents[tenant]):
            return []
        agent = self.rng.choice(online)
        offline = self.rng.random() < 0.3
        status = AgentStatus.OFFLINE if offline else AgentStatus.AWAY
        back = now + (self.rng.uniform(60, 150) if offline else self.rng.uniform(15, 60))
        agent.away_until = back
        self.due.push(back, self._coming_online(tenant, agent))
        return [self.status_event(tenant, agent, status, now)]

    def _spawn_capacity(self, now: float) -> list[Event]:
        tenant = self.rng.choice(list(self.agents))
        online = [a for a in self.agents[tenant] if a.status == AgentStatus.ONLINE]
        if not online:
            return []
        agent = self.rng.choice(online)
        agent.capacity = max(2, min(agent.capacity + self.rng.choice((-2, -1, 1, 2)), 12))
        return [self.status_event(tenant, agent, AgentStatus.ONLINE, now)]

    def _spawn_spam(self, now: float) -> list[Event]:
        spec = self._pick_open()
        if spec is None or (spec.tenant, spec.ticket_id) in self.desks.assignee:
            return []
        self._drop_open((spec.tenant, spec.ticket_id))
        return [
            self.close_event(
                spec.tenant, spec.ticket_id, now, resolved_by=None, resolution=Resolution.SPAM
            )
        ]

    def _spawn_reopen(self, now: float) -> list[Event]:
        if not self._recently_closed:
            return []
        spec = self._recently_closed.pop(self.rng.randrange(len(self._recently_closed)))
        self.tickets[(spec.tenant, spec.ticket_id)] = spec
        self._add_open((spec.tenant, spec.ticket_id))
        return [self.update_event(spec.tenant, spec.ticket_id, Reopened(), now)]

    # -- closes ---------------------------------------------------------------------------
    def closing(self, spec: TicketSpec, agent_id: str, now: float):  # type: ignore[no-untyped-def]
        """Mostly solved; sometimes a duplicate or cancelled; sometimes relabelled."""
        self._drop_open((spec.tenant, spec.ticket_id))
        resolutions = [r for r, _ in _RESOLUTIONS]
        resolution = self.rng.choices(resolutions, weights=[w for _, w in _RESOLUTIONS])[0]
        final = None
        if self.rng.random() < 0.08:
            final = self.rng.choice([c for c in CATEGORY_WEIGHTS if c != spec.category])
        self._recently_closed.append(spec)
        if len(self._recently_closed) > 200:
            self._recently_closed.pop(0)
        return self.close_event(
            spec.tenant,
            spec.ticket_id,
            now,
            resolved_by=agent_id,
            resolution=resolution,
            final_category=final,
        )
