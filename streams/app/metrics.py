"""Every Prometheus metric of the worker, declared in one place with its meaning.

:class:`RouterMetrics` builds them on a :class:`CollectorRegistry` the app owns (passed
in, never the global one), so tests and several apps in one process do not clash.
:func:`serve_metrics` serves that registry on ``host:port`` (127.0.0.1 by default).
Faust's own sensor (:func:`attach_faust_sensor`) reports into the same registry.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "METRIC_HELP",
    "ConnectorMetrics",
    "RouterMetrics",
    "attach_faust_sensor",
    "serve_metrics",
]

NAMESPACE = "ticket_router"

_LATENCY_BUCKETS = (1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.05, 0.1)
_WAIT_BUCKETS = (0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400)
_DELAY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
_CONF_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)

METRIC_HELP: dict[str, str] = {
    "events_in_total": "Input events processed, by event type.",
    "events_ignored_total": "Events the core ignored (duplicate, stale, tombstoned), by reason.",
    "assignments_total": "Tickets assigned, by policy and relaxation step.",
    "router_events_total": "Router audit events (queued, relaxed, escalated, ...), by kind.",
    "decision_latency_seconds": "Time the decision core took per event, by event type.",
    "time_to_assign_seconds": "Time from ticket arrival to assignment, by priority.",
    "queue_depth": "Open tickets assigned to an agent, by tenant and agent.",
    "queue_depth_stddev": "Standard deviation of queue depth over a tenant's agents.",
    "utilisation": "Open tickets / capacity over a tenant's online agents.",
    "pending_tickets": "Tickets waiting in a tenant's central queue, by priority.",
    "sla_breaches_total": "SLA warnings and breaches raised, by tenant.",
    "reassignments_total": "Tickets moved to another agent (rerouted or by a human).",
    "dead_letters_total": "Messages sent to the dead-letter topic, by source topic.",
    "triage_confidence": "Confidence of the triage classifier per ticket.",
    "triage_batch_size": "Tickets per triage batch.",
    "redis_view_errors_total": "Failed writes to the Redis live view (view marked dirty).",
    "redis_view_resyncs_total": "Full re-syncs of the Redis live view from the books.",
    "tenants_active": "Tenants with books on this worker.",
    "ticks_sent_total": "Router ticks produced by this worker's timer.",
    "connector_events_total": (
        "Assignments a helpdesk connector handled, by target and outcome "
        "(applied, duplicate, dead_letter)."
    ),
    "connector_retries_total": "Failed helpdesk requests a connector retried, by target.",
    "connector_delay_seconds": (
        "Time from the router's assignment to the helpdesk accepting it, by target."
    ),
}


class RouterMetrics:
    """The worker's metrics (names in :data:`METRIC_HELP`, prefixed ``ticket_router_``)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        h = METRIC_HELP

        def c(name: str, labels: tuple[str, ...] = ()) -> Counter:
            return Counter(name, h[name], labels, namespace=NAMESPACE, registry=registry)

        def g(name: str, labels: tuple[str, ...] = ()) -> Gauge:
            return Gauge(name, h[name], labels, namespace=NAMESPACE, registry=registry)

        def hist(name: str, labels: tuple[str, ...], buckets: tuple[float, ...]) -> Histogram:
            return Histogram(
                name, h[name], labels, namespace=NAMESPACE, registry=registry, buckets=buckets
            )

        self.events_in = c("events_in_total", ("type",))
        self.events_ignored = c("events_ignored_total", ("reason",))
        self.assignments = c("assignments_total", ("policy", "step"))
        self.router_events = c("router_events_total", ("kind",))
        self.decision_latency = hist("decision_latency_seconds", ("type",), _LATENCY_BUCKETS)
        self.time_to_assign = hist("time_to_assign_seconds", ("priority",), _WAIT_BUCKETS)
        self.queue_depth = g("queue_depth", ("tenant", "agent"))
        self.queue_depth_stddev = g("queue_depth_stddev", ("tenant",))
        self.utilisation = g("utilisation", ("tenant",))
        self.pending = g("pending_tickets", ("tenant", "priority"))
        self.sla_breaches = c("sla_breaches_total", ("tenant",))
        self.reassignments = c("reassignments_total", ("tenant",))
        self.dead_letters = c("dead_letters_total", ("topic",))
        self.triage_confidence = hist("triage_confidence", (), _CONF_BUCKETS)
        self.triage_batch = hist("triage_batch_size", (), (1, 2, 4, 8, 16, 32, 64, 128, 256))
        self.redis_errors = c("redis_view_errors_total")
        self.redis_resyncs = c("redis_view_resyncs_total")
        self.tenants_active = g("tenants_active")
        self.ticks_sent = c("ticks_sent_total")

    def observe_loads(
        self,
        tenant: str,
        depths: dict[str, int],
        capacities: dict[str, int],
        pending_by_priority: dict[int, int],
    ) -> None:
        """Set the per-tenant gauges from one snapshot of a tenant's books."""
        for agent, depth in depths.items():
            self.queue_depth.labels(tenant, agent).set(depth)
        values = list(depths.values())
        if values:
            mean = sum(values) / len(values)
            var = sum((v - mean) ** 2 for v in values) / len(values)
            self.queue_depth_stddev.labels(tenant).set(var**0.5)
        cap = sum(capacities.values())
        used = sum(depths.get(a, 0) for a in capacities)
        self.utilisation.labels(tenant).set(used / cap if cap else 0.0)
        for prio in (1, 2, 3, 4):
            self.pending.labels(tenant, f"p{prio}").set(pending_by_priority.get(prio, 0))


class ConnectorMetrics:
    """A helpdesk connector's metrics (``ticket-router connect --metrics-port``)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        options: dict[str, Any] = {"namespace": NAMESPACE, "registry": registry}

        def named(name: str) -> tuple[str, str]:
            return name, METRIC_HELP[name]

        self.events = Counter(*named("connector_events_total"), ("target", "outcome"), **options)
        self.retries = Counter(*named("connector_retries_total"), ("target",), **options)
        self.delay = Histogram(
            *named("connector_delay_seconds"), ("target",), buckets=_DELAY_BUCKETS, **options
        )


def serve_metrics(registry: CollectorRegistry, host: str, port: int) -> Any:
    """Serve ``registry`` on ``http://host:port/metrics`` (a daemon thread); the server."""
    from prometheus_client import start_http_server

    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server


def attach_faust_sensor(app: Any, registry: CollectorRegistry) -> None:
    """Faust's Prometheus monitor on ``registry`` (no web page: we serve it ourselves)."""
    from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor

    prefix = str(app.conf.id).replace("-", "_").replace(".", "_")
    app.monitor = PrometheusMonitor(metrics=FaustMetrics.create(registry, f"faust_{prefix}"))
