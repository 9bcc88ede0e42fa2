"""Readiness check: timeouts, a dead broker process, and the ApiVersions decoding."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from streams.infra.admin import ProcessExitedError, broker_api_versions, main, wait_for_kafka
from streams.infra.errors import KafkaNotReadyError
from streams.infra.ports import find_free_port


async def test_wait_times_out_with_the_last_error() -> None:
    bootstrap = f"127.0.0.1:{find_free_port()}"
    started = time.monotonic()
    with pytest.raises(KafkaNotReadyError, match=r"did not answer .* within 1s") as info:
        await wait_for_kafka(bootstrap, 1.0, interval=0.1)
    assert time.monotonic() - started < 10
    assert info.value.retriable


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process that has already exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


async def test_wait_stops_as_soon_as_the_process_exits(dead_pid: int) -> None:
    started = time.monotonic()
    with pytest.raises(ProcessExitedError) as info:
        await wait_for_kafka(f"127.0.0.1:{find_free_port()}", 60.0, pid=dead_pid)
    assert time.monotonic() - started < 5
    assert not info.value.retriable


def test_cli_exit_status_for_a_dead_process(dead_pid: int) -> None:
    port = find_free_port()
    argv = ["wait", "--bootstrap", f"127.0.0.1:{port}", "--timeout", "30", "--pid", str(dead_pid)]
    assert main(argv) == 3
    assert main(["check", "--bootstrap", f"127.0.0.1:{port}", "--timeout", "1"]) == 1


@pytest.fixture
def fake_broker() -> Iterator[tuple[int, list[bytes]]]:
    """Answers one ApiVersions v0 request with three API ranges; records the request."""
    requests: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            size = struct.unpack(">i", conn.recv(4))[0]
            request = conn.recv(size)
            requests.append(request)
            correlation = struct.unpack_from(">i", request, 4)[0]
            apis = [(0, 3, 13), (1, 4, 18), (18, 0, 4)]
            body = struct.pack(">ihi", correlation, 0, len(apis))
            body += b"".join(struct.pack(">hhh", *api) for api in apis)
            conn.sendall(struct.pack(">i", len(body)) + body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], requests
    thread.join(5)
    server.close()


def test_api_versions_request_and_decoding(fake_broker: tuple[int, list[bytes]]) -> None:
    port, requests = fake_broker
    versions = broker_api_versions("127.0.0.1", port)
    assert versions == {0: (3, 13), 1: (4, 18), 18: (0, 4)}
    api_key, api_version = struct.unpack_from(">hh", requests[0], 0)
    assert (api_key, api_version) == (18, 0)
    assert requests[0].endswith(b"ticket-router")
