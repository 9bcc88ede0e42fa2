"""The triage processor without Faust: decode, triage in one batch, dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from models import TicketCreated, TicketTriaged, decode, encode, encode_key
from streams.app.metrics import RouterMetrics
from streams.app.processors.triage import Message, TriageStage
from tests.unit.app.conftest import created


class CountingTriage:
    def __init__(self, service: Any) -> None:
        self.service = service
        self.calls: list[int] = []

    def __call__(self, tickets: Sequence[TicketCreated]) -> Sequence[Any]:
        self.calls.append(len(tickets))
        return self.service.triage_batch(tickets)


def _message(value: bytes, key: bytes | None, offset: int) -> Message:
    return Message(key, value, "x.ticket-created", 0, offset)


def test_batch_is_triaged_in_one_call(service: Any, metrics: RouterMetrics) -> None:
    triage = CountingTriage(service)
    stage = TriageStage(triage, metrics, clock=lambda: 2_000_000_000.0)
    tickets = [created(f"T{i}") for i in range(3)]
    batch = stage.decode([_message(encode(t), encode_key(t), i) for i, t in enumerate(tickets)])
    records = stage.triage(batch.tickets)
    assert triage.calls == [3]
    assert [base for base, _, _ in records] == ["ticket-triaged"] * 3
    first = decode(TicketTriaged, records[0][2])
    assert first.ticket == tickets[0]
    assert first.tenant == "acme"
    assert records[0][1] == b"acme"
    assert first.triage.priority in (1, 2, 3, 4)
    again = decode(TicketTriaged, stage.triage(batch.tickets[:1])[0][2])
    assert again.event_id == first.event_id  # stable across redeliveries


def test_invalid_and_mis_keyed_tickets_become_dead_letters(
    service: Any, metrics: RouterMetrics
) -> None:
    stage = TriageStage(service.triage_batch, metrics)
    good = created("T1")
    batch = stage.decode(
        [
            _message(b"[]", b"acme", 0),
            _message(encode(good), b"wrong-key", 1),
            _message(encode(good), b"acme", 2),
        ]
    )
    assert [t.ticket_id for t in batch.tickets] == ["T1"]
    errors = [orjson.loads(v)["error_class"] for _, _, v in batch.dead]
    assert errors == ["MalformedJson", "Error"]
    assert stage.triage([]) == []
