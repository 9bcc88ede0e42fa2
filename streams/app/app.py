"""``build_app(settings)``: the Faust application of the streaming router.

Topology (every topic keyed by tenant, one partition count)::

    ticket-created --batches--> [triage] --> ticket-triaged --+
    agent-status, ticket-closed, ticket-updated, router-ticks --+--> [route] --> ticket-assigned
                                                                     |  ^       router-events
                                        table "books" (RocksDB) <----+  |       dead-letter
                                        timers: ticks -> router-ticks --+
                                                Redis view flush, gauges

- **triage** (:mod:`.processors.triage`): batches, triage in a thread, no table writes.
- **route** (:mod:`.processors.routing`): concurrency 1, the only writer of ``books``;
  outputs leave through the :class:`~streams.app.outbox.Publisher` once the state that
  made them is durable, then the source message is acked.
- **tick timer**: produces ``RouterTick`` per tenant into ``router-ticks`` (timers never
  write tables; time-based work runs in the partition, in order).
- **view timer**: writes dirty tenants to Redis and sets the load gauges.
- Metrics on a registry the app owns, served on ``metrics_host:metrics_port``.

Nothing happens at import time; :func:`build_app` returns a :class:`RouterApp` whose
:meth:`RouterApp.run` starts a Faust worker (blocking until SIGTERM/SIGINT).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from streams.app.consumer import app_class
from streams.app.groups import GroupBooks, GroupConfigs, view_of
from streams.app.metrics import RouterMetrics, attach_faust_sensor, serve_metrics
from streams.app.outbox import Publisher
from streams.app.processors import routing as routing_processor
from streams.app.processors import triage as triage_processor
from streams.app.recovery import table_manager_class
from streams.app.redis_view import RedisView, TenantView
from streams.app.settings import Settings
from streams.app.state import LocalState
from streams.app.tables import tenants_in
from streams.app.ticks import TickSource, tick_record

__all__ = ["RouterApp", "build_app", "build_triage", "freeze_startup_heap"]

log = logging.getLogger(__name__)

TABLE_NAME = "books"


@dataclass
class RouterApp:
    """The Faust app and the parts tests and the CLI reach into."""

    settings: Settings
    faust: Any
    metrics: RouterMetrics
    registry: CollectorRegistry
    books: GroupBooks
    publisher: Publisher
    ticks: TickSource
    view: RedisView | None
    table: Any
    topics: dict[str, Any]
    local_state: LocalState
    executor: ThreadPoolExecutor
    extras: dict[str, Any] = field(default_factory=dict)

    def run(self) -> int:
        """Run a Faust worker until stopped; the exit code."""
        from faust import Worker

        wiped = self.local_state.open()
        if wiped:
            log.info("local tables removed after an unclean stop; recovering from changelogs")
        if self.settings.metrics_port:
            serve_metrics(self.registry, self.settings.metrics_host, self.settings.metrics_port)
            log.info("metrics on %s", self.settings.metrics_url())
        frozen = freeze_startup_heap()
        log.info("startup heap frozen (%d objects out of the collector's full passes)", frozen)
        worker = Worker(
            self.faust,
            loglevel=self.settings.log_level.upper(),
            redirect_stdouts=False,
            override_logging=False,
        )
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = 0
        finally:
            self.executor.shutdown(wait=False, cancel_futures=True)
        if code == 0 and not self.faust.crashed and self.publisher.failed is None:
            self.local_state.close()
        return code


def freeze_startup_heap() -> int:
    """Collect once, then keep everything allocated so far out of later collections.

    The worker starts with a large, long-lived heap (the sentence-transformers model, the
    fitted classifier, Faust, pydantic); each full collection of Python's cycle collector
    walked all of it and stopped the event loop for ~0.3 s on the development machine,
    which showed as the latency tail of ticket-created -> ticket-assigned. ``gc.freeze``
    moves those objects to a permanent generation, so a full collection walks only what
    was allocated since. Called once, before the worker serves. Frozen objects are still
    freed by reference counting when dropped (a classifier replaced by a refit); only
    reference cycles among them are never collected.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def build_triage(settings: Settings) -> Any:
    """The ``TriageService`` the settings ask for (MiniLM, or the hashing embedder)."""
    from streams.triage.catalogue import load_catalogue
    from streams.triage.service import TriageService, TriageSettings

    triage_settings = TriageSettings(
        catalogue_path=settings.triage_catalogue,
        model_path=settings.triage_model_path,
        device=settings.triage_device,
        backend=settings.triage_backend,
        max_seq_length=settings.triage_max_seq_length,
        threshold=settings.triage_threshold,
    )
    if settings.triage_embedder == "hashing":
        from router.triage import HashingEmbedder

        path = Path(settings.triage_catalogue) if settings.triage_catalogue else None
        return TriageService(HashingEmbedder(), triage_settings, catalogue=load_catalogue(path))
    return TriageService.from_settings(triage_settings)


