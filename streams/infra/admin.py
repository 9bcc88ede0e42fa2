"""Is Kafka really there? Readiness through a metadata round-trip, not an open port.

``wait_for_kafka`` polls the broker with aiokafka's admin client (describe cluster and
list topics) until it answers or the deadline passes. ``broker_api_versions`` sends a raw
ApiVersions request (stdlib socket) so callers can see what the broker speaks.

``python -m streams.infra.admin wait|check --bootstrap HOST:PORT`` is what
``deploy/local/kafka.sh`` runs; exit status 0 = ready, 1 = not answering, 3 = the
watched process (``--pid``) exited.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import struct
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from streams.infra.errors import KafkaNotReadyError

__all__ = [
    "ClusterInfo",
    "ProcessExitedError",
    "broker_api_versions",
    "describe_kafka",
    "main",
    "wait_for_kafka",
]

API_VERSIONS_KEY = 18


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """What the broker reported in one metadata round-trip."""

    cluster_id: str | None
    controller_id: int | None
    brokers: tuple[str, ...]
    topic_count: int

    def summary(self) -> str:
        """One line for status output."""
        return (
            f"cluster {self.cluster_id}, brokers {','.join(self.brokers)}, "
            f"{self.topic_count} topics"
        )


class ProcessExitedError(KafkaNotReadyError):
    """The broker process being waited for exited; waiting longer cannot help."""

    retriable = False


async def describe_kafka(bootstrap: str, *, request_timeout: float = 5.0) -> ClusterInfo:
    """One metadata round-trip (describe cluster + list topics); raises on any failure."""
    from aiokafka.admin import AIOKafkaAdminClient  # type: ignore[import-untyped]

    timeout_ms = max(int(request_timeout * 1000), 1000)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms)
    try:
        await asyncio.wait_for(admin.start(), request_timeout)
        cluster = await asyncio.wait_for(admin.describe_cluster(), request_timeout)
        topics = await asyncio.wait_for(admin.list_topics(), request_timeout)
    finally:
        await admin.close()
    brokers = tuple(f"{b['host']}:{b['port']}" for b in cluster.get("brokers", []))
    if not brokers:
        raise KafkaNotReadyError(f"{bootstrap} answered but reported no brokers yet")
    return ClusterInfo(
        cluster_id=cluster.get("cluster_id"),
        controller_id=cluster.get("controller_id"),
        brokers=brokers,
        topic_count=len(topics),
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def wait_for_kafka(
    bootstrap: str,
    timeout: float,  # noqa: ASYNC109 - the agreed signature; the deadline also bounds retries
    *,
    interval: float = 0.5,
    pid: int | None = None,
) -> ClusterInfo:
    """Poll until ``bootstrap`` answers a metadata request; return what it reported.

    Raises :class:`KafkaNotReadyError` after ``timeout`` seconds (the message holds the
    last failure), or :class:`ProcessExitedError` as soon as process ``pid`` is gone.
    """
    deadline = time.monotonic() + timeout
    last = "no attempt made"
    while True:
        if pid is not None and not _alive(pid):
            raise ProcessExitedError(f"broker process {pid} exited before {bootstrap} answered")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KafkaNotReadyError(
                f"Kafka at {bootstrap} did not answer a metadata request within {timeout:g}s "
                f"(last error: {last}); check that it runs ('deploy/local/kafka.sh status') "
                "or raise the timeout"
            )
        try:
            return await describe_kafka(bootstrap, request_timeout=min(5.0, max(remaining, 1.0)))
        except Exception as exc:  # any failure means "not ready yet"
            last = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        await asyncio.sleep(min(interval, max(deadline - time.monotonic(), 0)))


def broker_api_versions(host: str, port: int, timeout: float = 5.0) -> dict[int, tuple[int, int]]:
    """Send ApiVersions v0 and return ``{api_key: (min_version, max_version)}``.

    Kafka 4.x dropped the oldest protocol versions (KIP-896), e.g. Produce starts at v3,
    so the answer tells a 4.x broker from an older one.
    """
    client_id = b"ticket-router"
    header = struct.pack(">hhih", API_VERSIONS_KEY, 0, 1, len(client_id)) + client_id
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(header)) + header)
        size = struct.unpack(">i", _recv_exactly(sock, 4))[0]
        body = _recv_exactly(sock, size)
    _correlation, error_code, count = struct.unpack_from(">ihi", body, 0)
    if error_code != 0:
        raise KafkaNotReadyError(f"ApiVersions failed with Kafka error code {error_code}")
    versions: dict[int, tuple[int, int]] = {}
    for i in range(count):
        key, low, high = struct.unpack_from(">hhh", body, 10 + 6 * i)
        versions[key] = (low, high)
    return versions


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("broker closed the connection mid-response")
        chunks.extend(chunk)
    return bytes(chunks)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m streams.infra.admin",
        description="Check that a Kafka broker answers a metadata request.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    for name, text in (
        ("wait", "poll until the broker answers or the timeout passes"),
        ("check", "one attempt"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--bootstrap", required=True, help="HOST:PORT of the broker")
        cmd.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
        cmd.add_argument("--pid", type=int, help="stop waiting when this process exits")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry used by ``deploy/local/kafka.sh``."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # aiokafka logs every refused connection
    try:
        if args.action == "wait":
            info = asyncio.run(wait_for_kafka(args.bootstrap, args.timeout, pid=args.pid))
        else:
            info = asyncio.run(describe_kafka(args.bootstrap, request_timeout=args.timeout))
    except ProcessExitedError as exc:
        print(exc, file=sys.stderr)
        return 3
    except Exception as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(info.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
