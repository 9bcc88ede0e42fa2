"""Where the local infrastructure listens, derived from an environment mapping.

The environment is an argument (never read at import time), so tests and the CLI can
pass their own. Defaults match ``deploy/local/*.sh``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_KAFKA_CONTROLLER_PORT",
    "DEFAULT_KAFKA_PORT",
    "DEFAULT_REDIS_PORT",
    "LOCAL_HOST",
    "LocalEndpoints",
    "repo_root",
]

LOCAL_HOST = "127.0.0.1"
DEFAULT_KAFKA_PORT = 19092
DEFAULT_KAFKA_CONTROLLER_PORT = 19093
DEFAULT_REDIS_PORT = 16379


def repo_root() -> Path:
    """The source checkout holding ``deploy/local`` (this file is streams/infra/endpoints.py)."""
    return Path(__file__).resolve().parents[2]


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a port number; set it to 1..65535") from None
    if not 0 < port < 65536:
        raise ValueError(f"{name}={port} is out of range; set it to 1..65535")
    return port


@dataclass(frozen=True, slots=True)
class LocalEndpoints:
    """Ports and paths of the local Kafka and Redis started by ``deploy/local``."""

    kafka_port: int = DEFAULT_KAFKA_PORT
    kafka_controller_port: int = DEFAULT_KAFKA_CONTROLLER_PORT
    redis_port: int = DEFAULT_REDIS_PORT
    state_dir: Path = Path(".local")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LocalEndpoints:
        """Read ``TICKET_ROUTER_*`` ports and state dir the way the scripts do."""
        state = env.get("TICKET_ROUTER_STATE_DIR", "").strip()
        return cls(
            kafka_port=_port(env, "TICKET_ROUTER_KAFKA_PORT", DEFAULT_KAFKA_PORT),
            kafka_controller_port=_port(
                env, "TICKET_ROUTER_KAFKA_CONTROLLER_PORT", DEFAULT_KAFKA_CONTROLLER_PORT
            ),
            redis_port=_port(env, "TICKET_ROUTER_REDIS_PORT", DEFAULT_REDIS_PORT),
            state_dir=Path(state) if state else repo_root() / ".local",
        )

    @property
    def kafka_bootstrap(self) -> str:
        """``host:port`` for Kafka clients."""
        return f"{LOCAL_HOST}:{self.kafka_port}"

    @property
    def redis_url(self) -> str:
        """``redis://`` URL of database 0."""
        return f"redis://{LOCAL_HOST}:{self.redis_port}/0"

    @property
    def logs_dir(self) -> Path:
        """Where ``kafka.log`` and ``redis.log`` are written."""
        return self.state_dir / "logs"
