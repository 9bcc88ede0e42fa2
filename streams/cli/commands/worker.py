"""``ticket-router worker``: run the streaming router (Faust worker) until stopped.

Settings come from ``TICKET_ROUTER_*`` variables (:class:`streams.app.settings.Settings`,
docs/streaming.md lists them); the options below override the common ones. Before
starting, the command checks that Kafka answers and that the catalogue's topics exist
with one partition count, and says what to do when not.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from typing import Any

from streams.cli.errors import CliError

__all__ = ["preflight", "register"]


def register(subparsers: Any) -> None:
    """Add ``worker`` to the top-level parser."""
    worker = subparsers.add_parser(
        "worker",
        help="run the streaming router (triage + routing processors) until stopped",
        description=(
            "Run the Faust worker: triage ticket-created in batches into ticket-triaged, route "
            "every input of a tenant in order through the decision core, write assignments to "
            "ticket-assigned and audit events to router-events, keep the routing books in "
            "RocksDB tables (with Kafka changelogs), mirror them into Redis and serve "
            "Prometheus metrics. Settings come from TICKET_ROUTER_* variables (see "
            "docs/streaming.md); the options override them. Stop with Ctrl-C or SIGTERM."
        ),
    )
    worker.add_argument("--bootstrap", help="Kafka host:port (TICKET_ROUTER_KAFKA_BOOTSTRAP)")
    worker.add_argument("--prefix", help="topic name prefix (TICKET_ROUTER_TOPIC_PREFIX)")
    worker.add_argument("--app-id", help="Faust app id = consumer group (TICKET_ROUTER_APP_ID)")
    worker.add_argument("--data-dir", help="RocksDB and Faust state (TICKET_ROUTER_DATA_DIR)")
    worker.add_argument("--redis-url", help="Redis for the live view (TICKET_ROUTER_REDIS_URL)")
    worker.add_argument(
        "--metrics-port", type=int, help="Prometheus port, 0 = off (TICKET_ROUTER_METRICS_PORT)"
    )
    worker.add_argument(
        "--embedder",
        choices=("minilm", "hashing"),
        help="triage embedder (TICKET_ROUTER_TRIAGE_EMBEDDER; 'hashing' is fast and crude)",
    )
    worker.add_argument("--group-config", help="JSON or a JSON/YAML file of group configs")
    worker.add_argument("--log-level", help="debug, info, warning, error (default info)")
    worker.set_defaults(handler=_worker)


_OVERRIDES = {
    "bootstrap": "kafka_bootstrap",
    "prefix": "topic_prefix",
    "app_id": "app_id",
    "data_dir": "data_dir",
    "redis_url": "redis_url",
    "metrics_port": "metrics_port",
    "embedder": "triage_embedder",
    "group_config": "group_config",
    "log_level": "log_level",
}


def _settings(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from streams.app.settings import ENV_PREFIX, Settings

    overrides = {
        field: getattr(args, option)
        for option, field in _OVERRIDES.items()
        if getattr(args, option, None) is not None
    }
    try:
        return Settings.from_env(dict(os.environ), **overrides)
    except ValidationError as exc:
        options = {field: option for option, field in _OVERRIDES.items()}
        problems = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if not error["loc"]:  # a check across settings: its message names them
                problems.append(message)
                continue
            field = str(error["loc"][0])
            source = (
                f"--{options[field].replace('_', '-')}"
                if field in overrides
                else f"{ENV_PREFIX}{field.upper()}"
            )
            problems.append(f"{source}={error.get('input')!r}: {message}")
        raise CliError("invalid worker settings: " + "; ".join(problems), exit_code=2) from exc
    except ValueError as exc:
        raise CliError(f"invalid worker settings: {exc}", exit_code=2) from exc


async def preflight(settings: Any) -> None:
    """Kafka answers and every catalogue topic exists with the configured partition count."""
    from streams.infra.admin import wait_for_kafka
    from streams.infra.errors import InfraError
    from streams.topic_admin import TopicAdminError, describe_topics

    bootstrap = settings.kafka_bootstrap
    try:
        await wait_for_kafka(bootstrap, max(settings.kafka_wait_s, 1.0))
    except InfraError as exc:
        raise CliError(
            f"Kafka at {bootstrap} is not reachable: {exc}. Start the local broker with "
            "'ticket-router dev up' (or 'make up'), or point TICKET_ROUTER_KAFKA_BOOTSTRAP "
            "(--bootstrap) at a running one.",
            exit_code=3,
        ) from exc
    try:
        states = await describe_topics(bootstrap, settings.catalogue(), request_timeout=15.0)
    except TopicAdminError as exc:
        raise CliError(f"cannot list topics on {bootstrap}: {exc}", exit_code=3) from exc
    missing = [s.topic.name for s in states if s.action == "missing"]
    if missing:
        raise CliError(
            f"{len(missing)} topic(s) missing on {bootstrap}: {', '.join(missing)}. Create "
            "them with 'ticket-router topics create' (same TICKET_ROUTER_TOPIC_PREFIX and "
            "TICKET_ROUTER_TOPIC_PARTITIONS as the worker).",
            exit_code=3,
        )
    wrong = [
        f"{s.topic.name} has {s.partitions}"
        for s in states
        if s.partitions is not None and s.partitions != settings.topic_partitions
    ]
    if wrong:
        raise CliError(
            "every input topic must have the same partition count "
            f"(TICKET_ROUTER_TOPIC_PARTITIONS={settings.topic_partitions}): "
            + "; ".join(wrong)
            + ". Set TICKET_ROUTER_TOPIC_PARTITIONS to the topics' count.",
            exit_code=3,
        )


def _worker(args: argparse.Namespace) -> int:
    settings = _settings(args)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    from streams.app.app import build_app
    from streams.app.groups import GroupConfigs

    try:  # before the broker checks: a broken file is reported with or without Kafka
        GroupConfigs(settings.group_configs()).check()
    except ValueError as exc:  # the file's errors name it, GroupConfig's the key
        raise CliError(f"invalid group configuration: {exc}", exit_code=2) from exc
    if settings.triage_catalogue:
        from streams.triage.catalogue import load_catalogue

        try:
            load_catalogue(settings.triage_catalogue)
        except ValueError as exc:
            raise CliError(
                f"invalid triage catalogue (TICKET_ROUTER_TRIAGE_CATALOGUE): {exc}", exit_code=2
            ) from exc
    asyncio.run(preflight(settings))
    router_app = build_app(settings)
    return router_app.run()
