"""deploy/local/kafka.sh and redis.sh as an operator uses them, on scratch ports and state.

These run beside the session's servers, with their own TICKET_ROUTER_STATE_DIR and free
ports, so they exercise a fresh format, ``up`` twice, ``status``, ``down`` and the usual
failures without touching the shared broker.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.infra.endpoints import repo_root
from streams.infra.ports import find_free_port, port_in_use

SCRIPTS = repo_root() / "deploy" / "local"


def _run(script: str, verb: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPTS / script), verb],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def scratch_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment with a fresh state dir and free ports; stops what the test started."""
    env = dict(os.environ)
    env.update(
        TICKET_ROUTER_STATE_DIR=str(tmp_path / "state"),
        TICKET_ROUTER_KAFKA_PORT=str(find_free_port()),
        TICKET_ROUTER_KAFKA_CONTROLLER_PORT=str(find_free_port()),
        TICKET_ROUTER_REDIS_PORT=str(find_free_port()),
    )
    yield env
    _run("kafka.sh", "down", env)
    _run("redis.sh", "down", env)


def test_kafka_up_twice_status_down(scratch_env: dict[str, str]) -> None:
    port = int(scratch_env["TICKET_ROUTER_KAFKA_PORT"])
    first = _run("kafka.sh", "up", scratch_env)
    assert first.returncode == 0, first.stderr
    assert f"ready on 127.0.0.1:{port}" in first.stdout
    second = _run("kafka.sh", "up", scratch_env)
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout
    status = _run("kafka.sh", "status", scratch_env)
    assert status.returncode == 0
    assert "running" in status.stdout
    log = Path(scratch_env["TICKET_ROUTER_STATE_DIR"]) / "logs" / "kafka.log"
    assert "Kafka version: 4." in log.read_text()
    down = _run("kafka.sh", "down", scratch_env)
    assert down.returncode == 0
    assert not port_in_use("127.0.0.1", port)
    assert _run("kafka.sh", "status", scratch_env).returncode == 3


def test_kafka_up_refuses_a_port_held_by_another_process(scratch_env: dict[str, str]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", int(scratch_env["TICKET_ROUTER_KAFKA_PORT"])))
        holder.listen()
        result = _run("kafka.sh", "up", scratch_env)
    assert result.returncode == 1
    assert "already in use by another process" in result.stderr
    assert "TICKET_ROUTER_KAFKA_PORT=" in result.stderr


def test_kafka_up_without_java_says_how_to_get_it(
    scratch_env: dict[str, str], tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "sed", "head", "cat", "sha256sum", "cut", "env"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    scratch_env.update(PATH=str(bin_dir), JAVA_HOME="")
    result = _run("kafka.sh", "up", scratch_env)
    assert result.returncode == 1
    assert "no Java found" in result.stderr
    assert "JAVA_HOME" in result.stderr


def test_redis_up_twice_status_down(scratch_env: dict[str, str]) -> None:
    port = int(scratch_env["TICKET_ROUTER_REDIS_PORT"])
    assert _run("redis.sh", "up", scratch_env).returncode == 0
    again = _run("redis.sh", "up", scratch_env)
    assert again.returncode == 0
    assert "already running" in again.stdout
    assert _run("redis.sh", "status", scratch_env).returncode == 0
    assert (Path(scratch_env["TICKET_ROUTER_STATE_DIR"]) / "logs" / "redis.log").is_file()
    assert _run("redis.sh", "down", scratch_env).returncode == 0
    assert not port_in_use("127.0.0.1", port)
    assert _run("redis.sh", "status", scratch_env).returncode == 3
