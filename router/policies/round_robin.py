"""``round_robin``: the next agent with room after the last one assigned, skill-blind."""

from __future__ import annotations

from router.policies.base import Candidate, Context

__all__ = ["RoundRobin"]


class RoundRobin:
    """Agents take turns in id order; the cursor is the last agent assigned."""

    name = "round_robin"

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The first eligible agent after the cursor (wrapping around)."""
        cursor = ctx.cursor or ""
        after = [c for c in eligible if c.agent.agent_id > cursor]
        pool = after or eligible
        winner = min(pool, key=lambda c: c.agent.agent_id)
        return winner, {"turn": float(len(after) > 0)}
