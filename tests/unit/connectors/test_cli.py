"""`ticket-router connect`: configuration errors are clear and stop before any I/O."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.cli.commands.connect import load_agent_map
from streams.cli.errors import CliError
from streams.cli.main import main


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["webhook", "--url", "https://h.test"], {}, "set TICKET_ROUTER_WEBHOOK_SECRET"),
        (
            ["webhook", "--url", "https://h.test"],
            {"TICKET_ROUTER_WEBHOOK_SECRET": "short"},
            "at least 16 bytes",
        ),
        (
            ["zendesk", "--url", "https://a.zendesk.com"],
            {"TICKET_ROUTER_ZENDESK_API_TOKEN": "t"},
            "zendesk needs --agents",
        ),
        (
            ["freshdesk", "--url", "http://a.freshdesk.com", "--agents", "MAP"],
            {"TICKET_ROUTER_FRESHDESK_API_KEY": "k"},
            "plain http",
        ),
        (
            ["zendesk", "--url", "https://a.zendesk.com", "--agents", "MAP"],
            {"TICKET_ROUTER_ZENDESK_API_TOKEN": "t"},
            "zendesk needs --email",
        ),
        (
            ["webhook", "--url", "https://h.test", "--timeout", "0"],
            {"TICKET_ROUTER_WEBHOOK_SECRET": "0123456789abcdef"},
            "--timeout must be above 0",
        ),
        (
            ["webhook", "--url", "https://h.test", "--max-rate", "0"],
            {"TICKET_ROUTER_WEBHOOK_SECRET": "0123456789abcdef"},
            "--max-rate must be above 0",
        ),
    ],
)
def test_configuration_errors(
    argv: list[str],
    env: dict[str, str],
    message: str,
    *,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("WEBHOOK_SECRET", "ZENDESK_API_TOKEN", "FRESHDESK_API_KEY"):
        monkeypatch.delenv("TICKET_ROUTER_" + name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    agents = tmp_path / "agents.yaml"
    agents.write_text("agents: {ana: 5}\n", encoding="utf-8")
    argv = [str(agents) if a == "MAP" else a for a in argv]
    assert main(["connect", *argv, "--bootstrap", "127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "reading ticket-assigned" not in err  # refused before connecting
    assert "Traceback" not in err


def test_agent_map_forms_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "agents.yaml"
    path.write_text("ana: 5\nben: 6\n", encoding="utf-8")
    assert load_agent_map(str(path)) == {"ana": 5, "ben": 6}
    path.write_text("agents:\n  ana: 5\n", encoding="utf-8")
    assert load_agent_map(str(path)) == {"ana": 5}
    for text, message in [
        ("agents: {ana: '5'}\n", "positive whole number"),
        ("agents: {ana: 0}\n", "positive whole number"),
        ("agents: {ana: true}\n", "positive whole number"),
        ("- ana\n", "must map router agent ids"),
        ("agents: {ana: [\n", "agent map"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CliError, match=message):
            load_agent_map(str(path))


@pytest.mark.parametrize(
    ("argv", "secret", "message"),
    [
        ([], None, "set TICKET_ROUTER_WEBHOOK_SECRET"),
        ([], "short", "at least 16 bytes"),
        (["--port", "0"], "0123456789abcdef", "--port must be a port number"),
        (["--path", "hook"], "0123456789abcdef", "--path must start with '/'"),
        (["--max-events", "0"], "0123456789abcdef", "--max-events must be above 0"),
        (["--duration", "-1"], "0123456789abcdef", "--duration must be above 0"),
    ],
)
def test_webhook_listen_configuration_errors(
    argv: list[str],
    secret: str | None,
    message: str,
    *,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TICKET_ROUTER_WEBHOOK_SECRET", raising=False)
    if secret is not None:
        monkeypatch.setenv("TICKET_ROUTER_WEBHOOK_SECRET", secret)
    assert main(["webhook-listen", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "listening on" not in err


def test_webhook_listen_says_when_the_port_is_taken(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    monkeypatch.setenv("TICKET_ROUTER_WEBHOOK_SECRET", "0123456789abcdef")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["webhook-listen", "--port", str(port), "--duration", "5"]) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
