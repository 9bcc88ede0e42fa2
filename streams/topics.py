"""The catalogue of every Kafka topic ticket-router uses: one place, one table.

| topic            | role     | key    | value model          | retention | cleanup |
|------------------|----------|--------|----------------------|-----------|---------|
| ticket-created   | input    | tenant | TicketCreated        | 7 days    | delete  |
| ticket-updated   | input    | tenant | TicketUpdated        | 7 days    | delete  |
| ticket-closed    | input    | tenant | TicketClosed         | 7 days    | delete  |
| agent-status     | input    | tenant | AgentStatusChanged   | 7 days    | delete  |
| ticket-triaged   | internal | tenant | TicketTriaged        | 7 days    | delete  |
| router-ticks     | internal | tenant | RouterTick           | 1 hour    | delete  |
| ticket-assigned  | output   | tenant | TicketAssigned       | 7 days    | delete  |
| router-events    | output   | tenant | RouterEvent          | 7 days    | delete  |
| dead-letter      | output   | tenant | DeadLetter           | 30 days   | delete  |

Every topic is keyed by the routing group (tenant) and **all share one partition count**
(default :data:`DEFAULT_PARTITIONS` = 6): the routing processor reads the inputs
together, so a tenant's events must land on the same partition number of each
(co-partitioning), and the outputs keep per-tenant order at the same parallelism.
Changing the count later re-maps tenants to partitions; create topics with the count
you will need (6 allows six workers). None is compacted: keys are tenants, not
entities, so compaction would keep one event per tenant. Faust's own changelog and
repartition topics are created by Faust.

Names are ``prefix + base name``; the prefix (``TICKET_ROUTER_TOPIC_PREFIX``, default
empty) lets several deployments or test runs share one cluster.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from models import (
    AgentStatusChanged,
    DeadLetter,
    Event,
    RouterEvent,
    RouterTick,
    TicketAssigned,
    TicketClosed,
    TicketCreated,
    TicketTriaged,
    TicketUpdated,
)

__all__ = [
    "DEFAULT_PARTITIONS",
    "DEFAULT_REPLICATION_FACTOR",
    "TOPICS",
    "Role",
    "Topic",
    "TopicCatalogue",
    "TopicSpec",
    "topic_spec",
]

DEFAULT_PARTITIONS = 6
DEFAULT_REPLICATION_FACTOR = 1
_HOUR_MS = 3_600_000
_DAY_MS = 24 * _HOUR_MS
_PREFIX_RE = re.compile(r"^[A-Za-z0-9._-]{0,200}$")

Role = Literal["input", "internal", "output"]


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """What a topic is, independent of deployment (prefix, partition count)."""

    base_name: str
    role: Role
    value_model: type[Event]
    description: str
    retention_ms: int = 7 * _DAY_MS
    cleanup_policy: str = "delete"
    key: str = "tenant"

    def configs(self) -> dict[str, str]:
        """Topic-level Kafka configs to create the topic with."""
        return {"cleanup.policy": self.cleanup_policy, "retention.ms": str(self.retention_ms)}


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        "ticket-created", "input", TicketCreated, "New tickets from helpdesks (or the webhook)."
    ),
    TopicSpec(
        "ticket-updated", "input", TicketUpdated, "Reopened, reassigned, re-prioritised tickets."
    ),
    TopicSpec("ticket-closed", "input", TicketClosed, "Closed tickets (frees agent capacity)."),
    TopicSpec("agent-status", "input", AgentStatusChanged, "Agent availability and skills."),
    TopicSpec(
        "ticket-triaged", "internal", TicketTriaged, "Tickets with triage results, for routing."
    ),
    TopicSpec(
        "router-ticks",
        "internal",
        RouterTick,
        "Clock ticks per routing group (relaxation, SLA warnings).",
        retention_ms=_HOUR_MS,
    ),
    TopicSpec("ticket-assigned", "output", TicketAssigned, "Assignments for helpdesk connectors."),
    TopicSpec(
        "router-events",
        "output",
        RouterEvent,
        "Audit: queued, relaxed, escalated, rerouted, rejected, sla_warning.",
    ),
    TopicSpec(
        "dead-letter",
        "output",
        DeadLetter,
        "Messages that could not be processed, with the reason.",
        retention_ms=30 * _DAY_MS,
    ),
)

_BY_NAME = {spec.base_name: spec for spec in TOPICS}


def topic_spec(base_name: str) -> TopicSpec:
    """The spec of a topic by base name (e.g. ``"ticket-created"``)."""
    try:
        return _BY_NAME[base_name]
    except KeyError:
        raise KeyError(f"unknown topic {base_name!r}; known: {', '.join(_BY_NAME)}") from None


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of one deployment: full name, partitions, replication and its spec."""

    name: str
    partitions: int
    replication_factor: int
    spec: TopicSpec


@dataclass(frozen=True, slots=True)
class TopicCatalogue:
    """Every topic of one deployment (a prefix and a partition count)."""

    prefix: str = ""
    partitions: int = DEFAULT_PARTITIONS
    replication_factor: int = DEFAULT_REPLICATION_FACTOR

    def __post_init__(self) -> None:
        if not _PREFIX_RE.match(self.prefix):
            raise ValueError(
                f"topic prefix {self.prefix!r} may only contain A-Z a-z 0-9 . _ - "
                "(at most 200 chars); set TICKET_ROUTER_TOPIC_PREFIX or --prefix accordingly"
            )
        if self.partitions < 1:
            raise ValueError(f"partitions must be >= 1, got {self.partitions}")
        if self.replication_factor < 1:
            raise ValueError(f"replication factor must be >= 1, got {self.replication_factor}")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TopicCatalogue:
        """From ``TICKET_ROUTER_TOPIC_PREFIX``, ``_TOPIC_PARTITIONS``, ``_TOPIC_REPLICATION``."""
        return cls(
            prefix=env.get("TICKET_ROUTER_TOPIC_PREFIX", ""),
            partitions=_int_env(env, "TICKET_ROUTER_TOPIC_PARTITIONS", DEFAULT_PARTITIONS),
            replication_factor=_int_env(
                env, "TICKET_ROUTER_TOPIC_REPLICATION", DEFAULT_REPLICATION_FACTOR
            ),
        )

    def name(self, base_name: str) -> str:
        """Full topic name of ``base_name`` (checks that it is in the catalogue)."""
        return self.prefix + topic_spec(base_name).base_name

    def topic(self, base_name: str) -> Topic:
        """The deployed topic for ``base_name``."""
        spec = topic_spec(base_name)
        return Topic(self.prefix + spec.base_name, self.partitions, self.replication_factor, spec)

    def __iter__(self) -> Iterator[Topic]:
        return (self.topic(spec.base_name) for spec in TOPICS)

    def by_model(self, model_cls: type[Event]) -> Topic:
        """The topic whose value model is ``model_cls``."""
        for topic in self:
            if topic.spec.value_model is model_cls:
                return topic
        raise KeyError(f"no topic carries {model_cls.__name__}")


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not an integer; set it to e.g. {default}") from None
