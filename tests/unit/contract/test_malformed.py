"""Malformed messages raise one error type whose message names the field and the problem."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import (
    MAX_BODY_CHARS,
    MAX_MESSAGE_BYTES,
    MAX_SUBJECT_CHARS,
    AgentStatusChanged,
    ContractError,
    DeadLetter,
    Event,
    InvalidEvent,
    MalformedJson,
    MessageTooLarge,
    TicketCreated,
    TicketTriaged,
    TicketUpdated,
    UnsupportedSchemaVersion,
    decode,
    encode,
)
from models.examples import examples


def _payload(event_type: str) -> dict[str, Any]:
    return orjson.loads(encode(examples()[event_type]))  # type: ignore[no-any-return]


def _decode_bad(model: type[Any], payload: Any) -> InvalidEvent:
    raw = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    with pytest.raises(InvalidEvent) as info:
        decode(model, raw)
    return info.value


def _outcome(model: type[Event], raw: bytes) -> Event | InvalidEvent:
    try:
        return decode(model, raw)
    except InvalidEvent as err:
        return err


def test_wrong_enum_names_field_allowed_values_and_input() -> None:
    payload = _payload("ticket-created")
    payload["customer"]["tier"] = "gold"
    err = _decode_bad(TicketCreated, payload)
    assert str(err) == (
        "ticket-created: field 'customer.tier': Input should be 'trial', 'standard', "
        "'enterprise' or 'vip'; got 'gold'"
    )
    assert err.field == "customer.tier"
    assert type(err) is InvalidEvent
    assert isinstance(err, ContractError)
    assert isinstance(err, ValueError)
    assert err.retriable is False


def test_missing_field() -> None:
    payload = _payload("ticket-created")
    del payload["ticket_id"]
    err = _decode_bad(TicketCreated, payload)
    assert str(err) == "ticket-created: field 'ticket_id': Field required"


def test_wrong_type_is_not_coerced() -> None:
    payload = _payload("agent-status")
    payload["capacity"] = "4"
    err = _decode_bad(AgentStatusChanged, payload)
    assert str(err) == "agent-status: field 'capacity': Input should be a valid integer; got '4'"
    payload["capacity"] = 4.5
    assert _decode_bad(AgentStatusChanged, payload).field == "capacity"
    payload["capacity"] = -1
    assert "greater than or equal to 0" in str(_decode_bad(AgentStatusChanged, payload))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "got true"),
        (None, "got null"),
        (2.5, "got 2.5"),
        (-(2**70), "got -1180591620717411303424"),
        (10**100, "got " + "1" + "0" * 63 + "..."),
    ],
)
def test_offending_scalars_are_shown_in_json_terms(value: object, shown: str) -> None:
    payload = _payload("agent-status") | {"agent_id": value}
    err = _decode_bad(AgentStatusChanged, json.dumps(payload).encode())
    assert err.field == "agent_id"
    assert str(err).endswith(shown)


@pytest.mark.parametrize("raw", [None, b"", b"   "])
def test_empty_messages(raw: bytes | None) -> None:
    with pytest.raises(MalformedJson, match=r"^ticket-created: "):
        decode(TicketCreated, raw)


def test_bad_json() -> None:
    err = _decode_bad(TicketCreated, b'{"tenant": "acme", ')
    assert isinstance(err, MalformedJson)
    assert str(err).startswith("ticket-created: not valid JSON: ")


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"42", b"null"])
def test_top_level_must_be_an_object(raw: bytes) -> None:
    err = _decode_bad(TicketCreated, raw)
    assert isinstance(err, MalformedJson)
    assert "expected a JSON object at the top level" in str(err)


def test_oversize_message_is_rejected_before_parsing() -> None:
    payload = _payload("ticket-created")
    payload["body"] = "x" * (10 * 1024 * 1024)
    raw = orjson.dumps(payload)
    err = _decode_bad(TicketCreated, raw)
    assert isinstance(err, MessageTooLarge)
    assert f"over the {MAX_MESSAGE_BYTES} byte limit" in str(err)
    assert "xxxx" not in str(err)
    # also for bytes that are not even JSON
    assert isinstance(_decode_bad(TicketCreated, b"{" * (MAX_MESSAGE_BYTES + 1)), MessageTooLarge)


def test_long_body_within_the_message_limit_is_truncated_with_a_flag() -> None:
    payload = _payload("ticket-created")
    payload["body"] = "é" * (MAX_BODY_CHARS + 10)
    payload["subject"] = "s" * (MAX_SUBJECT_CHARS + 1)
    ticket = decode(TicketCreated, orjson.dumps(payload))
    assert ticket.truncated is True
    assert len(ticket.body) == MAX_BODY_CHARS
    assert len(ticket.subject) == MAX_SUBJECT_CHARS
    assert decode(TicketCreated, encode(ticket)) == ticket
    assert decode(TicketCreated, encode(examples()["ticket-created"])).truncated is False


def test_ticket_text_is_never_echoed() -> None:
    payload = _payload("ticket-created")
    payload["body"] = 12345
    payload["subject"] = ["secret", "words"]
    err = _decode_bad(TicketCreated, payload)
    assert {p.field for p in err.problems} == {"subject", "body"}
    assert "12345" not in str(err)
    assert "secret" not in str(err)


def test_unsupported_schema_major_is_rejected() -> None:
    payload = _payload("ticket-closed") | {"schema_version": "2.0"}
    err = _decode_bad(type(examples()["ticket-closed"]), payload)
    assert isinstance(err, UnsupportedSchemaVersion)
    assert err.field == "schema_version"
    assert "unsupported schema major version 2" in str(err)
    assert "upgrade the consumer" in str(err)


def test_malformed_schema_version() -> None:
    payload = _payload("ticket-closed") | {"schema_version": "one"}
    assert _decode_bad(type(examples()["ticket-closed"]), payload).field == "schema_version"


def test_naive_timestamp_is_rejected() -> None:
    payload = _payload("ticket-created") | {"created_at": "2026-03-02T09:30:00"}
    err = _decode_bad(TicketCreated, payload)
    assert str(err) == (
        "ticket-created: field 'created_at': Input should have timezone info; "
        "got '2026-03-02T09:30:00'"
    )


@pytest.mark.parametrize(
    ("tenant", "ok"),
    [
        ("acme", True),
        ("acme/emea-billing", True),
        ("_unknown", True),
        ("a" * 128, True),
        ("", False),
        ("a" * 129, False),
        ("acme corp", False),
        ("-acme", False),
        ("acme\n", False),
        ("ацме", False),
    ],
)
def test_tenant_charset_and_length(tenant: str, ok: bool) -> None:
    payload = _payload("router-tick") | {"tenant": tenant}
    raw = orjson.dumps(payload)
    if ok:
        assert decode(type(examples()["router-tick"]), raw).tenant == tenant
    else:
        assert _decode_bad(type(examples()["router-tick"]), raw).field == "tenant"


def test_unknown_update_kind_names_the_discriminator() -> None:
    payload = _payload("ticket-updated")
    payload["change"] = {"kind": "merged"}
    err = _decode_bad(TicketUpdated, payload)
    assert err.field == "change"
    assert "'reopened'" in str(err)
    assert "'merged'" in str(err)


def test_update_kind_field_errors_name_the_path() -> None:
    payload = _payload("ticket-updated")
    payload["change"] = {"kind": "reassigned"}
    err = _decode_bad(TicketUpdated, payload)
    assert str(err) == "ticket-updated: field 'change.reassigned.agent_id': Field required"


def test_list_positions_in_field_paths() -> None:
    payload = _payload("ticket-triaged")
    payload["triage"]["skills"][1]["confidence"] = 1.5
    err = _decode_bad(TicketTriaged, payload)
    assert err.field == "triage.skills[1].confidence"


def test_triaged_tenant_must_match_ticket() -> None:
    payload = _payload("ticket-triaged") | {"tenant": "other"}
    err = _decode_bad(TicketTriaged, payload)
    assert "differs from ticket.tenant" in str(err)


def test_many_problems_are_summarised() -> None:
    err = _decode_bad(TicketCreated, {"subject": 1})
    assert len(err.problems) > 3
    assert str(err).endswith(f"(and {len(err.problems) - 3} more problems)")


def test_dead_letter_bytes_must_be_base64() -> None:
    payload = _payload("dead-letter") | {"original": "not base64!"}
    err = _decode_bad(DeadLetter, payload)
    assert str(err).startswith("dead-letter: field 'original': expected standard base64 text")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    outcome = _outcome(TicketCreated, raw)
    if isinstance(outcome, InvalidEvent):
        assert str(outcome).startswith("ticket-created: ")


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=10,
    ),
    st.sampled_from(sorted(examples())),
    st.data(),
)
def test_corrupting_any_field_gives_invalid_event_or_a_valid_event(
    junk: Any, event_type: str, data: st.DataObject
) -> None:
    payload = _payload(event_type)
    field = data.draw(st.sampled_from(sorted(payload)))
    payload[field] = junk
    model = type(examples()[event_type])
    outcome = _outcome(model, json.dumps(payload).encode())
    if isinstance(outcome, InvalidEvent):
        assert outcome.problems
        assert str(outcome).startswith(f"{event_type}: ")
    else:
        assert decode(model, encode(outcome)) == outcome
