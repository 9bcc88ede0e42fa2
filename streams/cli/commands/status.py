"""``ticket-router status``: the live view from Redis (agents, pending queue, decisions).

Reads what the worker mirrors into Redis (:mod:`streams.app.redis_view`): per agent
status, depth/capacity and velocity; pending tickets by priority with the oldest
waiting; the last decisions. ``--watch`` redraws every ``--interval`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from streams.cli.errors import CliError

__all__ = ["TenantStatus", "read_status", "register", "render"]


def register(subparsers: Any) -> None:
    """Add ``status`` to the top-level parser."""
    status = subparsers.add_parser(
        "status",
        help="show agents, queues and recent decisions from the Redis live view",
        description=(
            "Print a table per tenant: each agent's status, open tickets / capacity, a load "
            "bar and velocity (mean handling time), then the pending queue by priority and the "
            "last decisions. Data comes from the Redis view the worker writes "
            "(TICKET_ROUTER_REDIS_URL, prefix TICKET_ROUTER_REDIS_PREFIX)."
        ),
    )
    status.add_argument("--redis-url", help="Redis URL (TICKET_ROUTER_REDIS_URL)")
    status.add_argument("--prefix", help="key prefix (TICKET_ROUTER_REDIS_PREFIX, default tr)")
    status.add_argument("--tenant", action="append", help="only this tenant (repeatable)")
    status.add_argument("--watch", action="store_true", help="redraw until Ctrl-C")
    status.add_argument("--interval", type=float, default=2.0, help="seconds between redraws")
    status.add_argument(
        "--iterations", type=int, default=None, help="with --watch: stop after this many"
    )
    status.add_argument("--decisions", type=int, default=5, help="recent decisions to show")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=_status)


@dataclass(slots=True)
class TenantStatus:
    """One tenant as the Redis view shows it."""

    tenant: str
    agents: list[dict[str, Any]] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)
    pending_list: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


async def read_status(
    client: Any, prefix: str, tenants: list[str] | None = None, decisions: int = 5
) -> list[TenantStatus]:
    """Every (or the named) tenant's view."""
    names = sorted(_text(t) for t in await client.smembers(f"{prefix}:tenants"))
    if tenants:
        names = [t for t in names if t in tenants]
    out = []
    for tenant in names:
        base = f"{prefix}:{tenant}"
        status = TenantStatus(tenant)
        keys = sorted([_text(k) async for k in client.scan_iter(match=f"{base}:agent:*")])
        for key in keys:
            raw = {_text(k): _text(v) for k, v in (await client.hgetall(key)).items()}
            status.agents.append(
                {
                    "agent_id": key.rsplit(":agent:", 1)[1],
                    "status": raw.get("status", "?"),
                    "depth": int(float(raw.get("depth", 0))),
                    "capacity": int(float(raw.get("capacity", 0))),
                    "velocity_s": float(raw.get("velocity_s", 0.0)),
                    "automated": raw.get("automated") == "1",
                }
            )
        status.pending = {
            _text(k): int(_text(v)) for k, v in (await client.hgetall(f"{base}:pending")).items()
        }
        status.pending_list = [
            json.loads(_text(item)) for item in await client.lrange(f"{base}:pending:list", 0, 9)
        ]
        if decisions > 0:
            status.decisions = [
                json.loads(_text(item))
                for item in await client.lrange(f"{base}:decisions", 0, decisions - 1)
            ]
        out.append(status)
    return out


def _bar(depth: int, capacity: int, width: int = 20) -> str:
    if capacity <= 0:
        return "-" * width
    filled = min(width, round(width * depth / capacity))
    return "#" * filled + "." * (width - filled)


def _duration(seconds: float) -> str:
    if seconds <= 0:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f}s"
    return f"{seconds / 60:.1f}m"


