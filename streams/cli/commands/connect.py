"""``ticket-router connect``: apply the router's assignments in the helpdesk.

Targets: ``webhook`` (POST each event, HMAC-signed), ``zendesk`` (set the assignee) and
``freshdesk`` (set the responder). Secrets come from environment variables, never from
the command line (which other users of the machine can read).

``ticket-router webhook-listen`` is the other end of the webhook: a receiver that
verifies every signature and prints each assignment (to try a connector, and the demo's
helpdesk).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from typing import Any

from streams.cli.errors import CliError
from streams.cli.kafka import bootstrap_of, catalogue_of, kafka_error

__all__ = ["load_agent_map", "register"]

_WEBHOOK_SECRET = "TICKET_ROUTER_WEBHOOK_SECRET"

_SECRETS = {
    "webhook": _WEBHOOK_SECRET,
    "zendesk": "TICKET_ROUTER_ZENDESK_API_TOKEN",
    "freshdesk": "TICKET_ROUTER_FRESHDESK_API_KEY",
}


def register(subparsers: Any) -> None:
    """Add ``connect`` to the top-level parser."""
    connect = subparsers.add_parser(
        "connect",
        help="apply assignments in the helpdesk: signed webhook, Zendesk or Freshdesk",
        description=(
            "Consume ticket-assigned and apply every assignment: 'webhook' POSTs the event "
            "JSON signed with HMAC-SHA256 (secret in $TICKET_ROUTER_WEBHOOK_SECRET); "
            "'zendesk' sets the ticket's assignee ($TICKET_ROUTER_ZENDESK_API_TOKEN, "
            "--email); 'freshdesk' sets its responder ($TICKET_ROUTER_FRESHDESK_API_KEY). "
            "Helpdesk user ids come from --agents (YAML: router agent id -> user id). "
            "At least once and in order per routing group; retries with backoff; what "
            "cannot be applied goes to the dead-letter topic with the reason. Runs until "
            "stopped (Ctrl-C), --max-events or --exit-when-idle."
        ),
    )
    connect.add_argument("target", choices=("webhook", "zendesk", "freshdesk"))
    connect.add_argument(
        "--url",
        required=True,
        help="webhook URL, or the helpdesk's base URL (https://acme.zendesk.com)",
    )
    connect.add_argument("--email", help="zendesk: the API user's email address")
    connect.add_argument(
        "--agents", help="zendesk/freshdesk: YAML file mapping router agent ids to user ids"
    )
    connect.add_argument(
        "--ticket-prefix",
        default="",
        help="zendesk/freshdesk: prefix removed from ticket ids (e.g. 'zd-' for 'zd-123')",
    )
    connect.add_argument("--bootstrap", help="Kafka host:port (TICKET_ROUTER_KAFKA_BOOTSTRAP)")
    connect.add_argument("--prefix", help="topic name prefix (TICKET_ROUTER_TOPIC_PREFIX)")
    connect.add_argument(
        "--group-id", help="consumer group (default: ticket-router-connector-TARGET)"
    )
    connect.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    connect.add_argument(
        "--give-up-after",
        type=float,
        default=900.0,
        help="seconds of failed retries before an event is dead-lettered (0: never)",
    )
    connect.add_argument(
        "--max-rate",
        type=float,
        help="most requests a second, retries included (default: no limit; e.g. 3 for an "
        "API limit of 200 a minute)",
    )
    connect.add_argument("--max-events", type=int, help="stop after this many events")
    connect.add_argument(
        "--exit-when-idle", type=float, help="stop after this many seconds with no new event"
    )
    connect.add_argument("--progress", type=float, default=10.0, help="seconds between lines")
    connect.add_argument(
        "--metrics-port",
        type=int,
        default=0,
        help="serve Prometheus metrics on this port (default 0: off)",
    )
    connect.add_argument("--metrics-host", default="127.0.0.1", help="address for the metrics")
    connect.set_defaults(handler=_connect)

    listen = subparsers.add_parser(
        "webhook-listen",
        help="receive 'connect webhook' requests: verify signatures, print assignments",
        description=(
            "A webhook receiver for trying 'ticket-router connect webhook': verifies every "
            "request's HMAC-SHA256 signature and timestamp with $TICKET_ROUTER_WEBHOOK_SECRET "
            "(401 when wrong or stale), checks the body is a ticket-assigned event (400 "
            "otherwise), answers a delivery id it has seen before with 200 without applying "
            "it again, and prints one line per assignment. Runs until Ctrl-C, --duration or "
            "--max-events; exits 1 when it refused any request."
        ),
    )
    listen.add_argument("--host", default="127.0.0.1", help="address to listen on")
    listen.add_argument("--port", type=int, default=18080, help="port (default 18080)")
    listen.add_argument("--path", default="/", help="URL path to answer (default /)")
    listen.add_argument("--max-events", type=int, help="stop after this many assignments")
    listen.add_argument("--duration", type=float, help="stop after this many seconds")
    listen.add_argument("--quiet", action="store_true", help="print only the final counts")
    listen.set_defaults(handler=_listen)


def load_agent_map(path: str) -> dict[str, int]:
    """``{router agent id: helpdesk user id}`` from YAML (top level or under ``agents``)."""
    from streams.files import FileError, read_config

    try:
        data = read_config(path, "agent map")
    except FileError as exc:
        raise CliError(str(exc)) from exc
    if isinstance(data, dict) and isinstance(data.get("agents"), dict):
        data = data["agents"]
    if not isinstance(data, dict) or not data:
        raise CliError(
            f"agent map {path} must map router agent ids to helpdesk user ids, e.g. "
            "'agents: {ana: 3851265, ben: 3851266}'"
        )
    out: dict[str, int] = {}
    for agent, user in data.items():
        if isinstance(user, bool) or not isinstance(user, int) or user <= 0:
            raise CliError(
                f"agent map {path}: {agent!r} maps to {user!r}; a helpdesk user id is a "
                "positive whole number"
            )
        out[str(agent)] = user
    return out


def _target(args: argparse.Namespace) -> Any:
    from streams.connectors.targets import FreshdeskTarget, WebhookTarget, ZendeskTarget

    secret_name = _SECRETS[args.target]
    secret = os.environ.get(secret_name, "")
    if not secret:
        raise CliError(f"set {secret_name} to the {args.target} secret first", exit_code=2)
    if args.target == "webhook":
        return WebhookTarget(args.url, secret.encode(), time.time)
    if not args.agents:
        raise CliError(f"{args.target} needs --agents (router agent id -> user id)", exit_code=2)
    agents = load_agent_map(args.agents)
    if args.target == "zendesk":
        if not args.email:
            raise CliError("zendesk needs --email (the API token's user)", exit_code=2)
        return ZendeskTarget(args.url, args.email, secret, agents, args.ticket_prefix)
    return FreshdeskTarget(args.url, secret, agents, args.ticket_prefix)


def _check_above_zero(args: argparse.Namespace, *names: str) -> None:
    """Options that, when given, must be above 0 (an operator error otherwise)."""
    for name in names:
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise CliError(f"--{name.replace('_', '-')} must be above 0", exit_code=2)


def _connect(args: argparse.Namespace) -> int:
    from streams.connectors.runner import ConnectorSettings, run_connector

    _check_above_zero(args, "timeout", "progress", "max_rate")
    if not 0 <= args.metrics_port <= 65535:
        raise CliError("--metrics-port must be 0 (off) or a port number", exit_code=2)
    for name in ("give_up_after", "exit_when_idle", "max_events"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise CliError(f"--{name.replace('_', '-')} must be 0 or more", exit_code=2)
    try:
        target = _target(args)
    except ValueError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    catalogue = catalogue_of(args)
    bootstrap = bootstrap_of(args)
    settings = ConnectorSettings(
        bootstrap=bootstrap,
        catalogue=catalogue,
        group_id=args.group_id or f"ticket-router-connector-{args.target}",
        timeout_s=args.timeout,
        give_up_after_s=args.give_up_after or None,
        max_events=args.max_events,
        exit_when_idle_s=args.exit_when_idle,
        progress_every_s=args.progress,
        max_rate_per_s=args.max_rate,
    )
    print(
        f"connector {args.target} -> {target.url}: "
        f"reading {catalogue.name('ticket-assigned')} on {bootstrap} as {settings.group_id}",
        file=sys.stderr,
        flush=True,
    )

    def progress(report: Any) -> None:
        print(report.line(), file=sys.stderr, flush=True)

    metrics = None
    if args.metrics_port:
        from prometheus_client import CollectorRegistry

        from streams.app.metrics import ConnectorMetrics, serve_metrics

        metrics = ConnectorMetrics(CollectorRegistry(auto_describe=True))
        try:
            serve_metrics(metrics.registry, args.metrics_host, args.metrics_port)
        except OSError as exc:
            raise CliError(
                f"cannot serve metrics on {args.metrics_host}:{args.metrics_port}: {exc}"
            ) from exc
        print(
            f"metrics on http://{args.metrics_host}:{args.metrics_port}/metrics",
            file=sys.stderr,
            flush=True,
        )

    async def main() -> Any:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await run_connector(target, settings, stop=stop, progress=progress, metrics=metrics)

    try:
        report = asyncio.run(main())
    except RuntimeError as exc:  # aiokafka's errors are RuntimeErrors too
        raise kafka_error(exc, bootstrap) from exc
    return 1 if report.dead_letters else 0


def _listen(args: argparse.Namespace) -> int:
    from aiohttp import web

    from streams.connectors.listener import WebhookListener

    secret = os.environ.get(_WEBHOOK_SECRET, "")
    if not secret:
        raise CliError(f"set {_WEBHOOK_SECRET} to the webhook secret first", exit_code=2)
    if not 1 <= args.port <= 65535:
        raise CliError("--port must be a port number (1-65535)", exit_code=2)
    if not args.path.startswith("/"):
        raise CliError(f"--path must start with '/', got {args.path!r}", exit_code=2)
    _check_above_zero(args, "max_events", "duration")

    stop = asyncio.Event()

    def on_line(line: str) -> None:
        if not args.quiet:
            print(line, flush=True)
        if args.max_events is not None and listener.report.applied >= args.max_events:
            stop.set()

    try:
        listener = WebhookListener(secret.encode(), on_line=on_line)
    except ValueError as exc:
        raise CliError(f"{_WEBHOOK_SECRET}: {exc}", exit_code=2) from exc

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = web.AppRunner(listener.app(args.path), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, args.host, args.port)
            try:
                await site.start()
            except OSError as exc:
                raise CliError(f"cannot listen on {args.host}:{args.port}: {exc}") from exc
            print(
                f"listening on http://{args.host}:{args.port}{args.path} "
                "(signatures checked with $TICKET_ROUTER_WEBHOOK_SECRET)",
                file=sys.stderr,
                flush=True,
            )
            with contextlib.suppress(TimeoutError):  # --duration ran out
                await asyncio.wait_for(stop.wait(), timeout=args.duration)
        finally:
            await runner.cleanup()

    asyncio.run(main())
    report = listener.report
    print(report.line(), file=sys.stderr, flush=True)
    return 1 if report.bad_signature or report.invalid else 0