def _encoder_backend(service: Any) -> str | None:
    """The backend the triage service's encoder runs (``None`` when it has none)."""
    return getattr(getattr(service, "embedder", None), "backend", None)


def _books_table_class() -> type:
    import faust

    class BooksTable(faust.Table):  # type: ignore[misc]
        """A Faust table that remembers the future of its latest changelog write."""

        last_sent: Any = None

        def send_changelog(self, *args: Any, **kwargs: Any) -> Any:
            future = super().send_changelog(*args, **kwargs)
            self.last_sent = future
            return future

    return BooksTable


def build_app(
    settings: Settings,
    *,
    core: Any = None,
    triage: Any = None,
    redis_client: Any = None,
    clock: Callable[[], float] = time.time,
) -> RouterApp:
    """The router's Faust app for ``settings`` (see the module docstring).

    ``core`` replaces the :mod:`router` decision core and ``triage`` the triage service
    (tests); ``redis_client`` an ``redis.asyncio`` client; ``clock`` the timers' clock.
    """
    import faust

    configs = GroupConfigs(settings.group_configs(), core)
    configs.check()
    registry = CollectorRegistry(auto_describe=True)
    metrics = RouterMetrics(registry)
    catalogue = settings.catalogue()
    data_dir = Path(settings.data_dir).resolve()
    app = app_class()(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        store="rocksdb://",
        datadir=str(data_dir),
        autodiscover=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        topic_allow_declare=True,
        consumer_auto_offset_reset=settings.consumer_auto_offset_reset,
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=max(0.5, settings.session_timeout_s / 10),
        broker_commit_interval=settings.broker_commit_interval_s,
        table_standby_replicas=settings.table_standby_replicas,
        web_enabled=settings.web_enabled,
        web_port=settings.web_port,
        producer_acks=-1,
        producer_linger=settings.producer_linger_ms / 1000.0,
        stream_recovery_delay=0.0,
        logging_config=None,
        TableManager=table_manager_class(),
    )
    if settings.faust_metrics:
        attach_faust_sensor(app, registry)
    topics = {
        topic.spec.base_name: app.topic(
            topic.name,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.topic_partitions,
            internal=False,
        )
        for topic in catalogue
    }
    table_class = _books_table_class()
    table = app.tables.add(
        table_class(
            app,
            name=TABLE_NAME,
            beacon=app.tables.beacon,
            default=None,
            partitions=settings.topic_partitions,
            schema=faust.Schema(key_serializer="json", value_serializer="json"),
            options={"driver": "rocksdict"},
            help="Routing books per tenant: agents, assignments, pending, velocity, outbox.",
        )
    )

    async def send(base: str, key: bytes, value: bytes) -> Any:
        return await app.producer.send(topics[base].get_topic_name(), key, value, None, None, None)

    async def crash(exc: BaseException) -> None:
        await app.crash(exc)

    publisher = Publisher(send, max_pending=settings.publisher_max_pending, on_error=crash)

    def table_items() -> Any:
        return ((str(k), v) for k, v in table.items())

    books = GroupBooks(configs, table_items, core)
    ticks = TickSource()

    view: RedisView | None = None
    if settings.redis_enabled:
        if redis_client is None:
            import redis.asyncio as redis_asyncio

            redis_client = redis_asyncio.from_url(
                settings.redis_url,
                socket_timeout=1.0,
                socket_connect_timeout=1.0,
                health_check_interval=0,
            )
        view = RedisView(
            redis_client,
            settings.redis_prefix,
            on_error=metrics.redis_errors.inc,
            on_resync=metrics.redis_resyncs.inc,
        )

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")
    service = triage if triage is not None else build_triage(settings)

    def learn_closed(event: Any) -> None:
        learn = getattr(service, "learn_closed", None)
        if learn is None:
            return
        executor.submit(
            learn,
            event.ticket_id,
            event.occurred_at.timestamp(),
            final_category=event.final_category,
            resolved_by=event.resolved_by,
        )

    def learn_reassigned(ticket_id: str, at: float, category: str) -> None:
        learn = getattr(service, "learn_reassigned", None)
        if learn is not None:
            executor.submit(learn, ticket_id, at, original_category=category)

    routing_stage = routing_processor.RoutingStage(
        books,
        metrics,
        view,
        delivered=publisher.delivered,
        on_closed=learn_closed,
        on_miscategorised=learn_reassigned,
        core=core,
    )
    triage_stage = triage_processor.TriageStage(service.triage_batch, metrics)

    routing_processor.register(app, routing_stage, topics, table, publisher)
    triage_processor.register(
        app,
        triage_stage,
        topics,
        send,
        batch_size=settings.triage_batch(_encoder_backend(service)),
        batch_timeout_s=settings.triage_batch_timeout_s,
        executor=executor,
    )

    @app.task
    async def _publisher_sender() -> None:
        await publisher.run_sender()

    @app.task
    async def _publisher_acker() -> None:
        await publisher.run_acker()

    @app.on_partitions_revoked.connect
    async def _revoked(sender: Any, revoked: Any, **kwargs: Any) -> None:
        del sender, kwargs
        log.info("partitions revoked (%d); books are rebuilt from the table", len(revoked))
        books.clear()
        publisher.forget()
        ticks.rebalanced()
        if view is not None:
            view.resync()

    @app.timer(settings.tick_interval_s)
    async def _tick() -> None:
        if ticks.needs_scan and not (app.rebalancing or app.in_recovery):
            try:
                ticks.add(tenants_in(str(k) for k in table))
                ticks.needs_scan = False
            except Exception as exc:  # tables not ready (recovery): try next time
                log.debug("tick scan deferred: %s", exc)
        now = clock()
        tenants = ticks.tenants(books.tenants())
        for tenant in tenants:
            key, value = tick_record(tenant, now)
            await send("router-ticks", key, value)
        metrics.ticks_sent.inc(len(tenants))

    @app.timer(settings.redis_flush_interval_s)
    async def _flush_view() -> None:
        tenants = books.tenants()
        metrics.tenants_active.set(len(tenants))
        for tenant in books.take_restored():
            if view is not None:
                view.mark(tenant)
        now = clock()
        snapshots: dict[str, TenantView] = {}
        for tenant in tenants:
            group = books.peek(tenant)
            if group is None:
                continue
            snap = snapshots[tenant] = view_of(group, now)
            metrics.observe_loads(
                tenant,
                {a.agent_id: a.depth for a in snap.agents},
                {a.agent_id: a.capacity for a in snap.agents if a.status == "online"},
                snap.pending_counts(),
            )
        if view is not None:
            await view.flush(list(snapshots), snapshots.get)

    return RouterApp(
        settings=settings,
        faust=app,
        metrics=metrics,
        registry=registry,
        books=books,
        publisher=publisher,
        ticks=ticks,
        view=view,
        table=table,
        topics=topics,
        local_state=LocalState(data_dir, Path(app.conf.tabledir)),
        executor=executor,
        extras={"triage": service, "routing_stage": routing_stage, "triage_stage": triage_stage},
    )
