"""Small aiokafka helpers for the contract integration tests."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]

__all__ = ["consume", "produce"]


async def produce(
    bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]], **options: Any
) -> None:
    """Send ``(key, value)`` pairs and wait until the broker acknowledged each."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **options)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def consume(
    bootstrap: str, topic: str, count: int, *, within: float = 30.0, **options: Any
) -> list[Any]:
    """Read ``count`` records from the start of ``topic`` (fails after ``within`` seconds)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **options,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(within):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for partition_records in batch.values():
                    records.extend(partition_records)
    except TimeoutError:
        raise AssertionError(
            f"read {len(records)} of {count} records from {topic} within {within}s"
        ) from None
    finally:
        await consumer.stop()
    return records
