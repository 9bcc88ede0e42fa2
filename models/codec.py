"""Bytes <-> events: orjson encoding, strict single-pass decoding, one error type.

- :func:`encode` writes compact UTF-8 JSON with orjson (datetimes ISO-8601 in UTC,
  bytes base64, enums as their values).
- :func:`decode` checks the raw size first (:data:`MAX_MESSAGE_BYTES`, nothing larger is
  parsed), then parses and validates in one pass with pydantic-core's JSON parser in
  strict mode: numbers and booleans must be JSON numbers and booleans (``"5"`` is not an
  int), timestamps must carry a timezone, enums must be one of their values. Unknown
  fields are ignored (forward compatibility); an unknown schema major is rejected.
- Every failure is an :class:`~models.errors.InvalidEvent` whose message names the event
  type, the field and the problem, e.g. ``ticket-created: field 'customer.tier': Input
  should be 'trial', 'standard', 'enterprise' or 'vip'; got 'gold'``. Ticket text
  (``subject``/``body``) is never echoed in messages.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models.envelope import Event
from models.errors import (
    InvalidEvent,
    MalformedJson,
    MessageTooLarge,
    Problem,
    UnsupportedSchemaVersion,
)

__all__ = [
    "MAX_MESSAGE_BYTES",
    "decode",
    "decode_key",
    "encode",
    "encode_key",
    "problems_of",
]

MAX_MESSAGE_BYTES = 1024 * 1024
"""Largest message value :func:`decode` parses (1 MiB)."""

_E = TypeVar("_E", bound=Event)
_PRIVATE_FIELDS = frozenset({"subject", "body"})
_MAX_SHOWN = 64


def encode(event: Event) -> bytes:
    """The event as compact JSON bytes."""
    try:
        return orjson.dumps(event.model_dump(mode="json"))
    except TypeError:
        # orjson refuses integers beyond 64 bits, which only an Explanation's open-ended
        # extra keys can hold; pydantic's own serialiser writes them.
        return event.model_dump_json().encode("utf-8")


def encode_key(event: Event) -> bytes:
    """The Kafka message key of ``event``: its tenant in UTF-8."""
    return event.tenant.encode("utf-8")


def decode_key(raw: bytes | None) -> str | None:
    """A message key back to the tenant (``None`` when there is no key)."""
    return None if raw is None else raw.decode("utf-8", "replace")


def decode(model_cls: type[_E], raw: bytes | bytearray | memoryview | str | None) -> _E:
    """Parse and validate ``raw`` as ``model_cls``; raises :class:`InvalidEvent`.

    ``None`` (a Kafka record without a value, e.g. a tombstone) is invalid too.
    """
    name = model_cls.event_type
    if raw is None:
        raise MalformedJson(name, (Problem("", "message has no value (null/tombstone)"),))
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    size = len(raw)
    if size > MAX_MESSAGE_BYTES:
        raise MessageTooLarge(
            name,
            (
                Problem(
                    "",
                    f"message is {size} bytes, over the {MAX_MESSAGE_BYTES} byte limit; "
                    "it was not parsed (send large text by reference, or shorten it)",
                ),
            ),
        )
    try:
        return model_cls.model_validate_json(bytes(raw), strict=True)
    except ValidationError as exc:
        raise _invalid(name, exc) from None


def problems_of(exc: ValidationError) -> tuple[Problem, ...]:
    """pydantic's errors as :class:`Problem` values (dotted field path + message)."""
    return tuple(_problem(err) for err in exc.errors(include_url=False))


def _invalid(name: str, exc: ValidationError) -> InvalidEvent:
    errors = exc.errors(include_url=False)
    problems = tuple(_problem(err) for err in errors)
    first = errors[0] if errors else None
    if first is not None and first["type"] == "json_invalid":
        detail = str(first.get("ctx", {}).get("error", first["msg"]))
        return MalformedJson(name, (Problem("", f"not valid JSON: {detail}"),))
    if first is not None and first["type"] in {"model_type", "model_attributes_type"}:
        got = type(first["input"]).__name__ if not isinstance(first["input"], bytes) else "?"
        return MalformedJson(
            name, (Problem("", f"expected a JSON object at the top level, got {got}"),)
        )
    if any(
        err["loc"] == ("schema_version",) and "unsupported schema" in err["msg"] for err in errors
    ):
        version = [p for p in problems if p.field == "schema_version"]
        return UnsupportedSchemaVersion(name, tuple(version))
    return InvalidEvent(name, problems)


def _problem(err: ErrorDetails) -> Problem:
    field = _path(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] != "missing" and _showable(field, err["input"]):
        message = f"{message}; got {_shown(err['input'])}"
    return Problem(field, message)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _showable(field: str, value: Any) -> bool:
    if field.rsplit(".", 1)[-1] in _PRIVATE_FIELDS:
        return False
    if isinstance(value, str):
        return len(value) <= _MAX_SHOWN
    return value is None or isinstance(value, bool | int | float)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    text = repr(value)  # int or float; huge integers are cut
    return text if len(text) <= _MAX_SHOWN else f"{text[:_MAX_SHOWN]}..."
