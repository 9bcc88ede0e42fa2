"""Entry point of the ``ticket-router`` console script.

Every module in :mod:`streams.cli.commands` contributes subcommands through a
``register(subparsers)`` function. Heavy imports (Faust, torch, Kafka clients)
happen inside the command handlers, so ``ticket-router --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from streams.cli import commands
from streams.cli.errors import CliError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="ticket-router",
        description=(
            "Event-driven router that assigns support tickets to the right human agent "
            "in real time. Run a subcommand with --help for its options."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except CliError as exc:
        print(f"ticket-router: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ticket-router: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
