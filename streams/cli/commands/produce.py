"""``ticket-router produce``: the load generator (a plain Kafka producer, bounded).

Scenarios: ``mix`` (realistic traffic: skills, tiers, bursts, agents going away and
coming back, updates and closes) and ``demo`` (DOMAIN.md: two equally skilled agents,
one left with 47 open tickets and one with 8, then a steady stream the router spreads).
The run stops by itself after ``--duration`` seconds or ``--count`` events.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from streams.cli.errors import CliError
from streams.cli.kafka import bootstrap_of, catalogue_of, kafka_error

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``produce`` to the top-level parser."""
    produce = subparsers.add_parser(
        "produce",
        help="generate helpdesk traffic into the input topics (bounded)",
        description=(
            "Publish a realistic event mix (tickets with skills, tiers, SLAs and bursts; agents "
            "coming online, going away and back; updates; closes of the tickets the router "
            "assigned) at --rate events per second with a plain aiokafka producer. Stops after "
            "--duration seconds or --count events. '--scenario demo' plays DOMAIN.md's "
            "situation: two equal agents, one with 47 open tickets and one with 8."
        ),
    )
    produce.add_argument("--scenario", choices=("mix", "demo"), default="mix")
    produce.add_argument(
        "--rate", type=float, help="events per second (mix: 20; demo: new tickets/s, 0.6)"
    )
    produce.add_argument("--duration", type=float, default=None, help="seconds (default 60)")
    produce.add_argument("--count", type=int, default=None, help="stop after this many events")
    produce.add_argument("--tenants", type=int, default=1, help="routing groups (mix)")
    produce.add_argument("--agents", type=int, default=12, help="agents per tenant (mix)")
    produce.add_argument("--tenant", default=None, help="tenant name (default acme / demo)")
    produce.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    produce.add_argument("--bootstrap", help="Kafka host:port (TICKET_ROUTER_KAFKA_BOOTSTRAP)")
    produce.add_argument("--prefix", help="topic name prefix (TICKET_ROUTER_TOPIC_PREFIX)")
    produce.add_argument(
        "--no-follow",
        action="store_true",
        help="do not read assignments back (no closes: tickets pile up)",
    )
    produce.add_argument(
        "--show-assignments", action="store_true", help="print every assignment as it arrives"
    )
    produce.add_argument("--progress", type=float, default=5.0, help="seconds between lines")
    produce.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    produce.set_defaults(handler=_produce)


def _workload(args: argparse.Namespace, start: float) -> Any:
    seed = args.seed if args.seed is not None else int(start) % 100_000
    if args.scenario == "demo":
        from streams.loadgen.demo import DemoConfig, DemoWorkload

        demo = DemoConfig(
            tenant=args.tenant or "demo", rate=args.rate if args.rate else 0.6, seed=seed
        )
        return DemoWorkload(demo, start)
    from streams.loadgen.mix import MixConfig, MixWorkload

    if args.tenants < 1 or args.agents < 1:
        raise CliError("--tenants and --agents must be at least 1", exit_code=2)
    mix = MixConfig(
        rate=args.rate if args.rate else 20.0,
        tenants=args.tenants,
        agents_per_tenant=args.agents,
        seed=seed,
        tenant_name=args.tenant,
    )
    return MixWorkload(mix, start)


def _depths_line(workload: Any) -> str:
    parts = []
    for tenant in workload.tenants()[:3]:
        depths = workload.depths(tenant)
        shown = sorted(depths.items(), key=lambda kv: -kv[1])[:6]
        parts.append(f"{tenant}: " + " ".join(f"{a}={d}" for a, d in shown))
    return "; ".join(parts)


def _produce(args: argparse.Namespace) -> int:
    from streams.loadgen.runner import RunConfig, run

    if args.rate is not None and args.rate <= 0:
        raise CliError("--rate must be a positive number of events per second", exit_code=2)
    duration = args.duration
    if duration is None and args.count is None:
        duration = 60.0
    if duration is not None and duration <= 0:
        raise CliError("--duration must be positive", exit_code=2)
    if args.count is not None and args.count < 1:
        raise CliError("--count must be at least 1", exit_code=2)
    if args.tenant is not None and not args.tenant.strip():
        raise CliError("--tenant must not be empty", exit_code=2)
    catalogue = catalogue_of(args)
    bootstrap = bootstrap_of(args)
    config = RunConfig(
        bootstrap=bootstrap,
        catalogue=catalogue,
        duration_s=duration,
        max_events=args.count,
        follow=not args.no_follow,
        progress_every_s=max(args.progress, 0.5),
    )
    start = time.time()
    workload = _workload(args, start)

    def progress(report: Any, wl: Any) -> None:
        line = (
            f"[{report.elapsed_s:6.1f}s] produced {report.total} "
            f"(tickets {report.produced['ticket-created']}, closes "
            f"{report.produced['ticket-closed']}, agents {report.produced['agent-status']}, "
            f"updates {report.produced['ticket-updated']}), assigned {report.assigned}, "
            f"queued {report.queued} | {_depths_line(wl)}"
        )
        print(line, flush=True)

    def show(event: Any) -> None:
        reason = event.explanation.reasons[0] if event.explanation.reasons else event.policy
        print(f"  {event.tenant}/{event.ticket_id} -> {event.agent_id}  ({reason})", flush=True)

    print(
        f"producing '{args.scenario}' to {bootstrap} (prefix {catalogue.prefix or '-'}) for "
        f"{f'{duration:g} s' if duration else f'{args.count} events'}",
        flush=True,
    )
    try:
        report = asyncio.run(
            run(
                workload,
                config,
                progress=progress,
                on_assigned=show if args.show_assignments else None,
            )
        )
    except RuntimeError as exc:  # aiokafka's errors are RuntimeErrors too
        raise kafka_error(exc, bootstrap) from exc
    for warning in getattr(workload, "warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    summary = {
        "produced": dict(report.produced),
        "total": report.total,
        "assigned_seen": report.assigned,
        "queued_seen": report.queued,
        "elapsed_s": round(report.elapsed_s, 2),
        "rate": round(report.total / report.elapsed_s, 2) if report.elapsed_s else 0.0,
        "depths": {t: workload.depths(t) for t in workload.tenants()},
    }
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    else:
        print(
            f"done: {report.total} events in {report.elapsed_s:.1f} s "
            f"({summary['rate']}/s), {report.assigned} assignments seen"
        )
    return 0
