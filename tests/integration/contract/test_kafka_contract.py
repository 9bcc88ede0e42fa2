"""Every event type through a real Kafka topic of the catalogue, and malformed input."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from models import (
    EVENT_MODELS,
    MAX_MESSAGE_BYTES,
    AgentStatusChanged,
    DeadLetter,
    InvalidEvent,
    MalformedJson,
    MessageTooLarge,
    TicketCreated,
    decode,
    decode_key,
    encode,
    encode_key,
)
from models.examples import examples
from streams.topic_admin import ensure_topics
from streams.topics import TopicCatalogue
from tests.integration.contract.kafka_io import consume, produce


async def test_every_event_type_round_trips_through_its_topic(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    catalogue = TopicCatalogue(prefix=topic_prefix, partitions=3)
    states = await ensure_topics(kafka_bootstrap, catalogue)
    assert {s.action for s in states} == {"created"}
    for event_type, event in examples().items():
        topic = catalogue.by_model(EVENT_MODELS[event_type])
        other = event.model_copy(update={"tenant": "globex", "event_id": f"{event_type}-2"})
        if event_type == "ticket-triaged":  # ticket.tenant must match the envelope's
            ticket = event.ticket.model_copy(update={"tenant": "globex"})  # type: ignore[attr-defined]
            other = other.model_copy(update={"ticket": ticket})
        await produce(
            kafka_bootstrap,
            topic.name,
            [(encode_key(e), encode(e)) for e in (event, other)],
        )
        records = await consume(kafka_bootstrap, topic.name, 2)
        decoded = {decode_key(r.key): decode(topic.spec.value_model, r.value) for r in records}
        assert decoded == {"acme": event, "globex": other}, event_type


async def test_malformed_payloads_from_a_topic_give_clear_errors(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    catalogue = TopicCatalogue(prefix=topic_prefix, partitions=1)
    topic = catalogue.topic("agent-status")
    await ensure_topics(kafka_bootstrap, TopicCatalogue(prefix=topic_prefix, partitions=1))
    good = orjson.loads(encode(examples()["agent-status"]))
    wrong_enum = orjson.dumps(good | {"status": "busy"})
    wrong_type = orjson.dumps(good | {"capacity": "four"})
    missing = orjson.dumps({k: v for k, v in good.items() if k != "agent_id"})
    await produce(
        kafka_bootstrap,
        topic.name,
        [(b"acme", raw) for raw in (b"{not json", wrong_enum, wrong_type, missing)],
    )
    records = await consume(kafka_bootstrap, topic.name, 4)
    errors = []
    for record in records:
        with pytest.raises(InvalidEvent) as info:
            decode(AgentStatusChanged, record.value)
        errors.append(info.value)
    assert isinstance(errors[0], MalformedJson)
    assert str(errors[1]) == (
        "agent-status: field 'status': Input should be 'online', 'away' or 'offline'; got 'busy'"
    )
    assert str(errors[2]) == (
        "agent-status: field 'capacity': Input should be a valid integer; got 'four'"
    )
    assert str(errors[3]) == "agent-status: field 'agent_id': Field required"

    # each becomes a dead letter on the catalogue's dead-letter topic, with the reason
    dead = catalogue.topic("dead-letter")
    letters = [
        DeadLetter.for_message(
            value=record.value,
            key=record.key,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error=error,
            occurred_at=datetime.now(UTC),
        )
        for record, error in zip(records, errors, strict=True)
    ]
    await produce(kafka_bootstrap, dead.name, [(encode_key(d), encode(d)) for d in letters])
    back = [decode(DeadLetter, r.value) for r in await consume(kafka_bootstrap, dead.name, 4)]
    assert back == letters
    assert [d.error_class for d in back] == [
        "MalformedJson",
        "InvalidEvent",
        "InvalidEvent",
        "InvalidEvent",
    ]
    assert [d.original for d in back] == [r.value for r in records]
    assert {d.tenant for d in back} == {"acme"}


async def test_ten_megabyte_message_is_rejected_without_parsing(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    """A broker that allows big messages still cannot make the router parse one."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]

    name = f"{topic_prefix}ticket-created-big"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, 1, 1, topic_configs={"max.message.bytes": str(12 * 1024 * 1024)})]
        )
    finally:
        await admin.close()
    payload = orjson.loads(encode(examples()["ticket-created"]))
    payload["body"] = "x" * (10 * 1024 * 1024)
    raw = orjson.dumps(payload)
    await produce(kafka_bootstrap, name, [(b"acme", raw)], max_request_size=12 * 1024 * 1024)
    (record,) = await consume(kafka_bootstrap, name, 1, max_partition_fetch_bytes=12 * 1024 * 1024)
    assert len(record.value) > MAX_MESSAGE_BYTES
    with pytest.raises(MessageTooLarge, match="over the 1048576 byte limit"):
        decode(TicketCreated, record.value)
    letter = DeadLetter.for_message(
        value=record.value,
        key=record.key,
        topic=name,
        partition=record.partition,
        offset=record.offset,
        error="too large",
        occurred_at=datetime.now(UTC),
    )
    assert letter.original_truncated
    assert len(encode(letter)) < 1_000_000  # fits the default dead-letter topic
