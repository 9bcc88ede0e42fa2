"""Per routing group configuration: policy, relaxation steps, fairness, automation, velocity.

Every knob has a default that suits a B2B helpdesk; :meth:`GroupConfig.from_dict` reads
the YAML/JSON form and raises :class:`ConfigError` naming the key for anything wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar, cast

from models.enums import CustomerTier, Proficiency

__all__ = [
    "POLICIES",
    "AutomationConfig",
    "ConfigError",
    "FairnessConfig",
    "GroupConfig",
    "HoldForExpert",
    "RelaxStep",
    "VelocityConfig",
]

POLICIES = ("round_robin", "least_loaded", "skills", "balanced")
"""Policy names a routing group can choose."""

_T = TypeVar("_T")

PolicyName = Literal["round_robin", "least_loaded", "skills", "balanced"]


class ConfigError(ValueError):
    """A routing-group setting is missing, unknown or out of range (the message names it)."""


@dataclass(frozen=True, slots=True)
class RelaxStep:
    """One relaxation step, taken when a waiting ticket meets either trigger.

    ``after_s``: the ticket has waited this long in the queue; ``sla_fraction``: this
    fraction of its SLA window (arrival to deadline) has passed. Effects are cumulative
    with the earlier steps: ``min_proficiency`` lowers the level required,
    ``adjacent`` admits agents with an adjacent skill, ``any_agent`` admits any online
    agent with capacity (and drops the language requirement).
    """

    name: str
    after_s: float | None = None
    sla_fraction: float | None = None
    min_proficiency: Proficiency | None = None
    adjacent: bool = False
    any_agent: bool = False


DEFAULT_STEPS = (
    RelaxStep(
        "lower_proficiency", after_s=120.0, sla_fraction=0.4, min_proficiency=Proficiency.BASIC
    ),
    RelaxStep("adjacent_skills", after_s=1800.0, sla_fraction=0.6, adjacent=True),
    RelaxStep("any_agent", after_s=4 * 3600.0, sla_fraction=0.8, any_agent=True),
)


@dataclass(frozen=True, slots=True)
class HoldForExpert:
    """Tickets of these tiers or categories wait up to ``max_hold_s`` for an advanced agent."""

    tiers: frozenset[CustomerTier] = frozenset()
    categories: frozenset[str] = frozenset()
    max_hold_s: float = 300.0


@dataclass(frozen=True, slots=True)
class FairnessConfig:
    """Guards that keep the best agents from drowning and generalists learning.

    A ticket is *high effort* when its effort estimate is at least ``high_effort``; an
    agent whose share of the group's high-effort assignments in the last ``window_s``
    exceeds ``max_high_effort_share`` (once ``min_sample`` were made) is skipped for
    them. ``exploration_rate`` of tickets (chosen by a hash of the ticket id, so replays
    agree) go to the least proficient eligible agent. Agents whose load (open / capacity)
    is at or above ``utilisation_band`` are preferred last.
    """

    high_effort: float = 2.0
    max_high_effort_share: float = 0.5
    min_sample: int = 6
    window_s: float = 8 * 3600.0
    exploration_rate: float = 0.0
    utilisation_band: float = 0.85


@dataclass(frozen=True, slots=True)
class AutomationConfig:
    """Which tickets may go to automated (AI) resolvers instead of humans."""

    enabled: bool = False
    categories: frozenset[str] = frozenset()
    min_confidence: float = 0.85
    max_urgency: float = 0.5
    max_priority: int = 2
    """Only priorities numerically above this go to automation (1 = highest never does)."""


@dataclass(frozen=True, slots=True)
class VelocityConfig:
    """Handling-time estimate: EWMA with a prior, decaying to the prior when stale."""

    prior_s: float = 1800.0
    alpha: float = 0.2
    stale_after_s: float = 14 * 86400.0


@dataclass(frozen=True, slots=True)
class GroupConfig:
    """How one routing group (tenant) routes."""

    policy: PolicyName = "balanced"
    least_loaded_mode: Literal["absolute", "percent"] = "percent"
    max_backlog: int | None = None
    """Most open tickets an agent is given (``None``: their capacity). Below capacity,
    work stays in the group's pending queue and agents pull it as they free up."""
    min_proficiency: Proficiency = Proficiency.INTERMEDIATE
    require_language: bool = True
    relaxation: tuple[RelaxStep, ...] = DEFAULT_STEPS
    adjacent_skills: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    in_skill_first: bool = False
    """A freed agent pulls every waiting ticket within its skills (any priority class)
    before relaxed work outside them; priority-1 tickets keep their place. Pair it with
    an earlier ``any_agent`` step: out-of-skill help then comes only from agents with
    nothing of their own waiting."""
    shortest_first: bool = False
    """Within a priority class, waiting tickets of categories the team handles fastest
    (learned from closes) come first; otherwise the SLA deadline orders them."""
    hold_for_expert: HoldForExpert = field(default_factory=HoldForExpert)
    sticky_window_s: float = 24 * 3600.0
    sticky_max_load: float = 0.5
    """The customer's previous agent is preferred only while below this load (open /
    capacity): stickiness must not undo load balancing."""
    sticky_max_lead: int = 3
    """... and only while they hold at most this many more open tickets than the agent the
    policy would otherwise choose (the least-loaded eligible agent for the scanning
    policies): a returning customer does not pile work onto one of two equal agents."""
    reopen_window_s: float = 7 * 86400.0
    offline_reroute_grace_s: float | None = 600.0
    sla_warning_fraction: float = 0.8
    escalate_after_s: float = 3600.0
    closed_retention_s: float = 7 * 86400.0
    fairness: FairnessConfig = field(default_factory=FairnessConfig)
    automation: AutomationConfig = field(default_factory=AutomationConfig)
    velocity: VelocityConfig = field(default_factory=VelocityConfig)

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ConfigError(f"policy: {self.policy!r} is not one of {', '.join(POLICIES)}")
        if self.max_backlog is not None and self.max_backlog < 1:
            raise ConfigError(f"max_backlog: must be >= 1 or null, got {self.max_backlog}")
        if not 0.0 < self.sla_warning_fraction <= 1.0:
            raise ConfigError("sla_warning_fraction: must be in (0, 1]")
        if not 0.0 <= self.fairness.exploration_rate <= 0.5:
            raise ConfigError("fairness.exploration_rate: must be in [0, 0.5]")
        if not 0.0 < self.fairness.max_high_effort_share <= 1.0:
            raise ConfigError("fairness.max_high_effort_share: must be in (0, 1]")
        if self.velocity.prior_s <= 0 or not 0.0 < self.velocity.alpha <= 1.0:
            raise ConfigError("velocity: prior_s must be > 0 and alpha in (0, 1]")
        for step in self.relaxation:
            if step.after_s is None and step.sla_fraction is None:
                raise ConfigError(f"relaxation.{step.name}: needs after_s or sla_fraction")

    @property
    def relaxes(self) -> bool:
        """Whether the policy uses skills (and so relaxation and holds)."""
        return self.policy in ("skills", "balanced")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> GroupConfig:
        """Build from plain data (YAML/JSON); unknown keys and bad values raise ConfigError."""
        raw = dict(data or {})
        _known(raw, {f.name for f in fields(cls)}, "")
        kwargs: dict[str, Any] = {}
        for name in ("policy", "least_loaded_mode"):
            if name in raw:
                kwargs[name] = _str(raw[name], name)
        if raw.get("least_loaded_mode", "percent") not in ("absolute", "percent"):
            raise ConfigError("least_loaded_mode: must be 'absolute' or 'percent'")
        if "max_backlog" in raw:
            value = raw["max_backlog"]
            kwargs["max_backlog"] = None if value is None else int(_num(value, "max_backlog"))
        if "sticky_max_lead" in raw:
            kwargs["sticky_max_lead"] = int(_num(raw["sticky_max_lead"], "sticky_max_lead"))
        if "min_proficiency" in raw:
            kwargs["min_proficiency"] = _proficiency(raw["min_proficiency"], "min_proficiency")
        for name in ("require_language", "in_skill_first", "shortest_first"):
            if name in raw:
                kwargs[name] = _bool(raw[name], name)
        if "relaxation" in raw:
            kwargs["relaxation"] = _steps(raw["relaxation"])
        if "adjacent_skills" in raw:
            kwargs["adjacent_skills"] = _adjacent(raw["adjacent_skills"])
        for name in (
            "sticky_window_s",
            "sticky_max_load",
            "reopen_window_s",
            "sla_warning_fraction",
            "escalate_after_s",
            "closed_retention_s",
        ):
            if name in raw:
                kwargs[name] = _num(raw[name], name)
        if "offline_reroute_grace_s" in raw:
            grace = raw["offline_reroute_grace_s"]
            kwargs["offline_reroute_grace_s"] = (
                None if grace is None else _num(grace, "offline_reroute_grace_s")
            )
        if "hold_for_expert" in raw:
            kwargs["hold_for_expert"] = _hold(raw["hold_for_expert"])
        if "fairness" in raw:
            kwargs["fairness"] = _simple(FairnessConfig, raw["fairness"], "fairness")
        if "automation" in raw:
            kwargs["automation"] = _automation(raw["automation"])
        if "velocity" in raw:
            kwargs["velocity"] = _simple(VelocityConfig, raw["velocity"], "velocity")
        return cls(**kwargs)


