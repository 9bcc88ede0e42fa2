"""``AgentStatusChanged``: an agent's availability, capacity, skills and languages."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from models.enums import AgentStatus, Proficiency
from models.envelope import Event
from models.fields import AgentId, LanguageCode, SkillName

__all__ = ["MAX_CAPACITY", "MAX_SKILLS", "AgentStatusChanged"]

MAX_CAPACITY = 1_000
MAX_SKILLS = 200


class AgentStatusChanged(Event):
    """The full current state of one agent (topic ``agent-status``, keyed by tenant).

    Every event carries the whole state, not a diff, so the latest one wins; ``version``
    increases with each change and older versions are ignored by the router.
    """

    event_type: ClassVar[str] = "agent-status"

    agent_id: AgentId
    status: AgentStatus
    capacity: int = Field(
        ge=0, le=MAX_CAPACITY, description="How many open tickets the agent may hold at once."
    )
    skills: dict[SkillName, Proficiency] = Field(default_factory=dict, max_length=MAX_SKILLS)
    languages: tuple[LanguageCode, ...] = Field(default=(), max_length=50)
    automated: bool = Field(
        default=False, description="True for an AI resolver rather than a human agent."
    )
    version: int = Field(
        ge=0, le=2**63 - 1, description="Monotonic per agent; older versions are ignored."
    )
