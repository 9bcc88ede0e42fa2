"""Errors of the wire contract.

Hierarchy::

    ContractError                 root of every error raised by models/
    └── InvalidEvent              a message cannot be decoded into its event model
        ├── MessageTooLarge       raw bytes exceed MAX_MESSAGE_BYTES (checked before parsing)
        ├── MalformedJson         not JSON, or not a JSON object
        └── UnsupportedSchemaVersion  schema_version major is not the one this code reads

Every ``InvalidEvent`` is permanent (``retriable = False``): retrying the same bytes
cannot succeed, so consumers send the message to the dead-letter topic with
``error`` = ``str(exc)`` and ``error_class`` = ``type(exc).__name__``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ContractError",
    "InvalidEvent",
    "MalformedJson",
    "MessageTooLarge",
    "Problem",
    "UnsupportedSchemaVersion",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a message: the dotted field path and what is wrong with it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"field '{self.field}': {self.message}" if self.field else self.message


class ContractError(Exception):
    """Root of the errors raised by the wire contract."""

    retriable = False


class InvalidEvent(ContractError, ValueError):  # noqa: N818 - name fixed by the issue
    """A message is not a valid event of the expected type.

    ``str(exc)`` reads e.g. ``ticket-created: field 'customer.tier': Input should be
    'trial', 'standard', 'enterprise' or 'vip'; got 'gold'``.
    """

    def __init__(self, event_type: str, problems: tuple[Problem, ...]) -> None:
        self.event_type = event_type
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more problems)" if len(problems) > 3 else ""
        super().__init__(f"{event_type}: {shown}{more}")

    @property
    def field(self) -> str:
        """Dotted path of the first offending field ('' when the whole message is bad)."""
        return self.problems[0].field if self.problems else ""


class MessageTooLarge(InvalidEvent):
    """The raw message is larger than the contract allows; it was not parsed."""


class MalformedJson(InvalidEvent):
    """The raw message is not JSON, or its top level is not a JSON object."""


class UnsupportedSchemaVersion(InvalidEvent):
    """The event's schema_version major differs from the one this code understands."""
