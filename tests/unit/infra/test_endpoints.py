"""LocalEndpoints reads ports and the state dir the way deploy/local/*.sh do."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.infra.endpoints import LocalEndpoints, repo_root


def test_defaults_match_the_scripts() -> None:
    endpoints = LocalEndpoints.from_env({})
    assert endpoints.kafka_bootstrap == "127.0.0.1:19092"
    assert endpoints.kafka_controller_port == 19093
    assert endpoints.redis_url == "redis://127.0.0.1:16379/0"
    assert endpoints.state_dir == repo_root() / ".local"
    assert endpoints.logs_dir == repo_root() / ".local" / "logs"


def test_repo_root_holds_the_scripts() -> None:
    assert (repo_root() / "deploy" / "local" / "kafka.sh").is_file()
    assert (repo_root() / "deploy" / "local" / "redis.sh").is_file()


@given(kafka=st.integers(1, 65535), controller=st.integers(1, 65535), redis=st.integers(1, 65535))
def test_env_overrides_every_port(kafka: int, controller: int, redis: int) -> None:
    endpoints = LocalEndpoints.from_env(
        {
            "TICKET_ROUTER_KAFKA_PORT": str(kafka),
            "TICKET_ROUTER_KAFKA_CONTROLLER_PORT": f" {controller} ",
            "TICKET_ROUTER_REDIS_PORT": str(redis),
        }
    )
    assert endpoints.kafka_bootstrap == f"127.0.0.1:{kafka}"
    assert endpoints.kafka_controller_port == controller
    assert endpoints.redis_url == f"redis://127.0.0.1:{redis}/0"


def test_state_dir_override() -> None:
    endpoints = LocalEndpoints.from_env({"TICKET_ROUTER_STATE_DIR": "/tmp/elsewhere"})
    assert endpoints.logs_dir == Path("/tmp/elsewhere/logs")


@pytest.mark.parametrize("raw", ["abc", "0", "70000", "-1", "19092.5"])
def test_bad_port_says_what_to_set(raw: str) -> None:
    with pytest.raises(ValueError, match=r"TICKET_ROUTER_REDIS_PORT.*1\.\.65535"):
        LocalEndpoints.from_env({"TICKET_ROUTER_REDIS_PORT": raw})
