"""The wire contract of ticket-router: pydantic v2 models of every event, no I/O."""

from models.enums import AgentStatus, Channel, CustomerTier, HelpdeskPriority, Proficiency

__all__ = ["AgentStatus", "Channel", "CustomerTier", "HelpdeskPriority", "Proficiency"]