def render(statuses: list[TenantStatus]) -> str:
    """The status table as text."""
    if not statuses:
        return "no tenants in the live view yet (is the worker running and has it seen events?)"
    lines = []
    for st in statuses:
        depths = [a["depth"] for a in st.agents]
        mean = sum(depths) / len(depths) if depths else 0.0
        spread = (sum((d - mean) ** 2 for d in depths) / len(depths)) ** 0.5 if depths else 0.0
        lines.append(
            f"tenant {st.tenant}: {len(st.agents)} agents, {sum(depths)} open, "
            f"depth stddev {spread:.1f}, pending {st.pending.get('total', 0)}"
        )
        lines.append(f"  {'agent':<16} {'status':<8} {'open/cap':>9}  {'load':<20}  velocity")
        for a in sorted(st.agents, key=lambda a: (-a["depth"], a["agent_id"])):
            lines.append(
                f"  {a['agent_id']:<16} {a['status']:<8} {a['depth']:>4}/{a['capacity']:<4}  "
                f"{_bar(a['depth'], a['capacity'])}  {_duration(a['velocity_s'])}"
            )
        if st.pending.get("total"):
            by_prio = " ".join(f"p{p}={st.pending.get(f'p{p}', 0)}" for p in (1, 2, 3, 4))
            lines.append(f"  pending: {by_prio}")
            for item in st.pending_list[:5]:
                lines.append(
                    f"    {item['ticket_id']:<24} p{item['priority']} waited "
                    f"{_duration(float(item['waited_s']))} {item.get('category') or ''}"
                )
        for d in st.decisions:
            reason = d.get("reasons", [""])[0] if d.get("reasons") else d.get("policy", "")
            lines.append(f"  -> {d['ticket_id']} to {d['agent_id']}: {reason}")
    return "\n".join(lines)


def _as_dict(status: TenantStatus) -> dict[str, Any]:
    return {
        "tenant": status.tenant,
        "agents": status.agents,
        "pending": status.pending,
        "pending_list": status.pending_list,
        "decisions": status.decisions,
    }


async def _once(client: Any, args: argparse.Namespace, prefix: str) -> list[TenantStatus]:
    try:
        return await read_status(client, prefix, args.tenant, args.decisions)
    except Exception as exc:
        if type(exc).__module__.startswith("redis"):
            raise CliError(
                f"Redis at {args.redis_url_resolved} does not answer ({exc}); start it with "
                "'ticket-router dev up --only redis' or set TICKET_ROUTER_REDIS_URL",
                exit_code=3,
            ) from exc
        raise


async def _main(args: argparse.Namespace, prefix: str) -> int:
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.from_url(
        args.redis_url_resolved, socket_timeout=2.0, socket_connect_timeout=2.0
    )
    try:
        count = 0
        while True:
            statuses = await _once(client, args, prefix)
            if args.json:
                print(json.dumps([_as_dict(s) for s in statuses]), flush=True)
            else:
                if args.watch and sys.stdout.isatty():
                    print("\033[2J\033[H", end="")
                stamp = time.strftime("%H:%M:%S")
                print(f"ticket-router status at {stamp}\n{render(statuses)}", flush=True)
            count += 1
            if not args.watch or (args.iterations is not None and count >= args.iterations):
                return 0
            await asyncio.sleep(max(args.interval, 0.2))
    finally:
        await client.aclose()


def _status(args: argparse.Namespace) -> int:
    if args.interval < 0.2:
        raise CliError("--interval must be at least 0.2 seconds", exit_code=2)
    if args.iterations is not None and args.iterations < 1:
        raise CliError("--iterations must be at least 1", exit_code=2)
    if args.decisions < 0:
        raise CliError("--decisions must be 0 or more", exit_code=2)
    args.redis_url_resolved = (
        args.redis_url or os.environ.get("TICKET_ROUTER_REDIS_URL") or "redis://127.0.0.1:16379/0"
    )
    prefix = args.prefix or os.environ.get("TICKET_ROUTER_REDIS_PREFIX") or "tr"
    return asyncio.run(_main(args, prefix))
