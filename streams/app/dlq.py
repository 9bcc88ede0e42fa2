"""Dead letters: a message the worker cannot process goes to ``dead-letter`` with the reason.

The worker keeps going after a dead letter (the offset is committed like any other).
The error text never contains ticket text (the codec's messages leave it out).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from models import DeadLetter, encode, encode_key

__all__ = ["dead_letter_record", "key_mismatch"]

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


def key_mismatch(key: bytes | None, tenant: str) -> str | None:
    """Why the Kafka key does not fit the event's tenant (co-partitioning), or None."""
    if key is None:
        return f"message has no key; the key must be the tenant ({tenant!r})"
    text = key.decode("utf-8", "replace")
    if text != tenant:
        return f"message key {text[:130]!r} differs from the event's tenant {tenant!r}"
    return None
