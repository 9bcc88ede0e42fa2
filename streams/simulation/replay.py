"""Replay a real helpdesk event log (CSV, optionally gzipped) through a mapping file.

The mapping (YAML) names the columns for case id, opened time, group/skill,
priority, assignee, resolved (or closed) time and the time format; see
``streams/simulation/mappings/servicenow.yaml`` and docs/simulation.md. Rows of one
case collapse into one ticket. Agents and their skills come from history (the groups
each assignee worked in); each ticket's work is its real duration, opened -> resolved.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from router.simulation import SimAgent, SimInput, SimTicket

__all__ = ["Mapping", "ReplayError", "load_mapping", "load_replay"]

_REQUIRED = ("case_id", "opened_at", "group", "assignee", "resolved_at")
PRESETS = ("servicenow",)


class ReplayError(ValueError):
    """The log or the mapping cannot be used; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which column holds what, and how to read times and priorities."""

    columns: dict[str, str]
    time_format: str
    missing: frozenset[str]
    sla_hours: dict[int, float]
    target_load: float = 0.9
    capacity_factor: int = 3
    max_work_hours: float | None = None


def load_mapping(spec: str) -> Mapping:
    """Load a mapping YAML file, or a preset by name (``servicenow``)."""
    if spec in PRESETS:
        text = (resources.files("streams.simulation") / "mappings" / f"{spec}.yaml").read_text(
            encoding="utf-8"
        )
    else:
        p = Path(spec)
        if not p.is_file():
            raise ReplayError(
                f"mapping {spec!r} is neither a file nor a preset; pass a YAML file or "
                f"one of: {', '.join(PRESETS)}"
            )
        text = p.read_text(encoding="utf-8")
    data: Any = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ReplayError(f"mapping {spec!r} needs a 'columns' mapping (see docs/simulation.md)")
    cols = {str(k): str(v) for k, v in data["columns"].items()}
    lacking = [k for k in _REQUIRED if k not in cols]
    if lacking:
        raise ReplayError(f"mapping {spec!r} lacks columns.{', columns.'.join(lacking)}")
    if "time_format" not in data:
        raise ReplayError(f"mapping {spec!r} lacks time_format (e.g. '%d/%m/%Y %H:%M')")
    max_work = data.get("max_work_hours")
    return Mapping(
        columns=cols,
        time_format=str(data["time_format"]),
        missing=frozenset(str(m) for m in data.get("missing", ["", "?"])),
        sla_hours={int(k): float(v) for k, v in (data.get("sla_hours") or {}).items()},
        target_load=float(data.get("target_load", 0.9)),
        capacity_factor=int(data.get("capacity_factor", 3)),
        max_work_hours=float(max_work) if max_work is not None else None,
    )


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        raise ReplayError(f"replay log {path} not found; pass a CSV or CSV.gz file")
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener: Any = gzip.open if gzipped else open
    with opener(path, "rb") as stream:
        yield from csv.DictReader(io.TextIOWrapper(stream, encoding="utf-8", newline=""))


def _priority(value: str | None) -> int:
    if not value:
        return 3
    digits = "".join(ch for ch in value.strip()[:2] if ch.isdigit())
    return min(4, max(1, int(digits))) if digits else 3


def load_replay(path: str | Path, mapping: Mapping, limit: int | None = None) -> SimInput:
    """Collapse the log to tickets and derive agents from history."""
    cols = mapping.columns
    cases: dict[str, dict[str, str]] = {}
    first = True
    for row in _rows(Path(path)):
        if first:
            absent = [c for c in cols.values() if c not in row]
            if absent:
                raise ReplayError(
                    f"columns {', '.join(absent)} not in {path}; fix the mapping's 'columns' "
                    f"(the file has: {', '.join(list(row)[:12])} ...)"
                )
            first = False
        case_id = row[cols["case_id"]]
        if case_id in mapping.missing:
            continue
        case = cases.setdefault(case_id, {})
        for key, col in cols.items():
            value = row[col]
            if value in mapping.missing:
                continue
            if key == "opened_at" and key in case:
                continue
            case[key] = value
    if not cases:
        raise ReplayError(f"{path} has no rows; check the file and the mapping")

    def parse(value: str) -> float:
        try:
            moment = datetime.strptime(value, mapping.time_format).replace(tzinfo=UTC)
        except ValueError as exc:
            raise ReplayError(
                f"time {value!r} does not match time_format {mapping.time_format!r}; "
                "fix time_format in the mapping"
            ) from exc
        return moment.timestamp()

    records: list[tuple[float, float, str, str, int, str]] = []
    for case_id, case in cases.items():
        end_text = case.get("resolved_at") or case.get("closed_at")
        if "opened_at" not in case or end_text is None or "assignee" not in case:
            continue
        opened, end = parse(case["opened_at"]), parse(end_text)
        if end <= opened:
            continue
        work = end - opened
        if mapping.max_work_hours is not None:
            work = min(work, mapping.max_work_hours * 3600.0)
        group = case.get("group", "unknown")
        records.append(
            (opened, work, case_id, group, _priority(case.get("priority")), case["assignee"])
        )
    if not records:
        raise ReplayError(
            f"no case in {path} has an opened time, an assignee and a later resolved time"
        )
    records.sort()
    if limit is not None:
        records = records[:limit]
    t0 = records[0][0]
    span = max(records[-1][0] - t0, 86400.0)
    history: dict[str, dict[str, int]] = {}
    work_by: dict[str, float] = {}
    tickets: list[SimTicket] = []
    for opened, work, case_id, group, prio, assignee in records:
        at = opened - t0
        groups = history.setdefault(assignee, {})
        groups[group] = groups.get(group, 0) + 1
        work_by[assignee] = work_by.get(assignee, 0.0) + work
        sla = mapping.sla_hours.get(prio)
        tickets.append(SimTicket(case_id, at, work, group, prio, sla_s=sla * 3600 if sla else None))
    agents: list[SimAgent] = []
    # every agent is on shift for the whole replay, with enough concurrency that their
    # share of history's work ran at target_load (Little's law over the replay span)
    for name in sorted(history):
        conc = max(1, math.ceil(work_by[name] / span / mapping.target_load))
        skills = {g: 3 if n >= 20 else 2 if n >= 5 else 1 for g, n in history[name].items()}
        agents.append(
            SimAgent(
                name,
                skills,
                1.0,
                conc,
                conc * mapping.capacity_factor,
                [(0.0, span * 4 + 365 * 86400.0)],
            )
        )
    return SimInput(agents, tickets, meta={"source": str(path), "cases": len(cases)})
