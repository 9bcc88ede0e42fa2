"""``TicketTriaged``: a created ticket plus what triage found (internal topic).

Produced by the triage processor, consumed by the routing processor. The field names of
:class:`TriageDetails` match ``router.triage.TriageResult.to_dict()``, so
``TriageDetails.model_validate(result.to_dict())`` converts one into the other.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints, model_validator

from models.envelope import Event, Payload
from models.fields import CategoryName, LanguageCode
from models.tickets import TicketCreated

__all__ = ["SkillConfidence", "TicketTriaged", "TriageDetails"]

_Confidence = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
_Finite = Annotated[float, Field(allow_inf_nan=False)]
_Note = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SkillConfidence(Payload):
    """One candidate skill/category and its calibrated confidence."""

    skill: CategoryName
    confidence: _Confidence


class TriageDetails(Payload):
    """The triage result: category, signals, language, priority and its components."""

    category: CategoryName | None = Field(
        description="Required skill; None when uncertain (route to generalists)."
    )
    confidence: _Confidence = 0.0
    uncertain: bool = False
    skills: tuple[SkillConfidence, ...] = Field(default=(), max_length=20)
    urgency: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    sentiment: _Finite = Field(default=0.0, description="Negative = unhappy customer.")
    language: LanguageCode
    priority: int = Field(ge=1, le=4, description="1 = highest .. 4 = lowest.")
    priority_points: _Finite = 0.0
    priority_components: dict[Annotated[str, StringConstraints(max_length=64)], _Finite] = Field(
        default_factory=dict, max_length=32
    )
    effort: Annotated[float, Field(gt=0.0, le=100.0, allow_inf_nan=False)] = Field(
        default=1.0, description="Expected effort weight; > 1 means more work than usual."
    )
    flags: tuple[_Note, ...] = Field(default=(), max_length=32)
    reasons: tuple[_Note, ...] = Field(default=(), max_length=32)
    model_version: int = Field(default=0, ge=0, le=2**31 - 1)


class TicketTriaged(Event):
    """A ticket with its triage result (topic ``ticket-triaged``, keyed by tenant).

    ``tenant`` equals ``ticket.tenant``; ``ticket`` is the original event unchanged.
    """

    event_type: ClassVar[str] = "ticket-triaged"

    ticket: TicketCreated
    triage: TriageDetails

    @model_validator(mode="after")
    def _same_tenant(self) -> TicketTriaged:
        if self.ticket.tenant != self.tenant:
            raise ValueError(
                f"tenant {self.tenant!r} differs from ticket.tenant {self.ticket.tenant!r}; "
                "produce the triaged event under the ticket's tenant"
            )
        return self

    @property
    def ticket_id(self) -> str:
        """Shortcut for ``ticket.ticket_id``."""
        return self.ticket.ticket_id
