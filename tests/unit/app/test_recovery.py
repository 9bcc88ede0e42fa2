"""The worker's recovery seeks stream partitions before it resumes them."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

from streams.app.recovery import table_manager_class


class _Consumer:
    def __init__(self, assignment: set[str]) -> None:
        self._assignment = assignment
        self.calls: list[tuple[str, Any]] = []

    def assignment(self) -> set[str]:
        return self._assignment

    async def perform_seek(self) -> None:
        await asyncio.sleep(0)  # the real one waits for the consumer thread
        self.calls.append(("seek", None))

    def resume_partitions(self, tps: set[str]) -> None:
        self.calls.append(("resume", set(tps)))


def _recovery(consumer: _Consumer, generation: int) -> Any:
    async def wait(coro: Any, **_: Any) -> Any:
        return await coro

    return SimpleNamespace(
        app=SimpleNamespace(
            consumer=consumer,
            consumer_generation_id=generation,
            conf=SimpleNamespace(broker_request_timeout=5.0),
        ),
        _wait=wait,
        _is_changelog_tp=lambda tp: tp.endswith("-changelog"),
        log=logging.getLogger("test.recovery"),
    )


async def test_stream_partitions_are_sought_while_paused_then_resumed() -> None:
    seek_then_resume = table_manager_class().Recovery._seek_then_resume
    consumer = _Consumer({"ticket-created", "agent-status", "books-changelog"})
    assert await seek_then_resume(_recovery(consumer, 3), 3)
    # nothing of a stream partition can be in flight while the read offsets are reset
    assert consumer.calls == [("seek", None), ("resume", {"ticket-created", "agent-status"})]


async def test_a_stale_generation_neither_seeks_nor_resumes() -> None:
    seek_then_resume = table_manager_class().Recovery._seek_then_resume
    consumer = _Consumer({"ticket-created"})
    assert not await seek_then_resume(_recovery(consumer, 4), 3)
    assert consumer.calls == []


def test_the_worker_app_uses_this_recovery() -> None:
    import faust

    manager = table_manager_class()
    app = faust.App("recovery-test", broker="kafka://127.0.0.1:1", TableManager=manager)
    assert isinstance(app.tables, manager)
    assert isinstance(app.tables.recovery, manager.Recovery)


def test_build_app_uses_this_recovery(tmp_path: Any, service: Any) -> None:
    from streams.app.app import build_app
    from streams.app.settings import Settings

    settings = Settings(
        app_id="recovery-build-test", data_dir=tmp_path, redis_enabled=False, metrics_port=0
    )
    router = build_app(settings, triage=service)
    try:
        assert type(router.faust.tables.recovery).__name__ == "SeekFirstRecovery"
    finally:
        router.executor.shutdown(wait=False)
