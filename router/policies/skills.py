"""``skills``: hard skill/level/language constraints, then the most proficient agent,
then the least loaded, then the one idle longest."""

from __future__ import annotations

from router.policies.base import Candidate, Context

__all__ = ["Skills"]


class Skills:
    """Most proficient first."""

    name = "skills"

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The best-fitting eligible agent."""
        winner = min(
            eligible,
            key=lambda c: (-c.fit, c.agent.load, c.agent.last_assigned_at, c.agent.agent_id),
        )
        return winner, {"skill_fit": winner.fit, "load": winner.agent.load}
