"""Ticket factory: realistic ``TicketCreated`` events (tier, SLA policy, priority, channel)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from models import Channel, CustomerTier, HelpdeskPriority, TicketCreated
from models.tickets import Customer as CustomerPayload
from models.tickets import SlaPolicy
from streams.loadgen.population import Customer
from streams.loadgen.texts import CATEGORY_WEIGHTS, foreign_categories, ticket_text

__all__ = ["SLA_POLICIES", "TicketFactory", "TicketSpec", "utc"]

SLA_POLICIES: dict[CustomerTier, SlaPolicy | None] = {
    CustomerTier.TRIAL: None,
    CustomerTier.STANDARD: SlaPolicy(name="standard-8h", first_response_seconds=8 * 3600),
    CustomerTier.ENTERPRISE: SlaPolicy(name="enterprise-1h", first_response_seconds=3600),
    CustomerTier.VIP: SlaPolicy(name="vip-15m", first_response_seconds=900),
}
"""First-response SLA per customer tier (trial customers have none)."""

_PRIORITY_WEIGHTS = {
    HelpdeskPriority.LOW: 15,
    HelpdeskPriority.NORMAL: 60,
    HelpdeskPriority.HIGH: 20,
    HelpdeskPriority.URGENT: 5,
}
_CHANNEL_WEIGHTS = {
    Channel.EMAIL: 45,
    Channel.WEB: 30,
    Channel.CHAT: 12,
    Channel.PHONE: 5,
    Channel.API: 5,
    Channel.SOCIAL: 3,
}
_MISFILE_RATE = 0.15


def utc(epoch_s: float) -> datetime:
    """Epoch seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(epoch_s, UTC)


@dataclass(frozen=True, slots=True)
class TicketSpec:
    """What the generator knows about a ticket it created (the true category)."""

    tenant: str
    ticket_id: str
    category: str
    tier: CustomerTier
    created_at: float


class TicketFactory:
    """Creates tickets with ids unique to one run (``run_tag``) and a seeded random source."""

    def __init__(self, rng: random.Random, run_tag: str) -> None:
        self._rng = rng
        self._run_tag = run_tag
        self._next = 0

    def event_id(self) -> str:
        """A deterministic (seeded) 32-hex event id."""
        return f"{self._rng.getrandbits(128):032x}"

    def create(
        self,
        tenant: str,
        customer: Customer,
        now: float,
        *,
        category: str | None = None,
        priority: HelpdeskPriority | None = None,
    ) -> tuple[TicketCreated, TicketSpec]:
        """A new ticket from ``customer`` at ``now`` (epoch s)."""
        rng = self._rng
        self._next += 1
        ticket_id = f"{self._run_tag}-{self._next:06d}"
        language = customer.language
        if category is None:
            if language != "en" and foreign_categories(language) and rng.random() < 0.8:
                category = rng.choice(foreign_categories(language))
            else:
                keys = list(CATEGORY_WEIGHTS)
                category = rng.choices(keys, weights=[CATEGORY_WEIGHTS[k] for k in keys])[0]
        if priority is None:
            keys_p = list(_PRIORITY_WEIGHTS)
            priority = rng.choices(keys_p, weights=[_PRIORITY_WEIGHTS[k] for k in keys_p])[0]
        if customer.tier in (CustomerTier.ENTERPRISE, CustomerTier.VIP) and rng.random() < 0.3:
            priority = HelpdeskPriority.HIGH if priority != HelpdeskPriority.URGENT else priority
        urgent = priority == HelpdeskPriority.URGENT or rng.random() < 0.05
        subject, body = ticket_text(
            category, rng, language=language, urgent=urgent, frustrated=rng.random() < 0.08
        )
        picked = category
        if rng.random() < _MISFILE_RATE:
            picked = rng.choice([c for c in CATEGORY_WEIGHTS if c != category])
        channels = list(_CHANNEL_WEIGHTS)
        channel = rng.choices(channels, weights=[_CHANNEL_WEIGHTS[k] for k in channels])[0]
        event = TicketCreated(
            event_id=self.event_id(),
            tenant=tenant,
            occurred_at=utc(now),
            ticket_id=ticket_id,
            channel=channel,
            subject=subject,
            body=body,
            customer=CustomerPayload(
                id=customer.customer_id, tier=customer.tier, language=language
            ),
            sla=SLA_POLICIES[customer.tier],
            helpdesk_priority=priority,
            tags=(f"form:{picked}",),
            created_at=utc(now),
        )
        return event, TicketSpec(tenant, ticket_id, category, customer.tier, now)
