"""Enumerations shared by the wire contract and the decision core."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AgentStatus",
    "Channel",
    "CustomerTier",
    "HelpdeskPriority",
    "Proficiency",
    "Resolution",
    "RouterEventKind",
]


class AgentStatus(StrEnum):
    """Availability of a human (or automated) support agent."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Proficiency(StrEnum):
    """How well an agent masters a skill; ordered basic < intermediate < advanced."""

    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def level(self) -> int:
        """1 for basic, 2 for intermediate, 3 for advanced."""
        return _PROFICIENCY_LEVEL[self]


_PROFICIENCY_LEVEL = {
    Proficiency.BASIC: 1,
    Proficiency.INTERMEDIATE: 2,
    Proficiency.ADVANCED: 3,
}


class CustomerTier(StrEnum):
    """Commercial tier of the customer who opened a ticket."""

    TRIAL = "trial"
    STANDARD = "standard"
    ENTERPRISE = "enterprise"
    VIP = "vip"


class HelpdeskPriority(StrEnum):
    """Priority as set by the helpdesk (or the customer) before triage."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(StrEnum):
    """Where the ticket came from."""

    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    PHONE = "phone"
    API = "api"
    SOCIAL = "social"


class Resolution(StrEnum):
    """How a ticket was closed."""

    SOLVED = "solved"
    DUPLICATE = "duplicate"
    SPAM = "spam"
    CANCELLED = "cancelled"
    UNRESPONSIVE = "unresponsive"
    OTHER = "other"


class RouterEventKind(StrEnum):
    """What a ``router-events`` audit record reports."""

    QUEUED = "queued"
    RELAXED = "relaxed"
    ESCALATED = "escalated"
    REROUTED = "rerouted"
    REJECTED = "rejected"
    SLA_WARNING = "sla_warning"
