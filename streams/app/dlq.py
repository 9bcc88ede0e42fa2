"""Dead letters: a message the worker cannot process goes to ``dead-letter`` with the reason.

The worker keeps going after a dead letter (the offset is committed like any other).
The error text never contains ticket text (the codec's messages leave it out).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Protocol

from models import DeadLetter, encode, encode_key

__all__ = ["SourceRecord", "dead_letter_for", "dead_letter_record", "key_mismatch"]

log = logging.getLogger(__name__)


def dead_letter_record(
    *,
    value: bytes | None,
    key: bytes | None,
    topic: str,
    partition: int,
    offset: int,
    error: BaseException | str,
) -> tuple[bytes, bytes]:
    """``(key, value)`` of the dead letter for a source message."""
    letter = DeadLetter.for_message(
        value=value,
        key=key,
        topic=topic,
        partition=partition,
        offset=offset,
        error=error,
        occurred_at=datetime.now(UTC),
    )
    log.warning(
        "dead letter: %s[%d]@%d %s: %s",
        topic,
        partition,
        offset,
        letter.error_class,
        letter.error[:300],
    )
    return encode_key(letter), encode(letter)


class SourceRecord(Protocol):
    """A consumed message: a Faust ``Message`` or an aiokafka ``ConsumerRecord``."""

    @property
    def value(self) -> bytes | None: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...


def dead_letter_for(record: SourceRecord, error: BaseException | str) -> tuple[bytes, bytes]:
    """``(key, value)`` of the dead letter for a consumed ``record``."""
    return dead_letter_record(
        value=record.value,
        key=record.key,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        error=error,
    )


def key_mismatch(key: bytes | None, tenant: str) -> str | None:
    """Why the Kafka key does not fit the event's tenant (co-partitioning), or None."""
    if key is None:
        return f"message has no key; the key must be the tenant ({tenant!r})"
    text = key.decode("utf-8", "replace")
    if text != tenant:
        return f"message key {text[:130]!r} differs from the event's tenant {tenant!r}"
    return None
