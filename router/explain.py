"""Why a decision went the way it did: candidates, exclusions, score, relaxation step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_LISTED", "Explanation"]

MAX_LISTED = 10
"""At most this many candidates and excluded agents are listed (counts are always exact)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """A decision's explanation; :meth:`to_dict` is what ``ticket-assigned`` carries.

    ``candidates`` are eligible agents, best first; ``excluded`` maps an agent to the
    reason it could not take the ticket (``offline``, ``away``, ``at_capacity``,
    ``backlog_full``, ``missing_skill``, ``below_proficiency``, ``language``,
    ``held_for_expert``, ``fairness_cap``, ``automated_resolver``). ``considered`` is the
    number of agents with room and the skill; ``excluded`` lists at most
    :data:`MAX_LISTED` agents (large groups rank from an index, so the agents examined
    and excluded are the first few, and ``excluded_count`` counts those).
    """

    policy: str
    step: str = "strict"
    candidates: tuple[str, ...] = ()
    excluded: dict[str, str] = field(default_factory=dict)
    score: dict[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    considered: int = 0
    excluded_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain form matching ``models.Explanation`` (extra keys allowed there)."""
        return {
            "policy": self.policy,
            "step": self.step,
            "candidates": list(self.candidates[:MAX_LISTED]),
            "excluded": dict(list(self.excluded.items())[:MAX_LISTED]),
            "score": {k: round(v, 6) for k, v in self.score.items()},
            "reasons": [r[:200] for r in self.reasons],
            "considered": self.considered,
            "excluded_count": self.excluded_count,
        }
