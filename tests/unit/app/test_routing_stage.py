"""The routing processor without Faust: decode, decide, outputs, outbox, dead letters."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from models import TicketClosed, encode, encode_key
from streams.app.groups import GroupBooks
from streams.app.metrics import RouterMetrics
from streams.app.processors.routing import RoutingResult, RoutingStage, outbox_key
from streams.app.tables import OUTBOX, write_changes
from tests.unit.app.conftest import T0, MemoryTable, agent, triaged
from tests.unit.app.fake_core import FakeCore


class Harness:
    def __init__(self, books: GroupBooks, table: MemoryTable, metrics: RouterMetrics) -> None:
        self.delivered: dict[str, list[str]] = {}
        self.stage = RoutingStage(
            books,
            metrics,
            delivered=lambda tenant: self.delivered.pop(tenant, []),
            core=FakeCore,
        )
        self.table = table
        self.offset = 0

    def send(self, base: str, event: object, *, key: bytes | None = None) -> RoutingResult:
        self.offset += 1
        value = encode(event) if not isinstance(event, bytes) else event
        if key is None and not isinstance(event, bytes):
            key = encode_key(event)  # type: ignore[arg-type]
        result = self.stage.process(
            base, key, value, topic=f"x.{base}", partition=0, offset=self.offset
        )
        if result.tenant is not None:
            write_changes(self.table, result.tenant, result.changes)
        return result


@pytest.fixture
def harness(books: GroupBooks, table: MemoryTable, metrics: RouterMetrics) -> Harness:
    return Harness(books, table, metrics)


def _values(result: RoutingResult, base: str) -> list[dict[str, object]]:
    return [orjson.loads(v) for b, _, v in result.records if b == base]


def test_assignment_carries_explanation_triage_and_is_kept_in_the_outbox(
    harness: Harness,
) -> None:
    harness.send("agent-status", agent("ana"))
    result = harness.send("ticket-triaged", triaged("T1"))
    [assigned] = _values(result, "ticket-assigned")
    assert assigned["agent_id"] == "ana"
    assert assigned["ticket_id"] == "T1"
    assert assigned["explanation"]["candidates"] == ["ana"]
    assert assigned["triage"]["category"] == "billing"
    assert result.outbox_key == outbox_key("x.ticket-triaged", 0, 2)
    stored = result.changes[OUTBOX][result.outbox_key]
    assert stored == [[b, k.decode(), v.decode()] for b, k, v in result.records]
    assert result.changes["assignments"]["T1"]["agent_id"] == "ana"


def test_redelivered_ticket_is_a_no_op(harness: Harness) -> None:
    harness.send("agent-status", agent("ana"))
    harness.send("ticket-triaged", triaged("T1"))
    again = harness.send("ticket-triaged", triaged("T1"))
    assert again.records == []
    assert again.ignored == ["duplicate_assigned"]
    assert OUTBOX not in again.changes


def test_delivered_outbox_keys_are_deleted_with_the_next_event(harness: Harness) -> None:
    harness.send("agent-status", agent("ana"))
    first = harness.send("ticket-triaged", triaged("T1"))
    assert first.outbox_key is not None
    harness.delivered["acme"] = [first.outbox_key]
    nxt = harness.send("agent-status", agent("ana", version=2, capacity=4))
    assert nxt.changes[OUTBOX] == {first.outbox_key: None}


def test_queued_ticket_is_pulled_when_capacity_frees(harness: Harness) -> None:
    harness.send("agent-status", agent("ana", capacity=1))
    harness.send("ticket-triaged", triaged("T1"))
    queued = harness.send("ticket-triaged", triaged("T2"))
    assert [e["kind"] for e in _values(queued, "router-events")] == ["queued"]
    close = TicketClosed(
        tenant="acme",
        occurred_at=T0 + timedelta(minutes=5),
        ticket_id="T1",
        resolved_by="ana",
        resolution="solved",
        closed_at=T0 + timedelta(minutes=5),
    )
    pulled = harness.send("ticket-closed", close)
    [assigned] = _values(pulled, "ticket-assigned")
    assert assigned["ticket_id"] == "T2"
    assert assigned["waited_ms"] == 300_000


def test_malformed_message_becomes_a_dead_letter(harness: Harness) -> None:
    result = harness.send("ticket-closed", b"{not json", key=b"acme")
    assert result.dead
    assert result.tenant is None
    [letter] = _values(result, "dead-letter")
    assert letter["error_class"] == "MalformedJson"
    assert letter["source_topic"] == "x.ticket-closed"


def test_key_that_is_not_the_tenant_becomes_a_dead_letter(harness: Harness) -> None:
    result = harness.send("agent-status", agent("ana"), key=b"other")
    [letter] = _values(result, "dead-letter")
    assert "differs from the event's tenant" in str(letter["error"])


def test_a_core_failure_dead_letters_the_event_and_drops_the_books(
    harness: Harness, books: GroupBooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.send("agent-status", agent("ana"))
    group = books.get("acme")

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(group, "ticket_arrived", boom)
    result = harness.send("ticket-triaged", triaged("T1"))
    assert result.dead
    assert "acme" not in books
    assert books.get("acme").agents()["ana"].status == "online"  # restored from the table


def test_restored_outbox_entries_are_sent_again(
    harness: Harness, books: GroupBooks, table: MemoryTable
) -> None:
    harness.send("agent-status", agent("ana"))
    first = harness.send("ticket-triaged", triaged("T1"))
    books.clear()
    result = harness.send("agent-status", agent("ana", version=2))
    assert first.outbox_key in result.resend
    assert result.resend[first.outbox_key] == [(b, k, v) for b, k, v in first.records]


def test_an_event_cut_off_by_a_crash_is_written_again_after_restore(
    harness: Harness, books: GroupBooks, table: MemoryTable
) -> None:
    harness.send("agent-status", agent("ana"))
    first = harness.send("ticket-triaged", triaged("T1"))
    # the worker died after the journal and one key of that event: drop the others
    for kind, values in first.changes.items():
        for key in list(values)[1:] if kind != "assignments" else []:
            table.pop(f"acme|{kind}|{key}", None)
    books.clear()
    nxt = harness.send("ticket-triaged", triaged("T2"))
    for kind, values in first.changes.items():
        for key in values:
            assert key in nxt.changes[kind]  # written again (or newer)
            if kind != OUTBOX:
                assert table.get(f"acme|{kind}|{key}") == nxt.changes[kind][key]
    assert first.outbox_key in nxt.resend
