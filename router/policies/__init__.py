"""Routing policies: each ranks the agents that passed the hard constraints."""

from __future__ import annotations

from router.config import GroupConfig
from router.policies.balanced import Balanced
from router.policies.base import Candidate, Context, Needs, Policy, Rules
from router.policies.least_loaded import LeastLoaded
from router.policies.round_robin import RoundRobin
from router.policies.skills import Skills
from router.velocity import VelocityBook

__all__ = [
    "Balanced",
    "Candidate",
    "Context",
    "LeastLoaded",
    "Needs",
    "Policy",
    "RoundRobin",
    "Rules",
    "Skills",
    "policy_for",
]


def policy_for(config: GroupConfig, velocity: VelocityBook) -> Policy:
    """The policy object a group's config names."""
    if config.policy == "round_robin":
        return RoundRobin()
    if config.policy == "least_loaded":
        return LeastLoaded(config.least_loaded_mode)
    if config.policy == "skills":
        return Skills()
    return Balanced(velocity, config.fairness.utilisation_band)
