"""Output events: ``TicketAssigned``, ``RouterEvent`` (audit) and ``DeadLetter``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import ConfigDict, Field, StringConstraints

from models.enums import RouterEventKind
from models.envelope import Event, Payload
from models.fields import AgentId, Base64Bytes, CategoryName, LanguageCode, TicketId
from models.triage import TriageDetails

__all__ = [
    "MAX_DEAD_LETTER_ORIGINAL_BYTES",
    "UNKNOWN_TENANT",
    "DeadLetter",
    "Explanation",
    "RouterEvent",
    "TicketAssigned",
    "TriageSummary",
]

UNKNOWN_TENANT = "_unknown"
"""Tenant of a dead letter whose source message had no valid routing-group key."""

MAX_DEAD_LETTER_ORIGINAL_BYTES = 512 * 1024
"""Originals above this are cut (``original_truncated``) so the dead letter fits Kafka's
default 1 MB message limit after base64 encoding."""

_Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
_Text = Annotated[str, StringConstraints(max_length=4_000)]
_Finite = Annotated[float, Field(allow_inf_nan=False)]
_Detail = (
    Annotated[str, StringConstraints(max_length=500)]
    | bool
    | Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
    | _Finite
    | None
)
_TENANT_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$")


class Explanation(Payload):
    """Why this agent: who was considered, who was excluded and why, the winner's score.

    Unknown keys are kept (``extra="allow"``), so the decision core can add detail
    without a contract change; the fields below are the stable part.
    """

    model_config = ConfigDict(extra="allow")

    candidates: tuple[AgentId, ...] = Field(default=(), description="Agents considered.")
    excluded: dict[AgentId, _Name] = Field(
        default_factory=dict, description="Agent id -> reason it was not eligible."
    )
    score: dict[_Name, _Finite] = Field(
        default_factory=dict, description="The winner's score components."
    )
    reasons: tuple[Annotated[str, StringConstraints(max_length=200)], ...] = ()


class TriageSummary(Payload):
    """The part of the triage result a helpdesk connector may show with an assignment."""

    category: CategoryName | None
    confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    uncertain: bool = False
    priority: int = Field(ge=1, le=4)
    urgency: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    sentiment: _Finite = 0.0
    language: LanguageCode

    @classmethod
    def of(cls, details: TriageDetails) -> TriageSummary:
        """The summary of a full triage result."""
        return cls(
            category=details.category,
            confidence=details.confidence,
            uncertain=details.uncertain,
            priority=details.priority,
            urgency=details.urgency,
            sentiment=details.sentiment,
            language=details.language,
        )


class TicketAssigned(Event):
    """The router assigned a ticket to an agent (topic ``ticket-assigned``).

    ``assignment_id`` is deterministic (:func:`models.ids.assignment_id`), so a
    connector that sees the same id twice applies it once.
    """

    event_type: ClassVar[str] = "ticket-assigned"

    assignment_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,64}$")]
    ticket_id: TicketId
    agent_id: AgentId
    automated: bool = Field(default=False, description="The agent is an AI resolver.")
    policy: _Name
    step: _Name = Field(default="strict", description="Relaxation step, or 'strict'.")
    attempt: int = Field(
        default=1, ge=1, le=1_000_000, description="1 for the first assignment, then +1."
    )
    explanation: Explanation = Field(default_factory=Explanation)
    triage: TriageSummary | None = None
    waited_ms: int = Field(ge=0, le=2**63 - 1, description="Time from arrival to this decision.")


class RouterEvent(Event):
    """An audit record of a routing decision other than an assignment (``router-events``)."""

    event_type: ClassVar[str] = "router-event"

    kind: RouterEventKind
    ticket_id: TicketId | None = None
    agent_id: AgentId | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
    details: dict[_Name, _Detail | list[_Detail]] = Field(
        default_factory=dict,
        max_length=64,
        description="Extra facts: strings, numbers, booleans, null, or lists of them.",
    )


class DeadLetter(Event):
    """A message that could not be processed, with the reason (topic ``dead-letter``).

    ``original`` and ``original_key`` are the source bytes (base64 in JSON), cut to
    :data:`MAX_DEAD_LETTER_ORIGINAL_BYTES` with ``original_truncated`` set.
    """

    event_type: ClassVar[str] = "dead-letter"

    original: Base64Bytes = Field(max_length=MAX_DEAD_LETTER_ORIGINAL_BYTES)
    original_key: Base64Bytes | None = Field(default=None, max_length=1024)
    original_size: int = Field(
        ge=0, le=2**63 - 1, description="Size of the source message in bytes."
    )
    original_truncated: bool = False
    source_topic: Annotated[str, StringConstraints(min_length=1, max_length=249)]
    source_partition: int = Field(ge=0, le=2**31 - 1)
    source_offset: int = Field(ge=0, le=2**63 - 1)
    error: _Text
    error_class: _Name

    @classmethod
    def for_message(
        cls,
        *,
        value: bytes | None,
        key: bytes | None,
        topic: str,
        partition: int,
        offset: int,
        error: BaseException | str,
        occurred_at: datetime,
        error_class: str | None = None,
    ) -> DeadLetter:
        """A dead letter for a source message; tenant from the key when it is a valid one."""
        raw = value or b""
        tenant = UNKNOWN_TENANT
        if key is not None:
            text = key.decode("utf-8", "replace")
            if _TENANT_RE.match(text):
                tenant = text
        if error_class is None:
            error_class = type(error).__name__ if isinstance(error, BaseException) else "Error"
        return cls(
            tenant=tenant,
            occurred_at=occurred_at,
            original=raw[:MAX_DEAD_LETTER_ORIGINAL_BYTES],
            original_key=key[:1024] if key is not None else None,
            original_size=len(raw),
            original_truncated=len(raw) > MAX_DEAD_LETTER_ORIGINAL_BYTES,
            source_topic=topic,
            source_partition=partition,
            source_offset=offset,
            error=str(error)[:4_000],
            error_class=error_class[:64],
        )
