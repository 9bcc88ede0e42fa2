"""``ticket-router topics create|list|delete`` and ``ticket-router schemas generate|check``.

``topics`` manages the catalogue's Kafka topics (streams/topics.py); ``schemas``
regenerates or checks the committed contract documents (docs/schemas, docs/examples,
docs/asyncapi.yaml) from models/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from streams.cli.errors import CliError
from streams.cli.kafka import DEFAULT_BOOTSTRAP, bootstrap_of

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``topics`` and ``schemas`` to the top-level parser."""
    _register_topics(subparsers)
    _register_schemas(subparsers)


def _register_topics(subparsers: Any) -> None:
    topics = subparsers.add_parser(
        "topics",
        help="create, list or delete the Kafka topics of the catalogue",
        description=(
            "The nine topics of streams/topics.py (inputs, internal, outputs), all keyed by "
            "tenant with one partition count. Defaults come from TICKET_ROUTER_KAFKA_BOOTSTRAP, "
            "TICKET_ROUTER_TOPIC_PREFIX, TICKET_ROUTER_TOPIC_PARTITIONS (6) and "
            "TICKET_ROUTER_TOPIC_REPLICATION (1)."
        ),
    )
    topics.set_defaults(handler=lambda _args: _print_help(topics))
    actions = topics.add_subparsers(dest="topics_action", metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="create the missing topics (idempotent)",
        description=(
            "Create every catalogue topic that does not exist yet and report each as "
            "'created' or 'exists'. Existing topics are never changed; a warning names any "
            "whose partition count differs from --partitions (exit status 3)."
        ),
    )
    _add_topic_options(create)
    create.set_defaults(handler=_create)
    listing = actions.add_parser(
        "list",
        help="show the catalogue and which topics exist on the broker",
        description=(
            "Print name, partitions, retention and value model of every catalogue topic and, "
            "unless --offline, whether it exists on the broker with how many partitions."
        ),
    )
    _add_topic_options(listing)
    listing.add_argument(
        "--offline", action="store_true", help="print the catalogue only; do not ask the broker"
    )
    listing.set_defaults(handler=_list)
    delete = actions.add_parser(
        "delete",
        help="delete every topic whose name starts with a prefix (a run's throwaway topics)",
        description=(
            "Delete every topic on the broker whose name starts with one of the --prefix "
            "values: a demo's or a test run's topics, and Faust's own topics of an app "
            "(they start with its app id). Prints the names; without --yes it only lists "
            "what it would delete. Kafka's internal topics ('_...') are never matched."
        ),
    )
    delete.add_argument(
        "--prefix",
        action="append",
        required=True,
        help="delete topics starting with this (repeat for several)",
    )
    delete.add_argument("--yes", action="store_true", help="delete them (else: list only)")
    delete.add_argument("--quiet", action="store_true", help="print only the count")
    _add_broker_options(delete)
    delete.set_defaults(handler=_delete)


def _add_broker_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bootstrap",
        help=f"Kafka bootstrap host:port (default: $TICKET_ROUTER_KAFKA_BOOTSTRAP or "
        f"{DEFAULT_BOOTSTRAP})",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for the broker (default 30)"
    )


def _add_topic_options(parser: argparse.ArgumentParser) -> None:
    _add_broker_options(parser)
    parser.add_argument(
        "--prefix", help="topic name prefix (default: $TICKET_ROUTER_TOPIC_PREFIX or none)"
    )
    parser.add_argument(
        "--partitions",
        type=int,
        help="partitions of every topic (default: $TICKET_ROUTER_TOPIC_PARTITIONS or 6)",
    )
    parser.add_argument(
        "--replication-factor",
        type=int,
        help="replicas of every new topic (default: $TICKET_ROUTER_TOPIC_REPLICATION or 1)",
    )


