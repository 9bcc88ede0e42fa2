"""Create, inspect and delete the catalogue's topics on a broker (aiokafka's admin client).

:func:`ensure_topics` is idempotent: it creates the topics that are missing and reports
the ones that exist, warning when an existing topic's partition count differs from the
catalogue's (it never changes existing topics). :func:`delete_topics` removes every
topic whose name starts with a prefix: what the demo, the integration tests and the
benchmarks made for one run (a broker that keeps thousands of partitions runs out of
heap).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from streams.topics import Topic, TopicCatalogue

__all__ = ["TopicAdminError", "TopicState", "delete_topics", "describe_topics", "ensure_topics"]

_TOPIC_ALREADY_EXISTS = 36
_UNKNOWN_TOPIC = 3
_DELETE_CHUNK = 500  # topics per delete request (a long-lived dev broker may hold thousands)

Action = Literal["created", "exists", "missing"]


class TopicAdminError(Exception):
    """The broker could not be reached or refused a topic operation."""

    retriable = True


@dataclass(frozen=True, slots=True)
class TopicState:
    """One catalogue topic on the broker."""

    topic: Topic
    action: Action
    partitions: int | None
    """Partition count on the broker (None when missing)."""

    @property
    def warning(self) -> str | None:
        """Why this topic needs attention, or None."""
        if self.partitions is not None and self.partitions != self.topic.partitions:
            return (
                f"{self.topic.name} has {self.partitions} partitions, the catalogue wants "
                f"{self.topic.partitions}: all topics must share one count (co-partitioning); "
                "recreate it, or run with --partitions matching the existing topics"
            )
        return None


async def _admin(bootstrap: str, request_timeout: float) -> Any:
    from aiokafka.admin import AIOKafkaAdminClient  # type: ignore[import-untyped]

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=max(int(request_timeout * 1000), 1000)
    )
    try:
        await asyncio.wait_for(admin.start(), request_timeout)
    except Exception as exc:
        await admin.close()
        raise TopicAdminError(
            f"cannot reach Kafka at {bootstrap} ({type(exc).__name__}: {exc}); start it with "
            "'ticket-router dev up' or pass --bootstrap / TICKET_ROUTER_KAFKA_BOOTSTRAP"
        ) from exc
    return admin


async def _partition_counts(admin: Any, names: list[str], request_timeout: float) -> dict[str, int]:
    """Partition count per topic, waiting briefly for just-created topics' metadata."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + request_timeout
    while True:
        described = await asyncio.wait_for(admin.describe_topics(names), request_timeout)
        counts = {
            entry["topic"]: len(entry["partitions"])
            for entry in described
            if entry.get("error_code", 0) == 0 and entry.get("partitions")
        }
        if len(counts) == len(set(names)) or loop.time() >= deadline:
            return counts
        await asyncio.sleep(0.2)


async def describe_topics(
    bootstrap: str, catalogue: TopicCatalogue, *, request_timeout: float = 15.0
) -> list[TopicState]:
    """Which catalogue topics exist on the broker, with their partition counts."""
    admin = await _admin(bootstrap, request_timeout)
    try:
        topics = list(catalogue)
        existing = set(await asyncio.wait_for(admin.list_topics(), request_timeout))
        present = [t.name for t in topics if t.name in existing]
        counts = await _partition_counts(admin, present, request_timeout) if present else {}
    finally:
        await admin.close()
    return [
        TopicState(t, "exists" if t.name in existing else "missing", counts.get(t.name))
        for t in topics
    ]


async def ensure_topics(
    bootstrap: str, catalogue: TopicCatalogue, *, request_timeout: float = 30.0
) -> list[TopicState]:
    """Create the missing catalogue topics; report each as ``created`` or ``exists``."""
    from aiokafka.admin import NewTopic

    admin = await _admin(bootstrap, request_timeout)
    try:
        topics = list(catalogue)
        existing = set(await asyncio.wait_for(admin.list_topics(), request_timeout))
        missing = [t for t in topics if t.name not in existing]
        created: set[str] = set()
        if missing:
            response = await asyncio.wait_for(
                admin.create_topics(
                    [
                        NewTopic(
                            t.name,
                            t.partitions,
                            t.replication_factor,
                            topic_configs=t.spec.configs(),
                        )
                        for t in missing
                    ],
                    timeout_ms=int(request_timeout * 1000),
                ),
                request_timeout,
            )
            failures = []
            for name, code, *rest in response.topic_errors:
                if code == 0:
                    created.add(name)
                elif code != _TOPIC_ALREADY_EXISTS:  # created concurrently: fine
                    message = rest[0] if rest else ""
                    failures.append(f"{name}: error {code} {message}".strip())
            if failures:
                raise TopicAdminError(
                    "Kafka refused to create topics: "
                    + "; ".join(failures)
                    + " (check --replication-factor against the broker count and the ACLs)"
                )
        counts = await _partition_counts(admin, [t.name for t in topics], request_timeout)
    finally:
        await admin.close()
    return [
        TopicState(t, "created" if t.name in created else "exists", counts.get(t.name))
        for t in topics
    ]


async def delete_topics(
    bootstrap: str, prefixes: list[str], *, dry_run: bool = False, request_timeout: float = 30.0
) -> list[str]:
    """Delete every topic whose name starts with one of ``prefixes``; return the names.

    A prefix must not be empty nor start with ``_`` (Kafka's own topics), so a slip
    cannot delete everything. ``dry_run`` only returns what would be deleted.
    """
    for prefix in prefixes:
        if not prefix or prefix.startswith("_"):
            raise ValueError(
                f"refusing to delete by prefix {prefix!r}: give a non-empty prefix that does "
                "not start with '_' (Kafka's internal topics)"
            )
    admin = await _admin(bootstrap, request_timeout)
    try:
        existing = await asyncio.wait_for(admin.list_topics(), request_timeout)
        names = sorted(t for t in existing if t.startswith(tuple(prefixes)))
        failures: list[str] = []
        chunks = [] if dry_run else range(0, len(names), _DELETE_CHUNK)
        for start in chunks:
            response = await asyncio.wait_for(
                admin.delete_topics(
                    names[start : start + _DELETE_CHUNK], timeout_ms=int(request_timeout * 1000)
                ),
                request_timeout,
            )
            failures += [
                f"{name}: error {code}"
                for name, code, *_ in response.topic_error_codes
                if code not in (0, _UNKNOWN_TOPIC)  # already gone: fine
            ]
        if failures:
            raise TopicAdminError("Kafka refused to delete topics: " + "; ".join(failures[:10]))
    finally:
        await admin.close()
    return names
