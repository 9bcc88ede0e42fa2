"""``ticket-router dev up|down|status``: the local Kafka 4.x and Redis for development.

A thin wrapper over ``deploy/local/kafka.sh`` and ``deploy/local/redis.sh`` (the same
scripts the Makefile and the integration tests use).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from streams.cli.errors import CliError

__all__ = ["register"]

_SERVICES = ("kafka", "redis")


def register(subparsers: Any) -> None:
    """Add ``dev`` and its subcommands to the top-level parser."""
    dev = subparsers.add_parser(
        "dev",
        help="start, stop or inspect the local Kafka and Redis",
        description=(
            "Local single-node Kafka 4.x (KRaft) on 127.0.0.1:19092 and Redis on "
            "127.0.0.1:16379, run by deploy/local/kafka.sh and redis.sh. Ports come from "
            "TICKET_ROUTER_KAFKA_PORT, TICKET_ROUTER_KAFKA_CONTROLLER_PORT and "
            "TICKET_ROUTER_REDIS_PORT; state and logs from TICKET_ROUTER_STATE_DIR "
            "(default .local/ in the checkout)."
        ),
    )
    dev.set_defaults(handler=lambda _args: _print_help(dev))
    actions = dev.add_subparsers(dest="dev_action", metavar="ACTION")

    up = actions.add_parser(
        "up",
        help="start Kafka and Redis (fetching jars / installing Redis when needed)",
        description=(
            "Fetch the Kafka jars (cached), install redis-server from Debian if absent, "
            "start both and wait until Kafka answers a metadata request and Redis a PING. "
            "Running services are left as they are."
        ),
    )
    _add_only(up)
    up.set_defaults(handler=_up)

    down = actions.add_parser(
        "down",
        help="stop Kafka and Redis",
        description="Stop the local services (SIGTERM, then SIGKILL after a timeout).",
    )
    _add_only(down)
    down.set_defaults(handler=_down)

    status = actions.add_parser(
        "status",
        help="show whether Kafka and Redis run and answer",
        description="Exit status 0 when every chosen service runs and answers, 3 otherwise.",
    )
    _add_only(status)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=_status)


def _add_only(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--only",
        choices=_SERVICES,
        action="append",
        help="act on this service only (repeatable; default: both)",
    )


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def chosen_services(args: argparse.Namespace) -> tuple[str, ...]:
    """Services named by ``--only``, in canonical order; both when none given."""
    only = set(args.only or _SERVICES)
    return tuple(s for s in _SERVICES if s in only)


def _run(service: str, verb: str) -> None:
    from streams.infra import InfraError
    from streams.infra.scripts import run_script

    try:
        run_script(service, verb, capture=False)
    except InfraError as exc:
        raise CliError(
            f"{service}.sh {verb} failed (see the messages above); fix the cause and run "
            f"'ticket-router dev {verb if verb in ('up', 'down') else 'up'}' again. {exc}"
        ) from exc


def _up(args: argparse.Namespace) -> int:
    for service in chosen_services(args):
        _run(service, "fetch" if service == "kafka" else "install")
        _run(service, "up")
    return 0


def _down(args: argparse.Namespace) -> int:
    for service in reversed(chosen_services(args)):
        _run(service, "down")
    return 0


def _status(args: argparse.Namespace) -> int:
    from streams.infra import InfraError
    from streams.infra.endpoints import LocalEndpoints
    from streams.infra.scripts import service_status

    try:
        endpoints = LocalEndpoints.from_env(os.environ)
        statuses = [service_status(s) for s in chosen_services(args)]
    except (InfraError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    address = {"kafka": endpoints.kafka_bootstrap, "redis": endpoints.redis_url}
    if args.json:
        report = {
            s.service: {"state": s.state.value, "address": address[s.service], "detail": s.detail}
            for s in statuses
        }
        print(json.dumps(report, indent=2))
    else:
        for s in statuses:
            print(f"{s.service:<6} {s.state.value:<9} {address[s.service]}  ({s.detail})")
        print(f"logs: {endpoints.logs_dir}")
    return 0 if all(s.running for s in statuses) else 3
