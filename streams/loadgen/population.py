"""Who works and who writes in: agent profiles (skills, proficiency, speed) and customers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TypeVar

from models import AgentStatus, CustomerTier, Proficiency

__all__ = ["AgentProfile", "Customer", "make_agents", "make_customers"]

_T = TypeVar("_T")

_FIRST_NAMES = (
    "ana",
    "ben",
    "chloe",
    "dev",
    "elif",
    "femi",
    "greta",
    "hugo",
    "ines",
    "jonas",
    "kai",
    "lena",
    "malik",
    "nora",
    "omar",
    "priya",
    "quinn",
    "rosa",
    "sven",
    "tara",
    "uma",
    "viktor",
    "wen",
    "yara",
    "zoe",
)
_TIER_WEIGHTS = {
    CustomerTier.STANDARD: 70,
    CustomerTier.TRIAL: 12,
    CustomerTier.ENTERPRISE: 14,
    CustomerTier.VIP: 4,
}
_PROFICIENCY_WEIGHTS = {Proficiency.BASIC: 3, Proficiency.INTERMEDIATE: 4, Proficiency.ADVANCED: 3}


@dataclass(slots=True)
class AgentProfile:
    """A simulated human support agent and their live state in the generator."""

    agent_id: str
    skills: dict[str, Proficiency]
    capacity: int
    languages: tuple[str, ...]
    speed: float = 1.0
    """Handling-time factor (0.7 = fast, 1.4 = slow)."""
    parallel: int = 2
    """How many tickets the agent works on at once."""
    status: AgentStatus = AgentStatus.OFFLINE
    version: int = 0
    away_until: float | None = field(default=None)


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer of the helpdesk's company."""

    customer_id: str
    tier: CustomerTier
    language: str


def _weighted(rng: random.Random, weights: dict[_T, int]) -> _T:
    keys = list(weights)
    return rng.choices(keys, weights=[float(weights[k]) for k in keys], k=1)[0]


def make_agents(
    tenant_index: int, count: int, categories: list[str], rng: random.Random
) -> list[AgentProfile]:
    """``count`` agents covering every category at least once, two to four skills each."""
    agents = []
    for i in range(count):
        name = _FIRST_NAMES[i % len(_FIRST_NAMES)]
        suffix = "" if i < len(_FIRST_NAMES) else f"{i // len(_FIRST_NAMES) + 1}"
        agent_id = f"{name}{suffix}" if tenant_index == 0 else f"{name}{suffix}-t{tenant_index}"
        primary = categories[i % len(categories)]
        others = rng.sample([c for c in categories if c != primary], k=rng.randint(1, 3))
        skills = {primary: Proficiency.ADVANCED}
        for other in others:
            skills[other] = _weighted(rng, _PROFICIENCY_WEIGHTS)
        languages = ("en", "de") if rng.random() < 0.3 else ("en",)
        if rng.random() < 0.15:
            languages = (*languages, "fr")
        agents.append(
            AgentProfile(
                agent_id=agent_id,
                skills=skills,
                capacity=rng.choice((4, 5, 6, 6, 8, 8, 10)),
                languages=languages,
                speed=round(rng.uniform(0.7, 1.4), 2),
                parallel=rng.choice((1, 2, 2, 3)),
            )
        )
    return agents


def make_customers(tenant_index: int, count: int, rng: random.Random) -> list[Customer]:
    """A pool of customers, mostly standard tier, some trial, enterprise and VIP."""
    customers = []
    for i in range(count):
        roll = rng.random()
        language = "de" if roll < 0.07 else "fr" if roll < 0.10 else "en"
        customers.append(
            Customer(
                customer_id=f"cust-{tenant_index}-{i:04d}",
                tier=_weighted(rng, _TIER_WEIGHTS),
                language=language,
            )
        )
    return customers
