"""``balanced``: hard constraints first, then skill fit x expected speed x load headroom.

Speed is the agent's resolution velocity for the ticket's category against the prior
(faster agents score higher, clipped to 0.25..4); headroom is spare capacity. Agents at
or above the utilisation band rank after everyone below it; ties go to the agent idle
longest, then to the lowest id.
"""

from __future__ import annotations

from router.agents import AgentState
from router.policies.base import Candidate, Context
from router.velocity import VelocityBook

__all__ = ["Balanced"]

MIN_HEADROOM = 0.05


class Balanced:
    """The default policy."""

    name = "balanced"

    def __init__(self, velocity: VelocityBook, band: float) -> None:
        self.velocity = velocity
        self.band = band

    def key(
        self, agent: AgentState, fit: float, category: str | None, now: float
    ) -> tuple[int, float, float, str]:
        """Rank key (smaller is better)."""
        speed = self.velocity.speed(agent.agent_id, category, now)
        score = fit * speed * max(1.0 - agent.load, MIN_HEADROOM)
        return (int(agent.load >= self.band), -score, agent.last_assigned_at, agent.agent_id)

    def components(self, c: Candidate, ctx: Context) -> dict[str, float]:
        """The winner's score components, for the explanation."""
        speed = self.velocity.speed(c.agent.agent_id, ctx.category, ctx.now)
        headroom = 1.0 - c.agent.load
        return {
            "score": c.fit * speed * max(headroom, MIN_HEADROOM),
            "skill_fit": c.fit,
            "speed": speed,
            "headroom": headroom,
            "below_band": float(c.agent.load < self.band),
        }

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The highest-scoring eligible agent."""
        winner = min(eligible, key=lambda c: self.key(c.agent, c.fit, ctx.category, ctx.now))
        return winner, self.components(winner, ctx)
