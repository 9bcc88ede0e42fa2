"""Priority scoring: urgency, sentiment, customer tier, SLA time left and the helpdesk's own
priority combine into points, and points into a priority 1 (highest) .. 4.

Every component is kept in :class:`PriorityScore` so the result shows why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.enums import CustomerTier, HelpdeskPriority

__all__ = ["PriorityPolicy", "PriorityScore", "score_priority"]


@dataclass(frozen=True, slots=True)
class PriorityPolicy:
    """Weights and thresholds; defaults suit a B2B SaaS helpdesk."""

    urgency_weight: float = 3.0
    sentiment_weight: float = 0.5
    tier_points: dict[CustomerTier, float] = field(
        default_factory=lambda: {
            CustomerTier.TRIAL: 0.0,
            CustomerTier.STANDARD: 0.5,
            CustomerTier.ENTERPRISE: 1.5,
            CustomerTier.VIP: 2.0,
        }
    )
    helpdesk_points: dict[HelpdeskPriority, float] = field(
        default_factory=lambda: {
            HelpdeskPriority.LOW: 0.0,
            HelpdeskPriority.NORMAL: 1.0,
            HelpdeskPriority.HIGH: 2.0,
            HelpdeskPriority.URGENT: 3.0,
        }
    )
    # (seconds left at most, points): the first matching row wins; breached SLAs take the max.
    sla_points: tuple[tuple[float, float], ...] = (
        (3_600.0, 2.0),
        (4 * 3_600.0, 1.0),
        (24 * 3_600.0, 0.5),
    )
    # points at least → priority; anything below the last threshold is priority 4.
    thresholds: tuple[tuple[float, int], ...] = ((5.0, 1), (3.0, 2), (1.5, 3))


@dataclass(frozen=True, slots=True)
class PriorityScore:
    """The priority (1 = highest .. 4) and the points each component contributed."""

    priority: int
    points: float
    components: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return {"priority": self.priority, "points": self.points, "components": self.components}


def score_priority(
    *,
    urgency: float,
    sentiment: float,
    tier: CustomerTier,
    helpdesk_priority: HelpdeskPriority | None,
    sla_deadline: float | None,
    now: float,
    policy: PriorityPolicy | None = None,
) -> PriorityScore:
    """Combine the components; ``now`` and ``sla_deadline`` are seconds on the same clock."""
    policy = policy or PriorityPolicy()
    components = {
        "urgency": round(policy.urgency_weight * _unit(urgency), 3),
        "sentiment": round(policy.sentiment_weight * _unit(sentiment), 3),
        "tier": policy.tier_points.get(tier, 0.0),
        "helpdesk_priority": (
            policy.helpdesk_points.get(helpdesk_priority, 0.0)
            if helpdesk_priority is not None
            else policy.helpdesk_points.get(HelpdeskPriority.NORMAL, 1.0)
        ),
        "sla": _sla_points(sla_deadline, now, policy),
    }
    points = round(sum(components.values()), 3)
    priority = 4
    for threshold, level in policy.thresholds:
        if points >= threshold:
            priority = level
            break
    return PriorityScore(priority=priority, points=points, components=components)


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


def _sla_points(sla_deadline: float | None, now: float, policy: PriorityPolicy) -> float:
    if sla_deadline is None or not policy.sla_points:
        return 0.0
    left = sla_deadline - now
    if left <= 0:
        return max(points for _, points in policy.sla_points)
    for limit, points in policy.sla_points:
        if left <= limit:
            return points
    return 0.0
