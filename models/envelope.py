"""The envelope every event shares: schema_version, event_id, tenant and occurred_at.

Compatibility rules (documented in docs/contract.md):

- ``schema_version`` is ``"MAJOR.MINOR"``. A minor bump only adds optional fields;
  consumers ignore fields they do not know (``extra="ignore"``), so old consumers read
  new producers' events. A different MAJOR is rejected with
  :class:`~models.errors.UnsupportedSchemaVersion`.
- ``tenant`` is the routing-group key and the Kafka message key of every topic.
- Events are immutable (``frozen``) value objects.
"""

from __future__ import annotations

import uuid
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from models.fields import EventId, TenantId, UtcDatetime

__all__ = [
    "SCHEMA_MAJOR",
    "SCHEMA_VERSION",
    "Event",
    "Payload",
    "new_event_id",
]

SCHEMA_MAJOR = 1
SCHEMA_VERSION = f"{SCHEMA_MAJOR}.0"

SchemaVersion = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}\.[0-9]{1,4}$")]


def new_event_id() -> str:
    """A random event id (32 hex chars)."""
    return uuid.uuid4().hex


class Payload(BaseModel):
    """Base of nested (non-event) parts: immutable, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Event(Payload):
    """Base of every event on a topic."""

    event_type: ClassVar[str] = "event"
    """Kebab-case name used in error messages, schema file names and AsyncAPI."""

    schema_version: SchemaVersion = Field(
        default=SCHEMA_VERSION,
        description=f"'MAJOR.MINOR' of the contract; this code reads major {SCHEMA_MAJOR}.",
    )
    event_id: EventId = Field(default_factory=new_event_id)
    tenant: TenantId
    occurred_at: UtcDatetime = Field(description="When it happened (ISO-8601 with timezone).")

    @field_validator("schema_version")
    @classmethod
    def _known_major(cls, value: str) -> str:
        major = int(value.split(".", 1)[0])
        if major != SCHEMA_MAJOR:
            raise ValueError(
                f"unsupported schema major version {major} (this consumer reads "
                f"{SCHEMA_MAJOR}.x); upgrade the consumer or produce {SCHEMA_MAJOR}.x events"
            )
        return value

    @property
    def key(self) -> str:
        """The Kafka message key (the routing group)."""
        return self.tenant
