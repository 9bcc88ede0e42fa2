"""Where the CLI's Kafka is, and what to say when it is not there."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from streams.cli.errors import CliError

if TYPE_CHECKING:
    from streams.topics import TopicCatalogue

__all__ = ["DEFAULT_BOOTSTRAP", "bootstrap_of", "catalogue_of", "kafka_error"]

DEFAULT_BOOTSTRAP = "127.0.0.1:19092"


def bootstrap_of(args: argparse.Namespace) -> str:
    """``--bootstrap``, else ``$TICKET_ROUTER_KAFKA_BOOTSTRAP``, else the local broker."""
    env = os.environ.get("TICKET_ROUTER_KAFKA_BOOTSTRAP", "").strip()
    return str(getattr(args, "bootstrap", None) or env or DEFAULT_BOOTSTRAP)


def kafka_error(exc: RuntimeError, bootstrap: str) -> CliError:
    """The operator's message for an aiokafka failure (its errors are RuntimeErrors)."""
    if type(exc).__name__ == "KafkaConnectionError":
        return CliError(
            f"Kafka at {bootstrap} is not reachable ({exc}); start it with "
            "'ticket-router dev up' or set TICKET_ROUTER_KAFKA_BOOTSTRAP (--bootstrap)",
            exit_code=3,
        )
    return CliError(str(exc), exit_code=3)


def catalogue_of(args: argparse.Namespace) -> TopicCatalogue:
    """The topics from the environment, with ``--prefix`` (if given) as the prefix."""
    from streams.topics import TopicCatalogue

    env = dict(os.environ)
    if getattr(args, "prefix", None) is not None:
        env["TICKET_ROUTER_TOPIC_PREFIX"] = args.prefix
    try:
        return TopicCatalogue.from_env(env)
    except ValueError as exc:
        raise CliError(str(exc), exit_code=2) from exc
