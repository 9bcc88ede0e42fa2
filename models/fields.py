"""Constrained field types shared by every event (ids, tenants, languages, timestamps).

Identifiers are bounded, printable strings; tenants (the routing-group key and the
Kafka message key of every topic) use a safe charset so they can be used in Kafka keys,
Redis keys and file names without escaping. Timestamps must carry a timezone and are
normalised to UTC; they travel as ISO-8601 strings.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

__all__ = [
    "MAX_ID_LENGTH",
    "MAX_TENANT_LENGTH",
    "AgentId",
    "Base64Bytes",
    "CategoryName",
    "EventId",
    "LanguageCode",
    "SkillName",
    "Tag",
    "TenantId",
    "TicketId",
    "UtcDatetime",
    "to_utc",
]

MAX_TENANT_LENGTH = 128
MAX_ID_LENGTH = 128

TenantId = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=MAX_TENANT_LENGTH,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$",
    ),
    Field(description="Routing group (tenant, or tenant/team); the Kafka key of every topic."),
]
"""1..128 chars of ``A-Z a-z 0-9 _ . : / -``, not starting with ``. : / -``."""

_ID = StringConstraints(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[^\x00-\x1f\x7f]+$")

TicketId = Annotated[str, _ID, Field(description="Helpdesk ticket id (1..128 printable chars).")]
AgentId = Annotated[str, _ID, Field(description="Helpdesk agent id (1..128 printable chars).")]
EventId = Annotated[str, _ID, Field(description="Unique id of this event (for de-duplication).")]

SkillName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$"),
    Field(description="Skill or category name: lower-case ``a-z 0-9 _ . -``, 1..64 chars."),
]
CategoryName = SkillName

LanguageCode = Annotated[
    str,
    StringConstraints(min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    Field(description="BCP-47 style language tag, e.g. 'en', 'pt-BR'."),
]

Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$"),
]


def to_utc(value: datetime) -> datetime:
    """The same instant expressed in UTC."""
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]
"""A timezone-aware datetime, normalised to UTC (naive datetimes are rejected)."""


def _from_base64(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("expected standard base64 text") from None
    return value


def _to_base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


Base64Bytes = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(
        lambda b: base64.b64encode(b).decode("ascii"), return_type=str, when_used="json"
    ),
    WithJsonSchema({"type": "string", "contentEncoding": "base64"}),
]
"""Bytes that travel as standard (RFC 4648, padded) base64 text in JSON."""
