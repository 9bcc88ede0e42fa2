"""GroupConfig.from_dict: defaults, every section, and errors that name the key."""

from __future__ import annotations

import pytest

from models.enums import CustomerTier, Proficiency
from router import ConfigError, GroupConfig


def test_defaults_are_balanced_with_three_relaxation_steps() -> None:
    config = GroupConfig.from_dict({})
    assert config.policy == "balanced"
    assert [s.name for s in config.relaxation] == [
        "lower_proficiency",
        "adjacent_skills",
        "any_agent",
    ]
    assert config.max_backlog is None


def test_every_section_parses() -> None:
    config = GroupConfig.from_dict(
        {
            "policy": "skills",
            "least_loaded_mode": "absolute",
            "max_backlog": 2,
            "min_proficiency": "basic",
            "require_language": False,
            "in_skill_first": True,
            "shortest_first": True,
            "relaxation": [{"name": "any", "after_s": 60, "any_agent": True}],
            "adjacent_skills": {"billing": ["contracts"]},
            "hold_for_expert": {"tiers": ["vip"], "categories": ["security"], "max_hold_s": 90},
            "sticky_window_s": 0,
            "offline_reroute_grace_s": None,
            "fairness": {"exploration_rate": 0.1, "min_sample": 3},
            "automation": {"enabled": True, "categories": ["how_to"], "min_confidence": 0.9},
            "velocity": {"prior_s": 600},
        }
    )
    assert config.max_backlog == 2
    assert config.in_skill_first is True
    assert config.shortest_first is True
    assert config.min_proficiency is Proficiency.BASIC
    assert config.adjacent_skills == {"billing": ("contracts",), "contracts": ("billing",)}
    assert config.hold_for_expert.tiers == frozenset({CustomerTier.VIP})
    assert config.offline_reroute_grace_s is None
    assert config.fairness.min_sample == 3
    assert isinstance(config.fairness.min_sample, int)
    assert config.automation.categories == frozenset({"how_to"})
    assert config.velocity.prior_s == 600.0


@pytest.mark.parametrize(
    ("data", "names"),
    [
        ({"policy": "fastest"}, "policy"),
        ({"polcy": "skills"}, "polcy"),
        ({"max_backlog": 0}, "max_backlog"),
        ({"max_backlog": "two"}, "max_backlog"),
        ({"min_proficiency": "guru"}, "min_proficiency"),
        ({"relaxation": [{"name": "x"}]}, "relaxation.x"),
        ({"relaxation": [{"after_s": 1, "colour": 1}]}, "relaxation[0].colour"),
        ({"hold_for_expert": {"tiers": ["gold"]}}, "hold_for_expert.tiers"),
        ({"fairness": {"exploration_rate": 0.9}}, "fairness.exploration_rate"),
        ({"fairness": {"speed": 1}}, "fairness.speed"),
        ({"automation": {"enabled": "yes"}}, "automation.enabled"),
        ({"sticky_window_s": -1}, "sticky_window_s"),
        ({"least_loaded_mode": "relative"}, "least_loaded_mode"),
        ({"require_language": 1}, "require_language"),
        ({"in_skill_first": "yes"}, "in_skill_first"),
    ],
)
def test_errors_name_the_setting(data: dict[str, object], names: str) -> None:
    with pytest.raises(ConfigError) as info:
        GroupConfig.from_dict(data)
    assert str(info.value).startswith(names)
