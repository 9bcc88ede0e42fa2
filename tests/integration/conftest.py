"""Fixtures for integration tests against a real Kafka 4.x broker and Redis.

Session fixtures:

- ``kafka_bootstrap`` -> ``"127.0.0.1:19092"``: TICKET_ROUTER_KAFKA_BOOTSTRAP when set
  (checked with a metadata round-trip), otherwise the broker started by
  ``deploy/local/kafka.sh up``.
- ``redis_server`` -> :class:`RedisServer` with ``.url``, ``.stop()`` and ``.start()`` to
  simulate an outage; after each test it is started again if a test left it stopped.
- ``redis_url`` -> ``"redis://127.0.0.1:16379/0"`` (TICKET_ROUTER_REDIS_URL when set).

Function fixture ``topic_prefix`` -> a unique ``"t-<8 hex>."`` per test; after a test
that used Kafka, every topic starting with it is deleted (Faust's too: the tests' app
ids start with the prefix), so repeated runs do not pile partitions up on a local broker.

The infrastructure is never skipped: when it cannot start, the test fails with the
script's error message. Servers started here are stopped at the end of the session,
unless they ran before the session or another live test session still uses them.
Every test under tests/integration is marked ``integration``.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.infra.admin import wait_for_kafka
from streams.infra.endpoints import LocalEndpoints
from streams.infra.errors import InfraError
from streams.infra.scripts import run_script, service_status
from tests.integration.cleanup import delete_test_topics

_HERE = Path(__file__).resolve().parent
_STARTED_MARK = "started-by-tests"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test collected under tests/integration as ``integration``."""
    for item in items:
        if _HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.integration)


class _Lease:
    """Shared use of a local service by concurrent test sessions (one file per session).

    The last session out stops the service, and only when a test session started it.
    """

    def __init__(self, service: str, endpoints: LocalEndpoints) -> None:
        self.service = service
        self.dir = endpoints.state_dir / "leases" / service
        self.mine = self.dir / f"session-{os.getpid()}"

    def _others_alive(self) -> bool:
        alive = False
        for lease in self.dir.glob("session-*"):
            if lease == self.mine:
                continue
            pid = int(lease.name.removeprefix("session-") or 0)
            try:
                os.kill(pid, 0)
                alive = True
            except ProcessLookupError:
                lease.unlink(missing_ok=True)
            except PermissionError:
                alive = True
        return alive

    def acquire(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.mine.touch()

    def mark_started_here(self) -> None:
        (self.dir / _STARTED_MARK).touch()

    def release(self) -> bool:
        """Drop this session's lease; True when the service should now be stopped."""
        self.mine.unlink(missing_ok=True)
        started = self.dir / _STARTED_MARK
        if started.exists() and not self._others_alive():
            started.unlink(missing_ok=True)
            return True
        return False


def _start(service: str, lease: _Lease) -> None:
    """Start ``service`` through its script, failing the test with the script's error."""
    lease.acquire()
    try:
        if not service_status(service).running:
            run_script(service, "up")
            lease.mark_started_here()
    except InfraError as exc:
        lease.release()
        pytest.fail(
            f"local {service} could not be started for the integration tests "
            f"(integration tests never skip):\n{exc}",
            pytrace=False,
        )


def _stop_if_last(service: str, lease: _Lease) -> None:
    if lease.release():
        run_script(service, "down", check=False)


@pytest.fixture(scope="session")
def local_endpoints() -> LocalEndpoints:
    """Ports and state dir of the project's local services (from TICKET_ROUTER_* env)."""
    return LocalEndpoints.from_env(os.environ)


@pytest.fixture(scope="session")
def kafka_bootstrap(local_endpoints: LocalEndpoints) -> Iterator[str]:
    """``host:port`` of a Kafka broker that answered a metadata request."""
    external = os.environ.get("TICKET_ROUTER_KAFKA_BOOTSTRAP", "").strip()
    if external:
        try:
            asyncio.run(wait_for_kafka(external, 60.0))
        except InfraError as exc:
            pytest.fail(f"TICKET_ROUTER_KAFKA_BOOTSTRAP={external}: {exc}", pytrace=False)
        yield external
        return
    lease = _Lease("kafka", local_endpoints)
    _start("kafka", lease)
    yield local_endpoints.kafka_bootstrap
    _stop_if_last("kafka", lease)


class RedisServer:
    """The project's local Redis, with stop/start to simulate an outage and recovery."""

    def __init__(self, url: str, *, managed: bool) -> None:
        self.url = url
        self.managed = managed
        self.stopped = False

    def _require_managed(self, action: str) -> None:
        if not self.managed:
            pytest.fail(
                f"redis_server.{action}() controls the local Redis of deploy/local/redis.sh; "
                "it cannot stop an external TICKET_ROUTER_REDIS_URL. Unset that variable to "
                "run outage tests.",
                pytrace=False,
            )

    def stop(self) -> None:
        """Stop Redis (clients then see connection errors) until :meth:`start`."""
        self._require_managed("stop")
        run_script("redis", "down")
        self.stopped = True

    def start(self) -> None:
        """Start Redis again after :meth:`stop` and wait for PING (data is gone: no persistence)."""
        self._require_managed("start")
        run_script("redis", "up")
        self.stopped = False


_redis_servers: list[RedisServer] = []


@pytest.fixture(scope="session")
def redis_server(local_endpoints: LocalEndpoints) -> Iterator[RedisServer]:
    """The running Redis the integration tests use (see :class:`RedisServer`)."""
    external = os.environ.get("TICKET_ROUTER_REDIS_URL", "").strip()
    if external:
        yield RedisServer(external, managed=False)
        return
    lease = _Lease("redis", local_endpoints)
    _start("redis", lease)
    server = RedisServer(local_endpoints.redis_url, managed=True)
    _redis_servers.append(server)
    yield server
    _redis_servers.remove(server)
    _stop_if_last("redis", lease)


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer) -> str:
    """``redis://`` URL of a Redis that answers PING."""
    return redis_server.url


@pytest.fixture(autouse=True)
def _restart_redis_after_outage() -> Iterator[None]:
    """A test that stopped Redis and failed before start() must not break the next ones."""
    yield
    for server in _redis_servers:
        if server.stopped:
            server.start()


@pytest.fixture
def topic_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    """A unique topic-name prefix for one test, e.g. ``"t-1a2b3c4d."``; its topics are
    deleted after the test."""
    prefix = f"t-{uuid.uuid4().hex[:8]}."
    yield prefix
    if "kafka_bootstrap" in request.fixturenames:
        delete_test_topics(request.getfixturevalue("kafka_bootstrap"), prefix)
