"""run_script / service_status against stand-in scripts, plus the real scripts' usage."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from streams.infra.endpoints import repo_root
from streams.infra.errors import InfraError, ScriptError
from streams.infra.scripts import ServiceState, run_script, script_path, service_status


def _fake_root(tmp_path: Path, body: str) -> Path:
    local = tmp_path / "deploy" / "local"
    local.mkdir(parents=True)
    for name in ("kafka.sh", "redis.sh"):
        script = local / name
        script.write_text(f"#!/usr/bin/env bash\n{body}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return tmp_path


@pytest.mark.parametrize(
    ("code", "state"),
    [(0, ServiceState.RUNNING), (3, ServiceState.STOPPED), (1, ServiceState.UNHEALTHY)],
)
def test_status_exit_codes_map_to_states(tmp_path: Path, code: int, state: ServiceState) -> None:
    root = _fake_root(tmp_path, f'echo "said $1"; exit {code}')
    status = service_status("kafka", root=root)
    assert status.state is state
    assert status.detail == "said status"
    assert status.running is (state is ServiceState.RUNNING)


def test_unexpected_status_code_is_an_error(tmp_path: Path) -> None:
    root = _fake_root(tmp_path, "echo broken >&2; exit 7")
    with pytest.raises(ScriptError, match="exit status 7"):
        service_status("redis", root=root)


def test_failure_carries_the_scripts_error_output(tmp_path: Path) -> None:
    root = _fake_root(tmp_path, 'echo "kafka: error: port 19092 is in use; do X" >&2; exit 1')
    with pytest.raises(ScriptError) as info:
        run_script("kafka", "up", root=root)
    assert info.value.returncode == 1
    assert "port 19092 is in use; do X" in str(info.value)
    assert not info.value.retriable


def test_unknown_verbs_and_services_are_refused() -> None:
    with pytest.raises(InfraError, match="no verb 'install'"):
        run_script("kafka", "install")
    with pytest.raises(InfraError, match="unknown service"):
        script_path("zookeeper")


def test_missing_scripts_say_a_checkout_is_needed(tmp_path: Path) -> None:
    with pytest.raises(InfraError, match="source checkout"):
        script_path("kafka", tmp_path)


@pytest.mark.parametrize(
    ("script", "verbs"),
    [("kafka.sh", "{fetch|up|down|status|logs}"), ("redis.sh", "{install|up|down|status}")],
)
def test_real_scripts_usage(script: str, verbs: str, tmp_path: Path) -> None:
    path = repo_root() / "deploy" / "local" / script
    helped = subprocess.run(
        [path, "--help"], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert helped.returncode == 0
    assert verbs in helped.stdout
    wrong = subprocess.run([path, "explode"], capture_output=True, text=True, check=False)
    assert wrong.returncode == 2
    assert "unknown command 'explode'" in wrong.stderr
    bare = subprocess.run([path], capture_output=True, text=True, check=False)
    assert bare.returncode == 2


@pytest.mark.parametrize(
    ("script", "variable", "value"),
    [
        ("kafka.sh", "TICKET_ROUTER_KAFKA_PORT", "abc"),
        ("kafka.sh", "TICKET_ROUTER_KAFKA_CONTROLLER_PORT", "0"),
        ("redis.sh", "TICKET_ROUTER_REDIS_PORT", "99999"),
        ("prometheus.sh", "TICKET_ROUTER_PROMETHEUS_PORT", "-5"),
    ],
)
def test_a_port_that_is_not_one_is_refused_before_starting(
    script: str, variable: str, value: str, tmp_path: Path
) -> None:
    path = repo_root() / "deploy" / "local" / script
    env = {**os.environ, variable: value, "TICKET_ROUTER_STATE_DIR": str(tmp_path)}
    done = subprocess.run(
        [path, "up"], capture_output=True, text=True, check=False, env=env, timeout=60
    )
    assert done.returncode != 0
    assert f"{variable}={value} is not a port number (1-65535)" in done.stderr
    assert not (tmp_path / "logs").exists() or not any((tmp_path / "logs").iterdir())
