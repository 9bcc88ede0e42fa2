"""``ticket-router simulate``: compare routing policies on a scenario or on replayed history.

Runs round-robin, least-loaded, skills-only, balanced (the real decision core, in
process, over virtual time) and the ideal pooled queue on identical input, then prints
a table (or ``--json``) and optionally writes a self-contained HTML report. No Kafka.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from streams.cli.errors import CliError

__all__ = ["Progress", "register"]

_POLICIES = ("round_robin", "least_loaded", "skills", "balanced", "pooled")
_REFERENCES = ("pooled_skills",)


def register(subparsers: Any) -> None:
    """Add ``simulate``."""
    sim = subparsers.add_parser(
        "simulate",
        help="compare routing policies on a synthetic scenario or a replayed helpdesk log",
        description=(
            "Discrete-event simulation over virtual time: tickets arrive, are assigned by "
            "each policy (the real decision core), wait in the agent's personal queue or "
            "the central one, are worked and close; agents go on and off shift. Every "
            "policy gets the same input; 'pooled' (one central queue, everyone can do "
            "everything) is the lower bound on waiting. Without --replay the synthetic "
            "scenario (--scenario, default: the shipped one) is generated with --seed."
        ),
    )
    source = sim.add_argument_group("input")
    source.add_argument("--scenario", help="scenario YAML (default: the shipped default.yaml)")
    source.add_argument(
        "--tickets", type=int, default=20000, help="tickets to generate (default 20000)"
    )
    source.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    source.add_argument("--replay", help="helpdesk event log to replay (CSV or CSV.gz)")
    source.add_argument(
        "--mapping",
        default="servicenow",
        help="replay mapping YAML or preset name (default: servicenow)",
    )
    source.add_argument("--limit", type=int, default=None, help="replay only the first N tickets")
    sim.add_argument(
        "--policies",
        default=",".join(_POLICIES),
        help=(
            f"comma-separated policies to run (default: {','.join(_POLICIES)}); "
            "pooled_skills adds the ideal central queue within skills"
        ),
    )
    sim.add_argument(
        "--config",
        help="routing-group settings YAML applied to the core policies (e.g. relaxation)",
    )
    sim.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="policies run at once in worker processes (default: the number of CPUs; "
        "1 = one after another); the results are the same",
    )
    output = sim.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument("--html", help="also write a self-contained HTML report here")
    shown = output.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress", action="store_true", help="show progress on stderr even when not a TTY"
    )
    shown.add_argument("--quiet", action="store_true", help="no progress output")
    sim.set_defaults(handler=_simulate)


class Progress:
    """Progress per policy on ``stream``: one bar, or a compact line while several run.

    On a terminal the line is redrawn in place; elsewhere a line is printed every 5 s.
    A policy that finishes gets its own final line.
    """

    def __init__(self, stream: TextIO, *, redraw: bool, width: int = 30) -> None:
        self._stream = stream
        self._redraw = redraw
        self._width = width
        self._began: dict[str, float] = {}
        self._state: dict[str, tuple[int, int]] = {}
        self._finished: set[str] = set()
        self._last = 0.0

    def __call__(self, policy: str, closed: int, total: int) -> None:
        """Report ``closed`` of ``total`` tickets done for ``policy``."""
        if policy in self._finished:
            return
        now = time.monotonic()
        self._began.setdefault(policy, now)
        self._state[policy] = (closed, total)
        if closed >= total:
            self._finished.add(policy)
            self._state.pop(policy)
            self._write(self._bar(policy, closed, total, now), final=True)
            return
        if now - self._last < (0.1 if self._redraw else 5.0):
            return
        self._last = now
        if len(self._state) == 1:
            text = self._bar(policy, closed, total, now)
        else:
            text = "running: " + ", ".join(
                f"{name} {100 * done // max(1, of)}%" for name, (done, of) in self._state.items()
            )
        self._write(text, final=False)

    def _bar(self, policy: str, closed: int, total: int, now: float) -> str:
        filled = int(self._width * closed / total) if total else self._width
        bar = "#" * filled + "." * (self._width - filled)
        took = now - self._began[policy]
        return f"{policy:<13} [{bar}] {closed:,}/{total:,} tickets {took:5.1f}s"

    def _write(self, text: str, *, final: bool) -> None:
        if self._redraw:
            self._stream.write("\r\x1b[K" + text + ("\n" if final else ""))
        else:
            self._stream.write(text + "\n")
        self._stream.flush()


def _policies(text: str) -> list[str]:
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in _POLICIES + _REFERENCES]
    if unknown or not chosen:
        raise CliError(
            f"--policies: unknown {', '.join(unknown) or '(empty)'}; "
            f"choose from {', '.join(_POLICIES + _REFERENCES)}"
        )
    return list(dict.fromkeys(chosen))


def _config(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    from streams.files import FileError, read_config

    try:
        data = read_config(path, "file")
    except FileError as exc:
        raise CliError(f"--config: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CliError(f"--config: {path} must be a mapping of routing-group settings")
    data.pop("policy", None)
    return data


def _load(args: argparse.Namespace) -> tuple[Any, Any]:
    from router.simulation import generate
    from streams.simulation.replay import AUTO, ReplayError, load_mapping, load_replay
    from streams.simulation.report import RunInfo
    from streams.simulation.scenario import ScenarioError, default_scenario_path, load_scenario

    if args.replay is not None:
        if args.limit is not None and args.limit < 1:
            raise CliError("--limit must be >= 1")
        try:
            mapping = load_mapping(args.mapping)
            sim = load_replay(args.replay, mapping, limit=args.limit)
        except ReplayError as exc:
            raise CliError(str(exc)) from exc
        time_format = str(sim.meta.get("time_format", mapping.time_format))
        if mapping.time_format == AUTO and not args.quiet:
            print(
                f"times read as {time_format!r} (time_format: auto); "
                "set time_format in the mapping to pin it",
                file=sys.stderr,
            )
        below = list(sim.meta.get("groups_below_intermediate", ()))
        groups = len({t.category for t in sim.tickets})
        if below and not args.quiet:
            print(
                f"note: {len(below)} of {groups} groups "
                f"({sim.meta.get('tickets_below_intermediate', 0)} tickets) have no agent with "
                f"{mapping.intermediate_cases} or more cases in them (intermediate): the skills "
                "and balanced policies hold their tickets until the core's lower_proficiency "
                "step (120 s by default); for a small export lower 'levels' in the mapping",
                file=sys.stderr,
            )
        span = max((t.arrival for t in sim.tickets), default=0.0)
        slots = sum(a.concurrency * a.speed for a in sim.agents)
        load = sum(t.work for t in sim.tickets) / (span * slots) if span and slots else None
        info = RunInfo(
            "replay",
            args.replay,
            args.seed,
            len(sim.tickets),
            len(sim.agents),
            span,
            load,
            {
                "mapping": args.mapping,
                "time_format": time_format,
                "categories": groups,
                "groups_below_intermediate": len(below),
            },
        )
        return sim, info
    if args.tickets < 1:
        raise CliError("--tickets must be >= 1")
    path = args.scenario or str(default_scenario_path())
    try:
        spec = load_scenario(path)
    except ScenarioError as exc:
        raise CliError(str(exc)) from exc
    skilled = {skill for agent in spec.agents for skill in agent.skills}
    for category in spec.categories:
        if category not in skilled and spec.categories[category] > 0:
            print(
                f"warning: no agent has the skill {category!r}: its tickets can only be "
                "worked out of skill",
                file=sys.stderr,
            )
    sim = generate(spec, args.tickets, seed=args.seed)
    span = max((t.arrival for t in sim.tickets), default=0.0)
    info = RunInfo(
        "scenario",
        args.scenario or "default",
        args.seed,
        len(sim.tickets),
        len(sim.agents),
        span,
        spec.target_load,
        {"categories": len(spec.categories)},
    )
    return sim, info


def _simulate(args: argparse.Namespace) -> int:
    from router.simulation import check_goals, run_policies
    from streams.simulation.report import render_html, render_table, to_json

    policies = _policies(args.policies)
    if args.jobs is not None and args.jobs < 1:
        raise CliError(f"--jobs: must be 1 or more, got {args.jobs}")
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    config = _config(args.config)
    if args.html is not None:  # checked before the run, which can take minutes
        html = Path(args.html)
        if html.is_dir():
            raise CliError(
                f"--html: {html} is a folder; name the file, e.g. {html / 'report.html'}"
            )
        if not html.parent.is_dir():
            raise CliError(f"--html: folder {html.parent} does not exist")
    sim, info = _load(args)
    show = not args.quiet and (args.progress or sys.stderr.isatty())
    progress = Progress(sys.stderr, redraw=sys.stderr.isatty()) if show else None
    try:
        result = run_policies(sim, policies, config=config, progress=progress, jobs=jobs)
    except ValueError as exc:  # router.ConfigError is a ValueError naming the setting
        raise CliError(f"--config: {exc}") from exc
    goals = check_goals(result)
    if args.json:
        print(json.dumps(to_json(result, info, goals), indent=2, allow_nan=False))
    else:
        print(render_table(result, info, goals))
    if args.html is not None:
        try:
            Path(args.html).write_text(render_html(result, info, goals), encoding="utf-8")
        except OSError as exc:
            raise CliError(f"--html: cannot write {args.html}: {exc.strerror or exc}") from exc
        if not args.quiet:
            print(f"HTML report written to {args.html}", file=sys.stderr)
    return 0
