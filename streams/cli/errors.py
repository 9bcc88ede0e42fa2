"""Errors a CLI command raises to stop with a clear message and an exit code."""

from __future__ import annotations

__all__ = ["CliError"]


class CliError(Exception):
    """An operator-facing failure: the message says what went wrong and what to do."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
