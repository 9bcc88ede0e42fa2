"""Faust's table recovery with the stream partitions sought *before* they resume.

After a partition assignment faust-streaming (0.15) rebuilds the tables from their
changelogs and then hands the stream partitions back to the agents. It does that in
this order: resume the stream partitions (the fetcher starts delivering their records),
*then* seek them to their committed offsets. Records fetched between the two are still
being delivered when the seek resets the read offsets; the next one lands far above the
reset offset and Faust records everything in between as a "gap" - offsets it treats as
acknowledged although their records were delivered a moment ago and are still being
processed. The next commit then covers them, and a worker killed at that moment loses
them for good (the crash test lost runs of ``ticket-created`` records about one run in
five). faust-streaming fixed the same race once for apps without tables by seeking
first (faust-streaming pull request 217); this module applies that order to both
places that resume streams: seek while the partitions are still paused (nothing of
theirs is in flight), then resume.

:func:`table_manager_class` is Faust's ``TableManager`` with that recovery, passed to
``faust.App(TableManager=...)``; Faust is imported lazily.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["table_manager_class"]


def table_manager_class() -> type:
    """Faust's ``TableManager`` whose recovery seeks stream partitions before resuming."""
    from faust.tables import TableManager
    from faust.tables.recovery import Recovery

    class SeekFirstRecovery(Recovery):  # type: ignore[misc]
        """Faust's recovery; the two resume paths seek before they resume."""

        async def _seek_then_resume(self, generation_id: int) -> bool:
            """Seek the assigned stream partitions, then resume them; False if stale."""
            consumer = self.app.consumer
            assignment = consumer.assignment()
            if self.app.consumer_generation_id != generation_id:
                self.log.warning(
                    "Recovery rebalancing again (generation %s, now %s)",
                    generation_id,
                    self.app.consumer_generation_id,
                )
                return False
            if assignment:
                self.log.info("Seek stream partitions to committed offsets.")
                await self._wait(
                    consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout
                )
                consumer.resume_partitions(
                    {tp for tp in assignment if not self._is_changelog_tp(tp)}
                )
            else:
                self.log.info("Resuming streams with empty assignment")
            return True

        async def _streams_ready(self, standbys_ready: bool) -> None:
            """Faust's own steps once the stream partitions are back, in its order, ending
            with the rebalance end and the ready log."""
            self.completed.set()
            self.app.flow_control.resume()
            self.app.consumer.resume_flow()
            await self.app._fetcher.maybe_start()
            self.tables.on_actives_ready()
            if standbys_ready:
                self.tables.on_standbys_ready()
            self.app.on_rebalance_end()
            self.log.info("Worker ready")

        async def _resume_streams(self, generation_id: int = 0) -> None:
            await self.app.on_rebalance_complete.send()
            if await self._seek_then_resume(generation_id):
                await self._streams_ready(standbys_ready=True)

        async def on_recovery_completed(self, generation_id: int = 0) -> None:
            pending = [
                asyncio.ensure_future(
                    table.on_recovery_completed(
                        self.actives_for_table[table], self.standbys_for_table[table]
                    )
                )
                for table in self.tables.values()
            ]
            if pending:
                await asyncio.wait(pending)
            if await self._seek_then_resume(generation_id):
                await self._streams_ready(standbys_ready=not self.app.assignor.assigned_standbys())

    class SeekFirstTableManager(TableManager):  # type: ignore[misc]
        """Faust's table manager with :class:`SeekFirstRecovery`."""

        Recovery = SeekFirstRecovery

        @property
        def recovery(self) -> Any:
            if self._recovery is None:
                self._recovery = self.Recovery(self.app, self, beacon=self.beacon, loop=self.loop)
            return self._recovery

    return SeekFirstTableManager