def _known(raw: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(
            f"{where}{unknown[0]}: unknown setting (known: {', '.join(sorted(known))})"
        )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
    return cast("Mapping[str, Any]", value)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected text, got {type(value).__name__}")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _num(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number, got {value!r}")
    if value < 0 or math.isnan(value):
        raise ConfigError(f"{where}: must be a non-negative number, got {value!r}")
    return float(value)


def _proficiency(value: Any, where: str) -> Proficiency:
    try:
        return Proficiency(_str(value, where))
    except ValueError:
        options = ", ".join(p.value for p in Proficiency)
        raise ConfigError(f"{where}: {value!r} is not one of {options}") from None


def _names(value: Any, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ConfigError(f"{where}: expected a list of names")
    return frozenset(_str(v, where) for v in value)


def _steps(value: Any) -> tuple[RelaxStep, ...]:
    if not isinstance(value, list | tuple):
        raise ConfigError("relaxation: expected a list of steps")
    steps: list[RelaxStep] = []
    known = {f.name for f in fields(RelaxStep)}
    for index, item in enumerate(value):
        where = f"relaxation[{index}]"
        data = _mapping(item, where)
        _known(data, known, where + ".")
        name = _str(data.get("name", f"step{index + 1}"), where + ".name")
        level = data.get("min_proficiency")
        steps.append(
            RelaxStep(
                name=name,
                after_s=None if data.get("after_s") is None else _num(data["after_s"], where),
                sla_fraction=(
                    None
                    if data.get("sla_fraction") is None
                    else _num(data["sla_fraction"], where + ".sla_fraction")
                ),
                min_proficiency=None if level is None else _proficiency(level, where),
                adjacent=_bool(data.get("adjacent", False), where + ".adjacent"),
                any_agent=_bool(data.get("any_agent", False), where + ".any_agent"),
            )
        )
    return tuple(steps)


def _adjacent(value: Any) -> dict[str, tuple[str, ...]]:
    data = _mapping(value, "adjacent_skills")
    out: dict[str, set[str]] = {}
    for skill, others in data.items():
        for other in _names(others, f"adjacent_skills.{skill}"):
            if other != skill:  # adjacency is symmetric
                out.setdefault(skill, set()).add(other)
                out.setdefault(other, set()).add(skill)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _hold(value: Any) -> HoldForExpert:
    data = _mapping(value, "hold_for_expert")
    _known(data, {"tiers", "categories", "max_hold_s"}, "hold_for_expert.")
    tiers = set()
    for tier in _names(data.get("tiers"), "hold_for_expert.tiers"):
        try:
            tiers.add(CustomerTier(tier))
        except ValueError:
            options = ", ".join(t.value for t in CustomerTier)
            raise ConfigError(f"hold_for_expert.tiers: {tier!r} is not one of {options}") from None
    return HoldForExpert(
        tiers=frozenset(tiers),
        categories=_names(data.get("categories"), "hold_for_expert.categories"),
        max_hold_s=_num(data.get("max_hold_s", 300.0), "hold_for_expert.max_hold_s"),
    )


def _automation(value: Any) -> AutomationConfig:
    data = dict(_mapping(value, "automation"))
    _known(data, {f.name for f in fields(AutomationConfig)}, "automation.")
    return AutomationConfig(
        enabled=_bool(data.get("enabled", False), "automation.enabled"),
        categories=_names(data.get("categories"), "automation.categories"),
        min_confidence=_num(data.get("min_confidence", 0.85), "automation.min_confidence"),
        max_urgency=_num(data.get("max_urgency", 0.5), "automation.max_urgency"),
        max_priority=int(_num(data.get("max_priority", 2), "automation.max_priority")),
    )


def _simple(cls: type[_T], value: Any, where: str) -> _T:
    data = _mapping(value, where)
    names = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    _known(data, set(names), where + ".")
    kwargs: dict[str, Any] = {}
    for name, raw in data.items():
        number = _num(raw, f"{where}.{name}")
        kwargs[name] = int(number) if names[name].type == "int" else number
    return cls(**kwargs)
