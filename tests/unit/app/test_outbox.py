"""The publisher: outputs only after the state, in order, source acked after delivery."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from streams.app.outbox import Delivery, Publisher


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []
        self.acks: list[asyncio.Future[Any]] = []
        self.fail_next = False

    async def send(self, base: str, key: bytes, value: bytes) -> asyncio.Future[Any]:
        self.sent.append((base, value))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.fail_next:
            future.set_exception(RuntimeError("broker said no"))
        else:
            future.set_result(None)
        return future


async def _running(publisher: Publisher) -> list[asyncio.Task[None]]:
    return [
        asyncio.create_task(publisher.run_sender()),
        asyncio.create_task(publisher.run_acker()),
    ]


async def test_records_wait_for_the_state_and_the_source_is_acked_after() -> None:
    producer = FakeProducer()
    publisher = Publisher(producer.send)
    tasks = await _running(publisher)
    state: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    acked: list[str] = []

    async def ack() -> None:
        acked.append("e1")

    await publisher.put(
        Delivery([("ticket-assigned", b"acme", b"v1")], "acme", "k1", after=state, done=ack)
    )
    await asyncio.sleep(0.01)
    assert producer.sent == []
    assert acked == []
    state.set_result(None)
    assert await publisher.drain(1.0)
    assert producer.sent == [("ticket-assigned", b"v1")]
    assert acked == ["e1"]
    assert publisher.delivered("acme") == ["k1"]
    assert publisher.delivered("acme") == []
    for task in tasks:
        task.cancel()


async def test_order_is_kept_across_deliveries() -> None:
    producer = FakeProducer()
    publisher = Publisher(producer.send, max_pending=2)
    tasks = await _running(publisher)
    loop = asyncio.get_running_loop()
    slow: asyncio.Future[Any] = loop.create_future()
    await publisher.put(Delivery([("a", b"k", b"1")], after=slow))
    await publisher.put(Delivery([("a", b"k", b"2")]))
    loop.call_later(0.02, slow.set_result, None)
    assert await publisher.drain(1.0)
    assert [v for _, v in producer.sent] == [b"1", b"2"]
    for task in tasks:
        task.cancel()


async def test_a_refused_record_stops_the_pipeline_and_reports() -> None:
    producer = FakeProducer()
    producer.fail_next = True
    errors: list[BaseException] = []

    async def on_error(exc: BaseException) -> None:
        errors.append(exc)

    publisher = Publisher(producer.send, on_error=on_error)
    tasks = await _running(publisher)
    acked: list[int] = []

    async def ack() -> None:
        acked.append(1)

    await publisher.put(Delivery([("a", b"k", b"1")], done=ack))
    await asyncio.sleep(0.05)
    assert errors
    assert "broker said no" in str(errors[0])
    assert acked == []  # never acked: the message is processed again after a restart
    with pytest.raises(RuntimeError, match="stopped"):
        await publisher.put(Delivery([]))
    for task in tasks:
        task.cancel()
