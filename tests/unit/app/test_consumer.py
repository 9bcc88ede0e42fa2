"""The worker's consumer fetches only the partitions active when a fetch starts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from streams.app.consumer import app_class, fetch_partitions


def test_a_fetch_takes_a_snapshot_and_nothing_means_nothing() -> None:
    live = {"ticket-created/0", "agent-status/0"}
    snapshot = fetch_partitions(live)
    live.clear()  # the worker pauses everything while the fetch waits
    assert snapshot == {"ticket-created/0", "agent-status/0"}
    # aiokafka reads an empty partition set as "every partition": never pass it one
    assert fetch_partitions(set()) == frozenset()
    # a client-only app passes None: every assigned partition, as in Faust
    assert fetch_partitions(None) is None


class _Fetcher:
    def __init__(self) -> None:
        self._closed = False
        self.asked: list[Any] = []

        @contextlib.contextmanager
        def fetch_context() -> Iterator[None]:
            yield

        self._subscriptions = SimpleNamespace(fetch_context=fetch_context)

    async def fetched_records(
        self,
        partitions: Any,
        timeout: float | None = None,  # noqa: ASYNC109 - aiokafka's signature
        max_records: int | None = None,
    ) -> dict[str, list[int]]:
        del timeout, max_records
        self.asked.append(partitions)
        if partitions is None:  # aiokafka: every assigned partition
            return {"any": [1]}
        return {tp: [1] for tp in partitions}


def _thread() -> tuple[Any, Any]:
    """The worker's consumer thread class, bare (no event loop, no broker)."""
    app = app_class()("consumer-test", broker="kafka://127.0.0.1:1", autodiscover=False)
    consumer_class = app.transport.Consumer
    assert consumer_class.__name__ == "SafeConsumer"
    thread_class = consumer_class.Thread
    thread = thread_class.__new__(thread_class)
    thread.consumer = SimpleNamespace(flow_active=True)
    return thread, SimpleNamespace(_closed=False, _fetcher=_Fetcher())


async def test_the_consumer_thread_fetches_the_snapshot() -> None:
    thread, client = _thread()
    live = {"ticket-created/1"}
    records = await thread._fetch_records(client, live, timeout=0.1, max_records=10)
    assert records == {"ticket-created/1": [1]}
    assert client._fetcher.asked == [frozenset({"ticket-created/1"})]


async def test_no_active_partition_fetches_nothing() -> None:
    thread, client = _thread()
    assert await thread._fetch_records(client, set(), timeout=0.1, max_records=10) == {}
    assert client._fetcher.asked == []  # aiokafka was not asked for "every partition"


async def test_a_client_only_fetch_still_reads_every_partition() -> None:
    thread, client = _thread()
    assert await thread._fetch_records(client, None, timeout=0.1) == {"any": [1]}
    assert client._fetcher.asked == [None]
