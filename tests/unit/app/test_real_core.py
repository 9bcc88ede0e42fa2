"""The adapters against the real decision core (router.RoutingGroup)."""

from __future__ import annotations

from datetime import timedelta

import orjson

from models import AgentStatusChanged, TicketUpdated, encode, encode_key
from models.updates import Reassigned
from streams.app.groups import GroupBooks, GroupConfigs
from streams.app.metrics import RouterMetrics
from streams.app.processors.routing import RoutingStage
from streams.app.tables import write_changes
from streams.app.translate import agent_update, ticket_request
from tests.unit.app.conftest import T0, MemoryTable, agent, created, triaged


def _stage(table: MemoryTable, metrics: RouterMetrics, config: dict[str, object]) -> RoutingStage:
    books = GroupBooks(GroupConfigs({"default": config}), lambda: list(table.items()))
    return RoutingStage(books, metrics)


def _run(stage: RoutingStage, table: MemoryTable, base: str, event: object, n: int) -> list:
    result = stage.process(
        base,
        encode_key(event),
        encode(event),
        topic=base,
        partition=0,
        offset=n,  # type: ignore[arg-type]
    )
    if result.tenant:
        write_changes(table, result.tenant, result.changes)
    return [orjson.loads(v) for b, _, v in result.records if b == "ticket-assigned"]


def test_agent_without_languages_speaks_english_and_und_falls_back() -> None:
    update = agent_update(agent("ana"))
    assert "en" in update.languages
    event = triaged("T1")
    undetermined = event.model_copy(
        update={"triage": event.triage.model_copy(update={"language": "und"})}
    )
    assert ticket_request(undetermined).language == "en"
    assert created("T1").customer.language == "en"


def test_balanced_policy_evens_out_47_and_8(metrics: RouterMetrics) -> None:
    table = MemoryTable()
    stage = _stage(table, metrics, {"policy": "balanced"})
    n = 0
    for name in ("ana", "ben"):
        n += 1
        _run(stage, table, "agent-status", agent(name, capacity=50), n)
    for i in range(55):
        n += 1
        at = T0 + timedelta(seconds=i)
        [assigned] = _run(stage, table, "ticket-triaged", triaged(f"T{i}", at=at), n)
        target = "ana" if i < 47 else "ben"
        if assigned["agent_id"] != target:
            n += 1
            update = TicketUpdated(
                tenant="acme",
                occurred_at=at,
                ticket_id=f"T{i}",
                change=Reassigned(agent_id=target, by="lead"),
            )
            _run(stage, table, "ticket-updated", update, n)
    group = stage.books.get("acme")
    assert (group.queue_depth("ana"), group.queue_depth("ben")) == (47, 8)
    winners = []
    for i in range(55, 75):
        n += 1
        at = T0 + timedelta(seconds=100 + i)
        [assigned] = _run(stage, table, "ticket-triaged", triaged(f"T{i}", at=at), n)
        winners.append(assigned["agent_id"])
        assert assigned["explanation"]["reasons"]
    assert winners == ["ben"] * 20
    # and the table restores the same books
    stage.books.clear()
    assert stage.books.get("acme").queue_depth("ben") == 28


def test_reassignment_to_an_agent_without_the_skill_is_a_category_signal(
    metrics: RouterMetrics,
) -> None:
    table = MemoryTable()
    books = GroupBooks(GroupConfigs({"default": {"policy": "skills"}}), list)
    signals: list[tuple[str, float, str]] = []
    stage = RoutingStage(books, metrics, on_miscategorised=lambda *args: signals.append(args))
    network = AgentStatusChanged.model_validate(
        agent("neo").model_dump() | {"skills": {"network": "advanced"}}
    )
    n = 0
    for event in (agent("ana"), agent("ben"), network):
        n += 1
        _run(stage, table, "agent-status", event, n)
    for tid in ("T1", "T2"):
        n += 1
        [assigned] = _run(stage, table, "ticket-triaged", triaged(tid), n)
        assert assigned["agent_id"] in {"ana", "ben"}

    def reassign(tid: str, target: str) -> None:
        nonlocal n
        n += 1
        update = TicketUpdated(
            tenant="acme", occurred_at=T0, ticket_id=tid, change=Reassigned(agent_id=target)
        )
        _run(stage, table, "ticket-updated", update, n)

    # a load move between two billing agents says nothing about the category
    group = stage.books.get("acme")
    other = "ben" if group.assignment_of("T1") == "ana" else "ana"
    reassign("T1", other)
    assert signals == []
    # moved to someone who only does network: "billing" was the wrong reading
    reassign("T2", "neo")
    assert signals == [("T2", T0.timestamp(), "billing")]
    # an unknown agent (no skills known) is no signal either
    reassign("T1", "stranger")
    assert len(signals) == 1
