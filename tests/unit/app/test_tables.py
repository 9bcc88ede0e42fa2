"""The books table layout: journal first, then keys; restore applies the journal."""

from __future__ import annotations

from streams.app.tables import JOURNAL, OUTBOX, entities_of, table_key, tenants_in, write_changes


class RecordingTable(dict[str, object]):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def __setitem__(self, key: str, value: object) -> None:
        self.writes.append(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.writes.append(f"del {key}")
        super().__delitem__(key)


def test_journal_is_written_before_the_keys() -> None:
    table = RecordingTable()
    count = write_changes(table, "acme", {"agents": {"ana": {"depth": 1}}, "pending": {}})
    assert count == 1
    assert table.writes == [table_key("acme", JOURNAL), table_key("acme", "agents", "ana")]
    assert table[table_key("acme", JOURNAL)] == {"changes": {"agents": {"ana": {"depth": 1}}}}


def test_none_deletes_and_unknown_deletes_are_harmless() -> None:
    table = RecordingTable()
    write_changes(table, "acme", {"agents": {"ana": {"depth": 1}}})
    write_changes(table, "acme", {"agents": {"ana": None, "ghost": None}})
    assert table_key("acme", "agents", "ana") not in table
    assert f"del {table_key('acme', 'agents', 'ana')}" in table.writes


def test_nothing_to_write_writes_nothing() -> None:
    table = RecordingTable()
    assert write_changes(table, "acme", {"agents": {}}) == 0
    assert table.writes == []


def test_restore_completes_an_event_cut_off_after_its_journal() -> None:
    table = RecordingTable()
    write_changes(table, "acme", {"agents": {"ana": {"depth": 1}}})
    # the next event: its journal landed, its keys did not (worker killed in between)
    table[table_key("acme", JOURNAL)] = {
        "changes": {"agents": {"ana": {"depth": 2}}, "assignments": {"T1": {"agent": "ana"}}}
    }
    entities = entities_of(table.items(), "acme")
    assert entities["agents"] == {"ana": {"depth": 2}}
    assert entities["assignments"] == {"T1": {"agent": "ana"}}


def test_entities_are_per_tenant_and_include_the_outbox() -> None:
    table = RecordingTable()
    write_changes(table, "acme", {OUTBOX: {"t:0:1": [["ticket-assigned", "acme", "{}"]]}})
    write_changes(table, "acme-2", {"agents": {"bo": {"depth": 0}}})
    acme = entities_of(table.items(), "acme")
    assert acme[OUTBOX] == {"t:0:1": [["ticket-assigned", "acme", "{}"]]}
    assert acme["agents"] == {}
    assert tenants_in(table.keys()) == {"acme", "acme-2"}
