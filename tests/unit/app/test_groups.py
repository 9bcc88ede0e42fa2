"""Books restored from the table, configs per tenant, the view snapshot."""

from __future__ import annotations

import pytest

from streams.app.groups import GroupBooks, GroupConfigs, view_of
from streams.app.tables import OUTBOX, write_changes
from streams.app.translate import agent_update, ticket_request
from tests.unit.app.conftest import MemoryTable, agent, triaged
from tests.unit.app.fake_core import FakeCore


def _fill(books: GroupBooks, table: MemoryTable) -> None:
    group = books.get("acme")
    group.agent_status(agent_update(agent("ana"), FakeCore), 1.0)
    group.agent_status(agent_update(agent("ben"), FakeCore), 1.0)
    for i in range(3):
        group.ticket_arrived(ticket_request(triaged(f"T{i}"), FakeCore), 2.0)
    write_changes(table, "acme", group.drain_changes())


def test_restore_rebuilds_the_same_books(books: GroupBooks, table: MemoryTable) -> None:
    _fill(books, table)
    before = books.get("acme").export_entities()
    books.clear()
    assert "acme" not in books
    restored = books.get("acme")
    assert restored.export_entities() == before
    assert restored.drain_changes() == {}
    assert books.take_restored() == ["acme", "acme"]


def test_restore_hands_out_undelivered_outbox_entries_once(
    books: GroupBooks, table: MemoryTable
) -> None:
    _fill(books, table)
    write_changes(table, "acme", {OUTBOX: {"k:0:7": [["ticket-assigned", "acme", "{}"]]}})
    books.clear()
    books.get("acme")
    assert books.take_outbox("acme") == {"k:0:7": [["ticket-assigned", "acme", "{}"]]}
    assert books.take_outbox("acme") == {}


def test_the_table_is_scanned_once_per_rebalance(table: MemoryTable) -> None:
    scans = []

    def items() -> list[tuple[str, object]]:
        scans.append(1)
        return list(table.items())

    books = GroupBooks(GroupConfigs({"default": {}}, FakeCore), items, FakeCore)
    for tenant in ("a", "b", "c"):
        books.get(tenant)
    assert len(scans) == 1
    books.clear()
    books.get("a")
    assert len(scans) == 2


def test_configs_merge_defaults_and_reject_unknown_keys() -> None:
    configs = GroupConfigs(
        {"default": {"policy": "least_loaded"}, "groups": {"vip": {"max_backlog": 2}}}, FakeCore
    )
    assert configs.for_tenant("vip").max_backlog == 2
    assert configs.for_tenant("other").max_backlog is None
    bad = GroupConfigs({"default": {"polcy": "x"}}, FakeCore)
    with pytest.raises(ValueError, match="polcy"):
        bad.check()


def test_view_of_lists_agents_and_pending(books: GroupBooks, table: MemoryTable) -> None:
    _fill(books, table)
    group = books.get("acme")
    group.agent_status(agent_update(agent("ana", status="offline", version=2), FakeCore), 3.0)
    group.agent_status(agent_update(agent("ben", status="offline", version=2), FakeCore), 3.0)
    view = view_of(group, now=10.0)
    assert {a.agent_id: (a.status, a.depth) for a in view.agents} == {
        "ana": ("offline", 0),
        "ben": ("offline", 0),
    }
    assert sorted(p.ticket_id for p in view.pending) == ["T0", "T1", "T2"]
    assert view.pending_counts()[2] == 3
