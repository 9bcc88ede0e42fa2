"""``ticket-router dev``: argument handling and how it drives the scripts (scripts faked)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from streams.cli.commands.dev import chosen_services
from streams.cli.main import build_parser, main
from streams.infra import scripts
from streams.infra.errors import ScriptError
from streams.infra.scripts import ServiceState, ServiceStatus


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record run_script calls instead of running the scripts."""
    recorded: list[tuple[str, str]] = []

    def fake_run(service: str, verb: str, **_: Any) -> subprocess.CompletedProcess[str]:
        recorded.append((service, verb))
        return subprocess.CompletedProcess([service, verb], 0, "", "")

    monkeypatch.setattr(scripts, "run_script", fake_run)
    return recorded


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["dev", "up"], ("kafka", "redis")),
        (["dev", "up", "--only", "redis"], ("redis",)),
        (["dev", "down", "--only", "redis", "--only", "kafka"], ("kafka", "redis")),
        (["dev", "status", "--only", "kafka"], ("kafka",)),
    ],
)
def test_only_selects_services(argv: list[str], expected: tuple[str, ...]) -> None:
    assert chosen_services(build_parser().parse_args(argv)) == expected


def test_unknown_service_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["dev", "up", "--only", "zookeeper"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["dev", "--help"], ["dev", "up", "--help"], ["dev", "status", "--help"]]
)
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage: ticket-router dev" in capsys.readouterr().out


def test_dev_without_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dev"]) == 2
    assert "up" in capsys.readouterr().out


def test_up_fetches_installs_then_starts_in_order(calls: list[tuple[str, str]]) -> None:
    assert main(["dev", "up"]) == 0
    assert calls == [("kafka", "fetch"), ("kafka", "up"), ("redis", "install"), ("redis", "up")]


def test_down_stops_in_reverse_order(calls: list[tuple[str, str]]) -> None:
    assert main(["dev", "down"]) == 0
    assert calls == [("redis", "down"), ("kafka", "down")]


def test_script_failure_becomes_an_operator_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing(service: str, verb: str, **_: Any) -> subprocess.CompletedProcess[str]:
        raise ScriptError(f"{service}.sh", verb, 1, "")

    monkeypatch.setattr(scripts, "run_script", failing)
    assert main(["dev", "up", "--only", "kafka"]) == 1
    err = capsys.readouterr().err
    assert "kafka.sh fetch failed" in err
    assert "ticket-router dev up" in err


def _fake_status(states: dict[str, ServiceState]) -> Any:
    def status(service: str, **_: Any) -> ServiceStatus:
        return ServiceStatus(service, states[service], f"{service}: {states[service].value}")

    return status


def test_status_json_and_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TICKET_ROUTER_KAFKA_PORT", raising=False)
    monkeypatch.setenv("TICKET_ROUTER_REDIS_PORT", "16400")
    states = {"kafka": ServiceState.RUNNING, "redis": ServiceState.STOPPED}
    monkeypatch.setattr(scripts, "service_status", _fake_status(states))
    assert main(["dev", "status", "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert report["kafka"] == {
        "state": "running",
        "address": "127.0.0.1:19092",
        "detail": "kafka: running",
    }
    assert report["redis"]["state"] == "stopped"
    assert report["redis"]["address"] == "redis://127.0.0.1:16400/0"


def test_status_all_running_exits_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    states = {"kafka": ServiceState.RUNNING, "redis": ServiceState.RUNNING}
    monkeypatch.setattr(scripts, "service_status", _fake_status(states))
    assert main(["dev", "status"]) == 0
    out = capsys.readouterr().out
    assert "kafka  running" in out
    assert "logs:" in out


def test_bad_port_env_is_an_operator_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TICKET_ROUTER_KAFKA_PORT", "kafka")
    assert main(["dev", "status"]) == 1
    assert "TICKET_ROUTER_KAFKA_PORT" in capsys.readouterr().err
