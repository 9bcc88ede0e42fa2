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
from streams.files import FileError, config_number, read_config

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


def _num(value: Any, where: str, *, low: float | None = None, above: float | None = None) -> float:
    return config_number(value, where, low=low, above=above, error=ScenarioError)


def _int(value: Any, where: str, low: int) -> int:
    return int(config_number(value, where, low=low, whole=True, error=ScenarioError))


def _mapping(value: Any, where: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _shift(raw: Any, where: str) -> ShiftSpec:
    """A weekly shift; an end at or before the start runs past midnight (22 -> 6)."""
    if not isinstance(raw, dict) or "start" not in raw or "end" not in raw:
        raise ScenarioError(f"{where}: a shift needs days, start and end (hours)")
    days = tuple(_day(d) for d in raw.get("days", list(_DAYS)))
    start = _num(raw["start"], f"{where}.start", low=0)
    end = _num(raw["end"], f"{where}.end", low=0)
    if start >= 24 or end > 24:
        raise ScenarioError(f"{where}: start and end are hours of the day, 0-24")
    if end == start:
        raise ScenarioError(f"{where}: start and end are the same hour ({start:g})")
    return ShiftSpec(days, start, end if end > start else end + 24.0)


def _weights(raw: Any, where: str, parse_key: Any) -> dict[Any, float]:
    """A ``{key: weight}`` mix: weights >= 0, at least one positive."""
    out: dict[Any, float] = {}
    for key, weight in _mapping(raw, where).items():
        out[parse_key(key)] = _num(weight, f"{where}.{key}", low=0)
    if not out or sum(out.values()) <= 0:
        raise ScenarioError(f"{where}: give at least one positive weight")
    return out


def _priority(value: Any) -> int:
    if str(value) not in {"1", "2", "3", "4"}:
        raise ScenarioError(f"priority {value!r} unknown; use 1 (most urgent) to 4")
    return int(value)


def _tier(value: Any) -> CustomerTier:
    try:
        return CustomerTier(str(value))
    except ValueError:
        tiers = ", ".join(t.value for t in CustomerTier)
        raise ScenarioError(f"tier {value!r} unknown; use one of {tiers}") from None


def parse_scenario(data: dict[str, Any]) -> ScenarioSpec:
    """Build a :class:`ScenarioSpec` from parsed YAML; errors name the key."""
    for key in ("agents", "categories"):
        if key not in data:
            raise ScenarioError(f"scenario lacks '{key}'; see the shipped default.yaml")
    cats = data["categories"]
    if not isinstance(cats, dict) or not cats:
        raise ScenarioError("'categories' must map a category to {weight, work_minutes}")
    weights: dict[str, float] = {}
    work: dict[str, float] = {}
    for c, v in cats.items():
        where = f"categories.{c}"
        if not isinstance(v, dict) or "work_minutes" not in v:
            raise ScenarioError(f"{where}: expected {{weight, work_minutes}}")
        weights[str(c)] = _num(v.get("weight", 1.0), f"{where}.weight", low=0)
        work[str(c)] = _num(v["work_minutes"], f"{where}.work_minutes", above=0)
    if sum(weights.values()) <= 0:
        raise ScenarioError("categories: give at least one category a positive weight")
    shifts = {
        str(k): _shift(v, f"shifts.{k}") for k, v in _mapping(data.get("shifts"), "shifts").items()
    }
    defaults = _mapping(data.get("agent_defaults"), "agent_defaults")
    if not isinstance(data["agents"], list) or not data["agents"]:
        raise ScenarioError("'agents' must be a list of agents")
    agents: list[AgentSpec] = []
    for k, raw in enumerate(data["agents"]):
        where = f"agents[{k}]"
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where}: expected a mapping with 'id', 'skills' and 'shift'")
        if "id" not in raw:
            raise ScenarioError(f"{where} lacks 'id'")
        skills = {
            str(c): _level(v, where)
            for c, v in _mapping(raw.get("skills"), f"{where}.skills").items()
        }
        names = raw.get("shifts", [raw["shift"]] if "shift" in raw else [])
        agent_shifts: list[ShiftSpec] = []
        for s in names if isinstance(names, list) else [names]:
            if isinstance(s, dict):
                agent_shifts.append(_shift(s, where))
            elif str(s) in shifts:
                agent_shifts.append(shifts[str(s)])
            else:
                raise ScenarioError(f"{where}: unknown shift {s!r}; define it under 'shifts'")
        if not agent_shifts:
            raise ScenarioError(f"{where}: give the agent a 'shift' (name) or 'shifts'")

        def setting(key: str, default: Any, raw: Any = raw) -> Any:
            return raw.get(key, defaults.get(key, default))

        agents.append(
            AgentSpec(
                agent_id=str(raw["id"]),
                skills=skills,
                speed=_num(setting("speed", 1.0), f"{where}.speed", above=0),
                concurrency=_int(setting("concurrency", 1), f"{where}.concurrency", 1),
                capacity=_int(setting("capacity", 50), f"{where}.capacity", 1),
                shifts=tuple(agent_shifts),
                count=_int(raw.get("count", 1), f"{where}.count", 1),
            )
        )
    arrivals = _mapping(data.get("arrivals"), "arrivals")
    hourly_raw = arrivals.get("hourly")
    hourly = (1.0,) * 24
    if hourly_raw is not None:
        hours = _mapping(hourly_raw, "arrivals.hourly")
        for h in hours:
            if str(h) not in {str(n) for n in range(24)}:
                raise ScenarioError(f"arrivals.hourly: hour {h!r} unknown; use 0..23")
        hourly = tuple(
            _num(hours.get(h, hours.get(str(h), 0.0)), f"arrivals.hourly.{h}", low=0)
            for h in range(24)
        )
    weekday = [1.0] * 7
    if arrivals.get("weekday") is not None:
        weekday = [0.0] * 7
        for d, v in _mapping(arrivals["weekday"], "arrivals.weekday").items():
            weekday[_day(d)] = _num(v, f"arrivals.weekday.{d}", low=0)
    if sum(hourly) <= 0 or sum(weekday) <= 0:
        raise ScenarioError("arrivals: no hour of the week has arrivals; check hourly and weekday")
    spikes: list[SpikeSpec] = []
    for k, raw_spike in enumerate(arrivals.get("spikes") or []):
        where = f"arrivals.spikes[{k}]"
        if not isinstance(raw_spike, dict) or not {"day", "start", "end", "factor"} <= set(
            raw_spike
        ):
            raise ScenarioError(f"{where}: expected {{day, start, end, factor}}")
        spikes.append(
            SpikeSpec(
                _day(raw_spike["day"]),
                _num(raw_spike["start"], f"{where}.start", low=0),
                _num(raw_spike["end"], f"{where}.end", low=0),
                _num(raw_spike["factor"], f"{where}.factor", low=0),
            )
        )
    sla = _mapping(data.get("sla"), "sla")
    load = _num(data.get("target_load", 0.9), "target_load")
    if not 0 < load < 1.5:
        raise ScenarioError(f"target_load {load} is out of range; use e.g. 0.9")
    distribution = str(data.get("work_distribution", "exponential"))
    if distribution not in ("exponential", "lognormal", "constant"):
        raise ScenarioError(
            f"work_distribution {distribution!r} unknown; use exponential, lognormal or constant"
        )
    uncategorised = _num(data.get("uncategorised", 0.0), "uncategorised", low=0)
    if uncategorised > 1:
        raise ScenarioError(f"uncategorised is a share of tickets, 0..1; got {uncategorised:g}")
    return ScenarioSpec(
        agents=tuple(agents),
        categories=weights,
        work_minutes=work,
        hourly=hourly,
        weekday=tuple(weekday),
        spikes=tuple(spikes),
        priorities=_weights(data.get("priorities") or {3: 1}, "priorities", _priority),
        tiers=_weights(data.get("tiers") or {"standard": 1}, "tiers", _tier),
        sla_minutes={
            _priority(p): _num(m, f"sla.minutes.{p}", above=0)
            for p, m in _mapping(sla.get("minutes"), "sla.minutes").items()
        },
        tier_sla_factor={
            _tier(t): _num(f, f"sla.tier_factor.{t}", above=0)
            for t, f in _mapping(sla.get("tier_factor"), "sla.tier_factor").items()
        },
        work_distribution=distribution,
        target_load=load,
        uncategorised=uncategorised,
        mismatch_factor=_num(data.get("mismatch_factor", 1.5), "mismatch_factor", above=0),
    )
