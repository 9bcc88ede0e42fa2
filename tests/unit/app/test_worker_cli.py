"""``ticket-router worker`` (help, clear errors when Kafka does not answer or the group
configuration is broken) and ``ticket-router status`` argument checks."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from streams.cli.main import main


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["worker", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--bootstrap", "--app-id", "--data-dir", "--metrics-port", "--embedder"):
        assert option in out


def test_unreachable_kafka_is_reported_with_what_to_do(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKET_ROUTER_KAFKA_WAIT_S", "1")
    code = main(["worker", "--bootstrap", f"127.0.0.1:{_closed_port()}", "--metrics-port", "0"])
    assert code == 3
    err = capsys.readouterr().err
    assert "is not reachable" in err
    assert "ticket-router dev up" in err


def test_invalid_settings_are_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKET_ROUTER_SESSION_TIMEOUT_S", "1")
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert "TICKET_ROUTER_SESSION_TIMEOUT_S='1': Input should be greater than or equal to 6" in err


def test_settings_given_as_options_are_named_as_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKET_ROUTER_LOG_LEVEL", "chatty")
    assert main(["worker", "--metrics-port", "99999"]) == 2
    err = capsys.readouterr().err
    assert "--metrics-port=99999: Input should be less than or equal to 65535" in err
    assert "TICKET_ROUTER_LOG_LEVEL='chatty': use one of debug, info" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"default: [\n", "is not valid YAML"),
        (b"default:\n  policy: fastest\n", "policy: 'fastest' is not one of"),
        ("default: {policy: skills}  # équipe\n".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_a_broken_group_config_is_reported_before_any_broker_check(
    content: bytes,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "groups.yaml"
    path.write_bytes(content)
    monkeypatch.setenv("TICKET_ROUTER_GROUP_CONFIG", str(path))
    # no broker listens there: the configuration is refused first, without waiting for one
    code = main(["worker", "--bootstrap", f"127.0.0.1:{_closed_port()}", "--metrics-port", "0"])
    assert code == 2
    err = capsys.readouterr().err
    assert "invalid group configuration" in err
    assert message in err
    assert "not reachable" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--watch", "--interval", "0"], "--interval must be at least 0.2"),
        (["--watch", "--iterations", "0"], "--iterations must be at least 1"),
        (["--decisions", "-1"], "--decisions must be 0 or more"),
    ],
)
def test_status_refuses_bounds_that_would_spin_or_show_nothing(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # refused before Redis is contacted (none is needed for this test)
    assert main(["status", "--redis-url", f"redis://127.0.0.1:{_closed_port()}/0", *argv]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TICKET_ROUTER_TRIAGE_CATALOGUE": "missing.yaml"}, "cannot read catalogue missing.yaml"),
        (
            {"TICKET_ROUTER_REDIS_URL": "localhost:6379"},
            "expected a redis://, rediss:// or unix://",
        ),
    ],
)
def test_catalogue_and_redis_url_are_checked_before_any_broker_check(
    env: dict[str, str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code = main(["worker", "--bootstrap", f"127.0.0.1:{_closed_port()}", "--metrics-port", "0"])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "not reachable" not in err


def test_no_redis_url_is_needed_when_the_live_view_is_off() -> None:
    from streams.app.settings import Settings

    settings = Settings.from_env(
        {"TICKET_ROUTER_REDIS_ENABLED": "false", "TICKET_ROUTER_REDIS_URL": ""}
    )
    assert not settings.redis_enabled
    with pytest.raises(ValueError, match="expected a redis://, rediss:// or unix:// URL"):
        Settings.from_env({"TICKET_ROUTER_REDIS_URL": ""})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TICKET_ROUTER_TRIAGE_BACKEND": "torch"}, 64),
        ({"TICKET_ROUTER_TRIAGE_BACKEND": "onnx"}, 128),
        ({"TICKET_ROUTER_TRIAGE_BACKEND": "onnx-int8"}, 256),
        (
            {"TICKET_ROUTER_TRIAGE_BACKEND": "onnx-int8", "TICKET_ROUTER_TRIAGE_BATCH_SIZE": "32"},
            32,
        ),
    ],
)
def test_the_triage_batch_follows_the_backend_unless_set(
    env: dict[str, str], expected: int
) -> None:
    from streams.app.settings import Settings

    assert Settings.from_env(env).triage_batch() == expected


@pytest.mark.parametrize(("installed", "expected"), [(True, 256), (False, 64)])
def test_the_auto_backend_batches_as_the_encoder_it_stands_for(
    monkeypatch: pytest.MonkeyPatch, installed: bool, expected: int
) -> None:
    from streams.app.settings import Settings
    from streams.triage import embedding

    monkeypatch.setattr(embedding, "onnx_installed", lambda: installed)
    settings = Settings.from_env({})
    assert settings.triage_backend == "auto"
    assert settings.triage_batch() == expected
    assert Settings.from_env({"TICKET_ROUTER_TRIAGE_DEVICE": "cuda"}).triage_batch() == 64
    assert settings.triage_batch("torch") == 64  # the encoder fell back: its batch


def test_a_triage_batch_below_one_is_refused() -> None:
    from streams.app.settings import Settings

    with pytest.raises(ValueError, match="triage_batch_size"):
        Settings.from_env({"TICKET_ROUTER_TRIAGE_BATCH_SIZE": "0"})
