"""Relaxation as data: what a waiting ticket needs at each step, and when it moves on.

Step 0 is *strict* (the group's minimum proficiency, a matching skill and language).
Each configured step lowers the level, admits adjacent skills or admits anyone, and
effects accumulate. A ticket held for an expert needs an advanced agent until its hold
ends; only then do the steps' clocks apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Proficiency
from router.config import GroupConfig
from router.pending import PendingTicket

__all__ = ["STRICT", "Ladder", "StepRules"]

STRICT = "strict"


@dataclass(frozen=True, slots=True)
class StepRules:
    """What a ticket at one step needs."""

    name: str
    min_level: int
    adjacent: bool
    any_agent: bool


class Ladder:
    """The group's relaxation steps with their cumulative effects."""

    def __init__(self, config: GroupConfig) -> None:
        self.config = config
        level = config.min_proficiency.level
        adjacent = any_agent = False
        rules = [StepRules(STRICT, level, False, False)]
        for step in config.relaxation:
            if step.min_proficiency is not None:
                level = min(level, step.min_proficiency.level)
            adjacent = adjacent or step.adjacent
            any_agent = any_agent or step.any_agent
            rules.append(StepRules(step.name, level, adjacent, any_agent))
        self.rules = tuple(rules)

    @property
    def last(self) -> int:
        """Index of the last step."""
        return len(self.rules) - 1

    def at(self, step: int) -> StepRules:
        """The rules of step ``step``."""
        return self.rules[min(step, self.last)]

    def holds(self, ticket: PendingTicket) -> bool:
        """Whether ``ticket`` qualifies for hold-for-expert."""
        hold = self.config.hold_for_expert
        if hold.max_hold_s <= 0 or ticket.escalated:
            return False
        request = ticket.request
        return request.tier in hold.tiers or (
            request.category is not None and request.category in hold.categories
        )

    def hold_ends(self, ticket: PendingTicket) -> float:
        """When the ticket's hold for an expert ends."""
        return ticket.queued_at + self.config.hold_for_expert.max_hold_s

    def required_level(self, ticket: PendingTicket) -> int:
        """The proficiency level the ticket needs now."""
        if ticket.held:
            return Proficiency.ADVANCED.level
        return self.at(ticket.step).min_level

    def next_due(self, ticket: PendingTicket) -> float | None:
        """When the ticket reaches its next step (``None`` at the last one)."""
        if ticket.step >= self.last:
            return None
        step = self.config.relaxation[ticket.step]
        times: list[float] = []
        if step.after_s is not None:
            times.append(ticket.queued_at + step.after_s)
        deadline = ticket.request.sla_deadline
        if step.sla_fraction is not None and deadline is not None:
            window = max(0.0, deadline - ticket.request.arrived_at)
            times.append(ticket.request.arrived_at + step.sla_fraction * window)
        return min(times) if times else None
