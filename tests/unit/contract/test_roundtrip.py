"""Every event type survives encode -> decode unchanged (examples and generated events)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import EVENT_MODELS, Event, SlaPolicy, TicketCreated, decode, encode, encode_key
from models.examples import examples
from tests.unit.contract.strategies import any_event, events_by_type


def test_every_event_type_has_an_example_and_a_strategy() -> None:
    assert set(examples()) == set(EVENT_MODELS) == set(events_by_type)


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_example_round_trips(event_type: str) -> None:
    event = examples()[event_type]
    raw = encode(event)
    assert decode(EVENT_MODELS[event_type], raw) == event
    assert encode(decode(EVENT_MODELS[event_type], raw)) == raw


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_wire_form_carries_the_envelope(event_type: str) -> None:
    event = examples()[event_type]
    payload = orjson.loads(encode(event))
    assert payload["schema_version"] == "1.0"
    assert payload["tenant"] == event.tenant
    assert payload["event_id"] == event.event_id
    assert payload["occurred_at"].endswith("Z")
    assert encode_key(event) == event.tenant.encode()


@settings(max_examples=300, deadline=None)
@given(any_event)
def test_any_event_round_trips(event: Event) -> None:
    raw = encode(event)
    back = decode(type(event), raw)
    assert back == event
    assert back.occurred_at.tzinfo is not None
    assert back.occurred_at.utcoffset() == UTC.utcoffset(None)


@settings(max_examples=100, deadline=None)
@given(events_by_type["ticket-created"], st.text(max_size=20), st.integers())
def test_unknown_fields_are_ignored(event: Event, name: str, value: int) -> None:
    payload = orjson.loads(encode(event))
    payload.setdefault(f"x_{name}", value)
    payload["customer"]["future_field"] = [1, 2, 3]
    assert decode(type(event), json.dumps(payload).encode()) == event


def test_later_minor_version_is_read() -> None:
    event = examples()["ticket-closed"]
    payload = orjson.loads(encode(event)) | {"schema_version": "1.7", "new_optional": True}
    decoded = decode(type(event), orjson.dumps(payload))
    assert decoded.schema_version == "1.7"
    assert decoded.ticket_id == event.ticket_id  # type: ignore[attr-defined]


def test_timestamps_are_normalised_to_utc() -> None:
    event = examples()["router-tick"]
    payload = orjson.loads(encode(event)) | {"tick_at": "2026-03-02T11:30:00+02:00"}
    tick = decode(type(event), orjson.dumps(payload))
    assert tick.tick_at.isoformat() == "2026-03-02T09:30:00+00:00"  # type: ignore[attr-defined]
    assert orjson.loads(encode(tick))["tick_at"] == "2026-03-02T09:30:00Z"


def test_sla_due_at() -> None:
    ticket = examples()["ticket-created"]
    assert isinstance(ticket, TicketCreated)
    assert ticket.sla_due_at == ticket.created_at + timedelta(hours=1)
    due = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with_due = ticket.model_copy(update={"sla": SlaPolicy(name="x", due_at=due)})
    assert with_due.sla_due_at == due
    assert ticket.model_copy(update={"sla": None}).sla_due_at is None
    assert ticket.model_copy(update={"sla": SlaPolicy(name="none")}).sla_due_at is None
