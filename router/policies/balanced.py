"""``balanced``: hard constraints first, then skill fit x expected speed x load headroom.

Speed is the agent's resolution velocity for the ticket's category against the prior
(faster agents score higher, clipped to 0.25..4); headroom is spare capacity. Agents at
or above the utilisation band rank after everyone below it; ties go to the agent idle
longest, then to the lowest id.
"""

from __future__ import annotations

from router.policies.base import Candidate, Context

__all__ = ["Balanced"]


class Balanced:
    """The default policy."""

    name = "balanced"

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The highest-scoring eligible agent."""
        best: tuple[tuple[int, float, float, str], Candidate, float, float] | None = None
        for c in eligible:
            agent = c.agent
            speed = ctx.velocity.speed(agent.agent_id, ctx.category, ctx.now)
            headroom = 1.0 - agent.load
            score = c.fit * speed * max(headroom, 0.05)
            key = (int(agent.load >= ctx.band), -score, agent.last_assigned_at, agent.agent_id)
            if best is None or key < best[0]:
                best = (key, c, speed, headroom)
        assert best is not None  # eligible is never empty
        _, winner, speed, headroom = best
        return winner, {
            "score": -best[0][1],
            "skill_fit": winner.fit,
            "speed": speed,
            "headroom": headroom,
            "below_band": float(best[0][0] == 0),
        }
