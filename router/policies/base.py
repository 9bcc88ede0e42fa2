"""What every policy shares: a ticket's needs, the eligibility rules and candidates.

Hard constraints are checked here, once, for all policies; a policy only ranks the
agents that passed (:class:`Policy`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from router.agents import AgentBook, AgentState
from router.config import GroupConfig
from router.fairness import FairnessWindow
from router.pending import Bucket
from router.velocity import VelocityBook

__all__ = ["Candidate", "Context", "Needs", "Policy", "Rules"]

FIT_SKILL = {1: 0.6, 2: 0.8, 3: 1.0}
"""Skill fit by proficiency level (basic, intermediate, advanced)."""
FIT_ADJACENT = 0.45
FIT_ANY = 0.25
FIT_GENERALIST = 0.7
"""Fit for a ticket triage could not place (any agent may take it)."""


@dataclass(frozen=True, slots=True)
class Needs:
    """What a ticket needs from an agent at its current step."""

    category: str | None
    language: str
    min_level: int
    held: bool
    adjacent: bool
    any_agent: bool
    high_effort: bool
    step: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible agent and how well it fits (``via``: skill, adjacent, any, generalist)."""

    agent: AgentState
    fit: float
    level: int
    via: str


@dataclass(slots=True)
class Context:
    """What ranking may read besides the candidates."""

    now: float
    category: str | None
    velocity: VelocityBook
    band: float
    cursor: str | None


class Policy(Protocol):
    """Ranks eligible agents; returns the winner, its score components and reasons."""

    name: str

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The winner among ``eligible`` (non-empty) and its score components."""
        ...


class Rules:
    """Hard constraints of one group: skill, level, language, holds, fairness."""

    def __init__(self, config: GroupConfig, book: AgentBook, fairness: FairnessWindow) -> None:
        self.config = config
        self.book = book
        self.fairness = fairness
        self.skill_based = config.relaxes

    def check(
        self, agent: AgentState, needs: Needs, *, fair: bool = True
    ) -> tuple[str | None, Candidate | None]:
        """``(reason, None)`` if ``agent`` cannot take the ticket, else ``(None, candidate)``.

        ``fair=False`` waives the fairness cap (used when every otherwise eligible agent
        is at its share: the cap spreads work, it must not leave a ticket waiting).
        """
        room = self.book.room_reason(agent)
        if room is not None:
            return room, None
        if agent.automated:
            return "automated_resolver", None
        if not self.skill_based:
            return None, Candidate(agent, 1.0, 0, "any")
        if fair and needs.high_effort and self.fairness.over_cap(agent.agent_id):
            return "fairness_cap", None
        if needs.any_agent:
            level = agent.skills.get(needs.category, 0) if needs.category else 0
            fit = FIT_SKILL[level] if level else FIT_ANY
            return None, Candidate(agent, fit, level, "skill" if level else "any")
        if self.config.require_language and needs.language not in agent.languages:
            return "language", None
        if needs.category is None:
            return None, Candidate(agent, FIT_GENERALIST, 0, "generalist")
        level = agent.skills.get(needs.category, 0)
        if level:
            if level >= needs.min_level:
                return None, Candidate(agent, FIT_SKILL[level], level, "skill")
            if not needs.adjacent:
                return ("held_for_expert" if needs.held else "below_proficiency"), None
        if needs.adjacent and not needs.held:
            near = self.adjacent_level(agent, needs.category)
            if near:
                return None, Candidate(agent, FIT_ADJACENT * FIT_SKILL[near], 0, "adjacent")
        return "missing_skill", None

    def adjacent_level(self, agent: AgentState, category: str) -> int:
        """The agent's best level in a skill adjacent to ``category`` (0 if none)."""
        best = 0
        for other in self.config.adjacent_skills.get(category, ()):
            best = max(best, agent.skills.get(other, 0))
        return best

    def ticket_bucket(self, needs: Needs) -> Bucket:
        """The pending-queue bucket of a ticket with these needs."""
        if not self.skill_based or needs.any_agent:
            return ("any",)
        language = needs.language if self.config.require_language else "*"
        if needs.category is None:
            return ("gen", language)
        if needs.adjacent and not needs.held:
            return ("adj", needs.category, language)
        return ("skill", needs.category, language, str(needs.min_level))

    def agent_buckets(self, agent: AgentState) -> Iterable[Bucket]:
        """The buckets whose tickets ``agent`` may be able to take."""
        yield ("any",)
        if not self.skill_based:
            return
        languages = sorted(agent.languages) if self.config.require_language else ["*"]
        near: set[str] = set(agent.skills)
        for skill in agent.skills:
            near.update(self.config.adjacent_skills.get(skill, ()))
        for language in languages:
            for skill, level in agent.skills.items():
                for required in range(1, level + 1):
                    yield ("skill", skill, language, str(required))
            for skill in sorted(near):
                yield ("adj", skill, language)
            yield ("gen", language)