def _register_schemas(subparsers: Any) -> None:
    schemas = subparsers.add_parser(
        "schemas",
        help="regenerate or check the JSON Schemas, examples and AsyncAPI document",
        description=(
            "docs/schemas/*.json, docs/examples/*.json and docs/asyncapi.yaml are generated "
            "from models/ and streams/topics.py. 'generate' writes them, 'check' exits 1 when "
            "the committed files are stale."
        ),
    )
    schemas.set_defaults(handler=lambda _args: _print_help(schemas))
    actions = schemas.add_subparsers(dest="schemas_action", metavar="ACTION")
    for name, handler, text in (
        ("generate", _generate, "write the generated files"),
        ("check", _check, "exit 1 when a generated file is missing or stale"),
    ):
        sub = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        sub.add_argument(
            "--root",
            type=Path,
            default=Path.cwd(),
            help="repository root holding docs/ (default: the current directory)",
        )
        sub.set_defaults(handler=handler)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _catalogue(args: argparse.Namespace) -> Any:
    from streams.topics import TopicCatalogue

    try:
        base = TopicCatalogue.from_env(os.environ)
        return TopicCatalogue(
            prefix=base.prefix if args.prefix is None else args.prefix,
            partitions=base.partitions if args.partitions is None else args.partitions,
            replication_factor=(
                base.replication_factor
                if args.replication_factor is None
                else args.replication_factor
            ),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _create(args: argparse.Namespace) -> int:
    from streams.topic_admin import TopicAdminError, ensure_topics

    catalogue = _catalogue(args)
    bootstrap = bootstrap_of(args)
    try:
        states = asyncio.run(ensure_topics(bootstrap, catalogue, request_timeout=args.timeout))
    except TopicAdminError as exc:
        raise CliError(str(exc)) from exc
    warnings = 0
    for state in states:
        count = "count not reported" if state.partitions is None else state.partitions
        print(f"{state.action:<8} {state.topic.name} ({count} partitions)")
        if state.warning:
            warnings += 1
            print(f"warning: {state.warning}")
    created = sum(s.action == "created" for s in states)
    print(f"{created} created, {len(states) - created} already existed on {bootstrap}")
    return 3 if warnings else 0


def _list(args: argparse.Namespace) -> int:
    from streams.topic_admin import TopicAdminError, describe_topics

    catalogue = _catalogue(args)
    states: dict[str, Any] = {}
    if not args.offline:
        try:
            found = asyncio.run(
                describe_topics(bootstrap_of(args), catalogue, request_timeout=args.timeout)
            )
        except TopicAdminError as exc:
            raise CliError(f"{exc} (or use --offline to print the catalogue only)") from exc
        states = {s.topic.name: s for s in found}
    print(f"{'topic':<40} {'role':<9} {'parts':>5} {'retention':>9}  value model / on broker")
    for topic in catalogue:
        hours = topic.spec.retention_ms / 3_600_000
        retention = f"{hours:g}h" if hours < 48 else f"{hours / 24:g}d"
        line = (
            f"{topic.name:<40} {topic.spec.role:<9} {topic.partitions:>5} {retention:>9}  "
            f"{topic.spec.value_model.__name__}"
        )
        state = states.get(topic.name)
        if state is not None:
            line += f" / {state.action}" + (
                f" ({state.partitions} partitions)" if state.partitions is not None else ""
            )
        print(line)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from streams.contract_docs import write_files

    changed = write_files(args.root)
    for rel in changed:
        print(f"wrote {rel}")
    print(f"{len(changed)} file(s) changed under {args.root}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from streams.contract_docs import REGENERATE_COMMAND, stale_files

    stale = stale_files(args.root)
    if stale:
        for rel in stale:
            print(f"stale: {rel}")
        raise CliError(
            f"{len(stale)} generated contract file(s) are stale; run '{REGENERATE_COMMAND}' "
            "and commit the result"
        )
    print("contract documents are up to date")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from streams.topic_admin import TopicAdminError, delete_topics

    bootstrap = bootstrap_of(args)
    try:
        names = asyncio.run(
            delete_topics(
                bootstrap, args.prefix, dry_run=not args.yes, request_timeout=args.timeout
            )
        )
    except ValueError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    except TopicAdminError as exc:
        raise CliError(str(exc)) from exc
    if not args.quiet:
        for name in names:
            print(("deleted  " if args.yes else "would delete  ") + name)
    verb = "deleted" if args.yes else "would be deleted (add --yes to delete them)"
    print(f"{len(names)} topic(s) {verb} on {bootstrap}")
    return 0
