"""Errors of the local infrastructure helpers (hierarchy drawn in ``streams.infra``)."""

from __future__ import annotations

__all__ = ["InfraError", "KafkaNotReadyError", "ScriptError"]


class InfraError(Exception):
    """Local Kafka/Redis could not be started, stopped or reached.

    ``retriable`` is true when the same call may succeed later without a change
    (e.g. a broker still starting); false when the operator has to act first.
    """

    retriable: bool = False

    def __init__(self, message: str, *, retriable: bool | None = None) -> None:
        super().__init__(message)
        if retriable is not None:
            self.retriable = retriable


class ScriptError(InfraError):
    """A ``deploy/local`` script exited non-zero; the message carries its error output."""

    def __init__(self, script: str, verb: str, returncode: int, output: str) -> None:
        self.script = script
        self.verb = verb
        self.returncode = returncode
        self.output = output
        detail = output.strip() or "(no output)"
        super().__init__(f"{script} {verb} failed with exit status {returncode}:\n{detail}")


class KafkaNotReadyError(InfraError):
    """The broker gave no metadata answer in time (it may still be starting)."""

    retriable = True
