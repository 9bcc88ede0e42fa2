"""The broker the fixtures provide is a real Kafka 4.x that stores and serves messages."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.infra.admin import broker_api_versions, describe_kafka

FETCH = 1
API_VERSIONS = 18


def _host_port(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.rpartition(":")
    return host, int(port)


def test_broker_speaks_the_kafka_4_protocol(kafka_bootstrap: str) -> None:
    versions = broker_api_versions(*_host_port(kafka_bootstrap))
    # Kafka 4.0 removed Fetch v0-v3 (KIP-896); 3.x brokers still accept v0.
    assert versions[FETCH][0] >= 4
    assert versions[API_VERSIONS][1] >= 3


async def test_metadata_round_trip_reports_one_broker(kafka_bootstrap: str) -> None:
    info = await describe_kafka(kafka_bootstrap)
    assert info.cluster_id
    assert len(info.brokers) == 1
    assert info.brokers[0].endswith(f":{_host_port(kafka_bootstrap)[1]}")


async def test_produce_and_consume_one_message(kafka_bootstrap: str, topic_prefix: str) -> None:
    topic = f"{topic_prefix}probe"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        try:
            sent = await producer.send_and_wait(topic, b"ticket-1 payload", key=b"group-a")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            group_id=f"{topic_prefix}reader",
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            received = await asyncio.wait_for(consumer.getone(), 30)
        finally:
            await consumer.stop()
        assert (received.key, received.value) == (b"group-a", b"ticket-1 payload")
        assert (received.partition, received.offset) == (sent.partition, sent.offset)
    finally:
        await admin.delete_topics([topic])
        await admin.close()
