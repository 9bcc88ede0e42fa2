"""Load a synthetic scenario from YAML into :class:`router.simulation.ScenarioSpec`.

The shipped default is ``streams/simulation/scenarios/default.yaml``; its comments
document every key.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from models.enums import CustomerTier, Proficiency
from router.simulation import AgentSpec, ScenarioSpec, ShiftSpec, SpikeSpec
from streams.files import FileError, read_config

__all__ = ["ScenarioError", "default_scenario_path", "load_scenario", "parse_scenario"]

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_LEVELS = {"basic": 1, "intermediate": 2, "advanced": 3, 1: 1, 2: 2, 3: 3}


class ScenarioError(ValueError):
    """The scenario file is invalid; the message names the key and what to write."""


def default_scenario_path() -> Path:
    """Path of the shipped default scenario."""
    return Path(str(resources.files("streams.simulation") / "scenarios" / "default.yaml"))


def load_scenario(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario YAML file."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"scenario file {p} not found; pass an existing YAML file")
    try:
        data = read_config(p, "scenario")
    except FileError as exc:
        raise ScenarioError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ScenarioError(f"scenario {p} must be a mapping with 'agents' and 'categories'")
    return parse_scenario(data)


def _day(value: Any) -> int:
    key = str(value).lower()[:3]
    if key in _DAYS:
        return _DAYS[key]
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    raise ScenarioError(f"unknown day {value!r}; use mon..sun or 0..6")


def _level(value: Any, where: str) -> int:
    key = value.lower() if isinstance(value, str) else value
    if key not in _LEVELS:
        levels = ", ".join(p.value for p in Proficiency)
        raise ScenarioError(f"{where}: unknown skill level {value!r}; use one of {levels}")
    return _LEVELS[key]


def _shift(raw: Any, where: str) -> ShiftSpec:
    if not isinstance(raw, dict) or "start" not in raw or "end" not in raw:
        raise ScenarioError(f"{where}: a shift needs days, start and end (hours)")
    days = tuple(_day(d) for d in raw.get("days", list(_DAYS)))
    return ShiftSpec(days, float(raw["start"]), float(raw["end"]))


def parse_scenario(data: dict[str, Any]) -> ScenarioSpec:
    """Build a :class:`ScenarioSpec` from parsed YAML."""
    for key in ("agents", "categories"):
        if key not in data:
            raise ScenarioError(f"scenario lacks '{key}'; see the shipped default.yaml")
    cats = data["categories"]
    if not isinstance(cats, dict) or not cats:
        raise ScenarioError("'categories' must map a category to {weight, work_minutes}")
    weights = {str(c): float(v.get("weight", 1.0)) for c, v in cats.items()}
    work = {str(c): float(v["work_minutes"]) for c, v in cats.items()}
    shifts = {str(k): _shift(v, f"shifts.{k}") for k, v in (data.get("shifts") or {}).items()}
    defaults = data.get("agent_defaults") or {}
    agents: list[AgentSpec] = []
    for k, raw in enumerate(data["agents"]):
        where = f"agents[{k}]"
        if "id" not in raw:
            raise ScenarioError(f"{where} lacks 'id'")
        skills = {str(c): _level(v, where) for c, v in (raw.get("skills") or {}).items()}
        names = raw.get("shifts", [raw["shift"]] if "shift" in raw else [])
        agent_shifts: list[ShiftSpec] = []
        for s in names:
            if isinstance(s, dict):
                agent_shifts.append(_shift(s, where))
            elif str(s) in shifts:
                agent_shifts.append(shifts[str(s)])
            else:
                raise ScenarioError(f"{where}: unknown shift {s!r}; define it under 'shifts'")
        if not agent_shifts:
            raise ScenarioError(f"{where}: give the agent a 'shift' (name) or 'shifts'")
        agents.append(
            AgentSpec(
                agent_id=str(raw["id"]),
                skills=skills,
                speed=float(raw.get("speed", defaults.get("speed", 1.0))),
                concurrency=int(raw.get("concurrency", defaults.get("concurrency", 1))),
                capacity=int(raw.get("capacity", defaults.get("capacity", 50))),
                shifts=tuple(agent_shifts),
                count=int(raw.get("count", 1)),
            )
        )
    arrivals = data.get("arrivals") or {}
    hourly_raw = arrivals.get("hourly")
    hourly = (
        tuple(float(hourly_raw.get(h, 0.0)) for h in range(24))
        if isinstance(hourly_raw, dict)
        else (1.0,) * 24
    )
    weekday_raw = arrivals.get("weekday")
    weekday = [1.0] * 7
    if isinstance(weekday_raw, dict):
        weekday = [0.0] * 7
        for d, v in weekday_raw.items():
            weekday[_day(d)] = float(v)
    spikes = tuple(
        SpikeSpec(_day(s["day"]), float(s["start"]), float(s["end"]), float(s["factor"]))
        for s in arrivals.get("spikes") or []
    )
    sla = data.get("sla") or {}
    load = float(data.get("target_load", 0.9))
    if not 0 < load < 1.5:
        raise ScenarioError(f"target_load {load} is out of range; use e.g. 0.9")
    return ScenarioSpec(
        agents=tuple(agents),
        categories=weights,
        work_minutes=work,
        hourly=hourly,
        weekday=tuple(weekday),
        spikes=spikes,
        priorities={int(p): float(w) for p, w in (data.get("priorities") or {3: 1}).items()},
        tiers={
            CustomerTier(str(t)): float(w)
            for t, w in (data.get("tiers") or {"standard": 1}).items()
        },
        sla_minutes={int(p): float(m) for p, m in (sla.get("minutes") or {}).items()},
        tier_sla_factor={
            CustomerTier(str(t)): float(f) for t, f in (sla.get("tier_factor") or {}).items()
        },
        work_distribution=str(data.get("work_distribution", "exponential")),
        target_load=load,
        uncategorised=float(data.get("uncategorised", 0.0)),
        mismatch_factor=float(data.get("mismatch_factor", 1.5)),
    )
