"""Replay a real helpdesk event log (CSV, optionally gzipped) through a mapping file.

The mapping (YAML) names the columns for case id, opened time, group/skill,
priority, assignee, resolved (or closed) time and the time format; see
``streams/simulation/mappings/servicenow.yaml`` and docs/simulation.md. Rows of one
case collapse into one ticket (the first opened time, the last non-missing value of
every other column). Agents and their skills come from history (the groups each
assignee worked in); each ticket's work is its real duration, opened -> resolved.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from router.simulation import SimAgent, SimInput, SimTicket
from streams.files import FileError, config_number, parse_yaml, read_text

__all__ = [
    "AUTO",
    "PRESETS",
    "Mapping",
    "ReplayError",
    "detect_time_format",
    "load_mapping",
    "load_replay",
]

_REQUIRED = ("case_id", "opened_at", "group", "assignee", "resolved_at")
_OPTIONAL = ("priority", "closed_at")
PRESETS = ("servicenow",)
_WINDOWS = ("history", "replay")
AUTO = "auto"
# What ``auto`` tries, in this order: ISO 8601 first (also "2024-05-06 09:00:00 +0000"),
# then the forms helpdesk exports commonly use (day/month and month/day, 24 h and AM/PM,
# Jira's "05/Jan/24 2:32 PM", dotted European dates), then seconds since 1970.
_CANDIDATES = (
    "iso",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%y %H:%M",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d-%b-%Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%b %d, %Y %I:%M %p",
    "%a, %d %b %Y %H:%M:%S %z",
    "epoch",
)
# epoch values outside this range (1973-5138) are more likely milliseconds or counters
_EPOCH_RANGE = (1e8, 1e11)


class ReplayError(ValueError):
    """The log or the mapping cannot be used; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which column holds what, and how to read times and priorities.

    ``time_format`` is a ``strptime`` pattern, ``iso`` (ISO 8601), ``epoch``
    (seconds) or ``auto`` (the default: recognised from the log's own values, see
    :func:`detect_time_format`). ``priorities`` maps a priority text (lower case) to
    1..4; without an entry the leading digit is used (ServiceNow's "2 - High"), else 3.
    Agents are available over ``agent_window``: ``replay`` (the whole replay, the
    default) or ``history`` (from their first case's opening to their last resolution).
    An agent's level in a group comes from their cases in it: ``advanced_cases`` or more
    advanced, ``intermediate_cases`` or more intermediate, else basic (``levels``).
    """

    columns: dict[str, str]
    time_format: str
    missing: frozenset[str]
    sla_hours: dict[int, float]
    priorities: dict[str, int] = field(default_factory=dict)
    target_load: float = 0.9
    capacity_factor: int = 3
    max_work_hours: float | None = None
    agent_window: str = "replay"
    advanced_cases: int = 20
    intermediate_cases: int = 5


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
        try:
            text = read_text(p, "mapping")
        except FileError as exc:
            raise ReplayError(str(exc)) from exc
    try:
        data: Any = parse_yaml(text, f"mapping {spec!r}")
    except FileError as exc:
        raise ReplayError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ReplayError(f"mapping {spec!r} needs a 'columns' mapping (see docs/simulation.md)")
    cols = {str(k): str(v) for k, v in data["columns"].items() if v is not None}
    lacking = [k for k in _REQUIRED if k not in cols]
    if lacking:
        raise ReplayError(f"mapping {spec!r} lacks columns.{', columns.'.join(lacking)}")
    unknown = sorted(set(cols) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        known = ", ".join((*_REQUIRED, *_OPTIONAL))
        raise ReplayError(f"mapping {spec!r}: unknown columns.{unknown[0]} (known: {known})")
    time_format = str(data.get("time_format") or "").strip() or AUTO  # absent or blank
    window = str(data.get("agent_window", "replay"))
    if window not in _WINDOWS:
        raise ReplayError(f"mapping {spec!r}: agent_window must be one of {', '.join(_WINDOWS)}")
    priorities: dict[str, int] = {}
    for k, v in (data.get("priorities") or {}).items():
        if not isinstance(v, int) or not 1 <= v <= 4:
            raise ReplayError(f"mapping {spec!r}: priorities.{k} must be 1..4, got {v!r}")
        priorities[str(k).strip().lower()] = v

    def number(key: str, value: Any, **bounds: Any) -> float:
        return config_number(value, f"mapping {spec!r}: {key}", error=ReplayError, **bounds)

    sla_raw = data.get("sla_hours") or {}
    if not isinstance(sla_raw, dict):
        raise ReplayError(f"mapping {spec!r}: sla_hours must map a priority 1..4 to hours")
    sla_hours: dict[int, float] = {}
    for k, v in sla_raw.items():
        if str(k) not in {"1", "2", "3", "4"}:
            raise ReplayError(f"mapping {spec!r}: sla_hours.{k}: priorities are 1..4")
        sla_hours[int(k)] = number(f"sla_hours.{k}", v, above=0)
    missing = data.get("missing", ["", "?"])
    if not isinstance(missing, list):
        raise ReplayError(f"mapping {spec!r}: missing must be a list of values, e.g. ['', '?']")
    load = number("target_load", data.get("target_load", 0.9), above=0)
    if load >= 1.5:
        raise ReplayError(f"mapping {spec!r}: target_load {load:g} is out of range; use e.g. 0.9")
    capacity_factor = number("capacity_factor", data.get("capacity_factor", 3), low=1, whole=True)
    max_work = data.get("max_work_hours")
    levels = data.get("levels") or {}
    if not isinstance(levels, dict) or set(levels) - {"advanced", "intermediate"}:
        raise ReplayError(
            f"mapping {spec!r}: levels takes advanced and intermediate (cases an agent "
            "needs in a group for that level), e.g. {advanced: 20, intermediate: 5}"
        )
    advanced = int(number("levels.advanced", levels.get("advanced", 20), low=1, whole=True))
    intermediate = int(
        number("levels.intermediate", levels.get("intermediate", 5), low=1, whole=True)
    )
    if intermediate > advanced:
        raise ReplayError(
            f"mapping {spec!r}: levels.intermediate ({intermediate}) is more than "
            f"levels.advanced ({advanced})"
        )
    return Mapping(
        columns=cols,
        time_format=time_format,
        missing=frozenset(str(m) for m in missing),
        sla_hours=sla_hours,
        priorities=priorities,
        target_load=load,
        capacity_factor=int(capacity_factor),
        max_work_hours=number("max_work_hours", max_work, above=0)
        if max_work is not None
        else None,
        agent_window=window,
        advanced_cases=advanced,
        intermediate_cases=intermediate,
    )


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        raise ReplayError(f"replay log {path} not found; pass a CSV or CSV.gz file")
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener: Any = gzip.open if gzipped else open
    rows = 0
    try:
        with (
            opener(path, "rb") as stream,
            io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as text,
        ):
            for row in csv.DictReader(text):
                yield row
                rows += 1
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        kind = "a gzipped UTF-8 CSV" if gzipped else "a UTF-8 CSV"
        raise ReplayError(
            f"cannot read {path} as {kind} after {rows:,} rows: {exc}; check the file"
        ) from exc


def _priority(value: str | None, names: dict[str, int]) -> int:
    if not value:
        return 3
    named = names.get(value.strip().lower())
    if named is not None:
        return named
    digits = "".join(ch for ch in value.strip()[:2] if ch.isdigit())
    return min(4, max(1, int(digits))) if digits else 3


def _parser(time_format: str) -> Any:
    def parse(value: str) -> float:
        try:
            if time_format == "epoch":
                return float(value)
            if time_format == "iso":
                moment = datetime.fromisoformat(value.strip())
            else:
                moment = datetime.strptime(value.strip(), time_format)
        except ValueError as exc:
            raise ReplayError(
                f"time {value!r} does not match time_format {time_format!r}; "
                "fix time_format in the mapping (or set it to auto)"
            ) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()

    return parse


def detect_time_format(values: Iterable[str]) -> str:
    """The time format every one of ``values`` is written in (for ``time_format: auto``).

    Each candidate of ``_CANDIDATES`` is tried on every distinct value. When several
    read them all (``03/04/2016 10:00``: day/month or month/day?) they must agree on
    every value, else the mapping has to say which one the export uses; one value with a
    day above 12 settles it.
    """
    distinct = list(dict.fromkeys(v.strip() for v in values))
    if not distinct:
        raise ReplayError("no times to read; check the mapping's opened_at and resolved_at")
    found: list[tuple[str, list[float]]] = []
    digits_only = any(value.isdigit() for value in distinct)
    for candidate in _CANDIDATES:
        if candidate == "iso" and digits_only:
            continue  # ISO's basic form would read 1462060800000 as the year 1462
        parse = _parser(candidate)
        try:
            stamps = [parse(value) for value in distinct]
        except ReplayError:
            continue
        low, high = _EPOCH_RANGE
        if candidate == "epoch" and not all(low <= stamp <= high for stamp in stamps):
            continue
        found.append((candidate, stamps))
    if not found:
        examples = ", ".join(repr(v) for v in distinct[:3])
        raise ReplayError(
            f"cannot tell the time format of values such as {examples}; set time_format "
            "in the mapping (a strptime pattern such as '%d/%m/%Y %H:%M', iso or epoch)"
        )
    chosen, reference = found[0]
    for candidate, stamps in found[1:]:
        for value, first, other in zip(distinct, reference, stamps, strict=True):
            if first != other:
                raise ReplayError(
                    f"times such as {value!r} read both as {chosen!r} and as {candidate!r}; "
                    "set time_format in the mapping to the one your export uses"
                )
    return chosen


def _cases(path: Path, mapping: Mapping) -> dict[str, dict[str, str]]:
    cols = mapping.columns
    missing = mapping.missing
    cases: dict[str, dict[str, str]] = {}
    first = True
    for row in _rows(path):
        if first:
            absent = [c for c in cols.values() if c not in row]
            if absent:
                raise ReplayError(
                    f"columns {', '.join(absent)} not in {path}; fix the mapping's 'columns' "
                    f"(the file has: {', '.join(list(row)[:12])} ...)"
                )
            first = False
        case_id = row[cols["case_id"]]
        if case_id in missing:
            continue
        case = cases.setdefault(case_id, {})
        for key, col in cols.items():
            value = row[col]
            if value is None or value in missing or (key == "opened_at" and key in case):
                continue
            case[key] = value
    if not cases:
        raise ReplayError(f"{path} has no rows; check the file and the mapping")
    return cases


def load_replay(path: str | Path, mapping: Mapping, limit: int | None = None) -> SimInput:
    """Collapse the log to tickets and derive agents from history.

    Cases without an opened time, an assignee, or a resolved/closed time after the
    opened time are skipped (``meta`` counts them). Times start at the first opening.
    """
    cases = _cases(Path(path), mapping)
    time_format = mapping.time_format
    if time_format == AUTO:
        time_format = detect_time_format(
            text
            for case in cases.values()
            if "opened_at" in case and "assignee" in case
            for text in (case["opened_at"], case.get("resolved_at") or case.get("closed_at"))
            if text is not None
        )
    parse = _parser(time_format)
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
        prio = _priority(case.get("priority"), mapping.priorities)
        records.append(
            (opened, work, case_id, case.get("group", "unknown"), prio, case["assignee"])
        )
    if not records:
        raise ReplayError(
            f"no case in {path} has an opened time, an assignee and a later resolved time"
        )
    records.sort()
    usable = len(records)
    if limit is not None:
        records = records[:limit]
    t0 = records[0][0]
    last = records[-1][0] - t0
    history: dict[str, dict[str, int]] = {}
    work_by: dict[str, float] = {}
    window: dict[str, list[float]] = {}
    tickets: list[SimTicket] = []
    for opened, work, case_id, group, prio, assignee in records:
        at = opened - t0
        groups = history.setdefault(assignee, {})
        groups[group] = groups.get(group, 0) + 1
        work_by[assignee] = work_by.get(assignee, 0.0) + work
        span = window.setdefault(assignee, [at, at + work])
        span[1] = max(span[1], at + work)
        sla = mapping.sla_hours.get(prio)
        tickets.append(SimTicket(case_id, at, work, group, prio, sla_s=sla * 3600 if sla else None))
    replay_span = max(last, 86400.0)
    forever = last + 400 * 86400.0
    agents: list[SimAgent] = []
    for name in sorted(history):
        if mapping.agent_window == "history":
            on, off = window[name]
            on = max(0.0, on - 3600.0)
            active = max(off - on, 86400.0)
            shifts = [(on, max(off, on + active))]
        else:
            active, shifts = replay_span, [(0.0, forever)]
        # enough concurrency that the agent's share of history ran at target_load
        # (Little's law over their active window)
        conc = max(1, math.ceil(work_by[name] / active / mapping.target_load))
        skills = {g: _level(n, mapping) for g, n in history[name].items()}
        agents.append(SimAgent(name, skills, 1.0, conc, conc * mapping.capacity_factor, shifts))
    # groups where nobody reached intermediate: the core's skills-based policies hold
    # their tickets for its lower_proficiency step although nobody better exists
    best: dict[str, int] = {}
    for agent in agents:
        for group, level in agent.skills.items():
            best[group] = max(best.get(group, 0), level)
    below = {t.category for t in tickets if best.get(t.category, 0) < 2}
    return SimInput(
        agents,
        tickets,
        snapshot_every_s=3600.0,
        meta={
            "source": str(path),
            "cases": len(cases),
            "skipped": len(cases) - usable,
            "time_format": time_format,
            "groups_below_intermediate": sorted(below),
            "tickets_below_intermediate": sum(t.category in below for t in tickets),
        },
    )


def _level(cases: int, mapping: Mapping) -> int:
    """Skill level 3 / 2 / 1 (advanced / intermediate / basic) from an agent's cases."""
    if cases >= mapping.advanced_cases:
        return 3
    return 2 if cases >= mapping.intermediate_cases else 1
