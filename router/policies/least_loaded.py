"""``least_loaded``: the agent with the fewest open tickets (absolute) or most spare
capacity (percent), skill-blind; ties go to the agent idle longest."""

from __future__ import annotations

from router.policies.base import Candidate, Context

__all__ = ["LeastLoaded"]


class LeastLoaded:
    """Fewest open tickets, or lowest open / capacity."""

    name = "least_loaded"

    def __init__(self, mode: str = "percent") -> None:
        self.mode = mode

    def best(self, eligible: list[Candidate], ctx: Context) -> tuple[Candidate, dict[str, float]]:
        """The least loaded eligible agent."""

        def load(c: Candidate) -> float:
            return float(c.agent.depth) if self.mode == "absolute" else c.agent.load

        winner = min(eligible, key=lambda c: (load(c), c.agent.last_assigned_at, c.agent.agent_id))
        return winner, {"load": load(winner), "open": float(winner.agent.depth)}
