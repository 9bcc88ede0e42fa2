"""``skills``: hard skill/level/language constraints, then the most proficient agent,
then the least loaded, then the one idle longest."""

from __future__ import annotations

from router.agents import AgentState
from router.policies.base import Candidate, Context

__all__ = ["Skills"]


class Skills:
    """Most proficient first."""

    name = "skills"

    def key(
        self, agent: AgentState, fit: float, category: str | None, now: float
    ) -> tuple[float, float, float, str]:
        """Rank key (smaller is better)."""
        return (-fit, agent.load, agent.last_assigned_at, agent.agent_id)

    def components(self, c: Candidate, ctx: Context) -> dict[str, float]:
        """The winner's score components, for the explanation."""
        return {"skill_fit": c.fit, "load": c.agent.load}

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The best-fitting eligible agent."""
        winner = min(eligible, key=lambda c: self.key(c.agent, c.fit, ctx.category, ctx.now))
        return winner, self.components(winner, ctx)
