"""Fixtures for the streaming-app unit tests: events, a fake core, metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry

from models import AgentStatusChanged, TicketCreated, TicketTriaged, TriageDetails
from models.tickets import Customer
from streams.app.groups import GroupBooks, GroupConfigs
from streams.app.metrics import RouterMetrics
from tests.unit.app.fake_core import FakeCore

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def metrics() -> RouterMetrics:
    return RouterMetrics(CollectorRegistry())


class MemoryTable(dict[str, object]):
    """A dict standing in for the Faust table (``items()`` like the worker's)."""


@pytest.fixture
def table() -> MemoryTable:
    return MemoryTable()


@pytest.fixture
def books(table: MemoryTable) -> GroupBooks:
    configs = GroupConfigs({"default": {"policy": "least_loaded"}}, FakeCore)
    return GroupBooks(configs, lambda: list(table.items()), FakeCore)


def agent(
    agent_id: str,
    *,
    tenant: str = "acme",
    status: str = "online",
    capacity: int = 3,
    version: int = 1,
    at: datetime = T0,
) -> AgentStatusChanged:
    return AgentStatusChanged(
        tenant=tenant,
        occurred_at=at,
        agent_id=agent_id,
        status=status,
        capacity=capacity,
        skills={"billing": "advanced"},
        version=version,
    )


def created(ticket_id: str, *, tenant: str = "acme", at: datetime = T0) -> TicketCreated:
    return TicketCreated(
        tenant=tenant,
        occurred_at=at,
        ticket_id=ticket_id,
        channel="email",
        subject="Invoice is wrong",
        body="I was charged twice this month.",
        customer=Customer(id=f"c-{ticket_id}", tier="standard", language="en"),
        created_at=at,
    )


def triaged(ticket_id: str, *, tenant: str = "acme", at: datetime = T0) -> TicketTriaged:
    return TicketTriaged(
        tenant=tenant,
        occurred_at=at,
        ticket=created(ticket_id, tenant=tenant, at=at),
        triage=TriageDetails(category="billing", confidence=0.9, language="en", priority=2),
    )


@pytest.fixture(scope="session")
def service() -> object:
    """A triage service on the hashing embedder (fast, deterministic)."""
    from router.triage import HashingEmbedder
    from streams.triage.catalogue import load_catalogue
    from streams.triage.service import TriageService, TriageSettings

    return TriageService(HashingEmbedder(256), TriageSettings(), catalogue=load_catalogue())
