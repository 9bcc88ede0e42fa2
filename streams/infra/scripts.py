"""Run ``deploy/local/kafka.sh`` and ``deploy/local/redis.sh`` from Python.

The scripts are the single implementation of starting and stopping the local
infrastructure; this module only calls them, maps their exit status to a
:class:`ServiceState` and turns failures into :class:`ScriptError` carrying the
script's own error message.
"""

from __future__ import annotations

import enum
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from streams.infra.endpoints import repo_root
from streams.infra.errors import InfraError, ScriptError

__all__ = [
    "SERVICES",
    "VERBS",
    "ServiceState",
    "ServiceStatus",
    "run_script",
    "script_path",
    "service_status",
]

SERVICES: tuple[str, ...] = ("kafka", "redis")
VERBS: Mapping[str, tuple[str, ...]] = {
    "kafka": ("fetch", "up", "down", "status", "logs"),
    "redis": ("install", "up", "down", "status"),
}
# Exit statuses of the scripts' ``status`` verb.
_STATUS_RUNNING = 0
_STATUS_UNHEALTHY = 1
_STATUS_STOPPED = 3


class ServiceState(enum.Enum):
    """What ``<script> status`` found."""

    RUNNING = "running"
    STOPPED = "stopped"
    UNHEALTHY = "unhealthy"  # the process runs but does not answer


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """One service's state and the script's one-line description of it."""

    service: str
    state: ServiceState
    detail: str

    @property
    def running(self) -> bool:
        """True when the service runs and answers."""
        return self.state is ServiceState.RUNNING


def script_path(service: str, root: Path | None = None) -> Path:
    """Path of ``deploy/local/<service>.sh``; raises :class:`InfraError` if unknown/missing."""
    if service not in VERBS:
        raise InfraError(f"unknown service {service!r}; choose one of {', '.join(SERVICES)}")
    path = (root or repo_root()) / "deploy" / "local" / f"{service}.sh"
    if not path.is_file():
        raise InfraError(
            f"{path} not found: the local infrastructure scripts come with a source checkout "
            "of ticket-router; run this from a clone (pip install -e .)"
        )
    return path


def run_script(
    service: str,
    verb: str,
    *,
    env: Mapping[str, str] | None = None,
    capture: bool = True,
    timeout: float | None = 600.0,
    check: bool = True,
    root: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``deploy/local/<service>.sh <verb>``.

    ``capture=False`` lets the script print straight to the terminal (the CLI);
    ``capture=True`` keeps its output for error messages (the test fixtures).
    ``env`` replaces the whole environment when given. With ``check``, a non-zero
    exit raises :class:`ScriptError` holding the script's output.
    """
    if verb not in VERBS.get(service, ()):
        allowed = ", ".join(VERBS.get(service, ()))
        raise InfraError(f"{service}.sh has no verb {verb!r}; use one of: {allowed}")
    path = script_path(service, root)
    try:
        result = subprocess.run(
            [str(path), verb],
            env=dict(env) if env is not None else None,
            capture_output=capture,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InfraError(
            f"{path.name} {verb} did not finish within {timeout:g}s; "
            f"see {service} logs under .local/logs",
            retriable=True,
        ) from exc
    if check and result.returncode != 0:
        output = (result.stderr or "") + (result.stdout or "") if capture else ""
        raise ScriptError(path.name, verb, result.returncode, output)
    return result


def service_status(
    service: str, *, env: Mapping[str, str] | None = None, root: Path | None = None
) -> ServiceStatus:
    """Ask ``<service>.sh status``; never raises for a stopped service."""
    result = run_script(service, "status", env=env, check=False, timeout=60.0, root=root)
    detail = (result.stdout or "").strip() or (result.stderr or "").strip()
    if result.returncode == _STATUS_RUNNING:
        state = ServiceState.RUNNING
    elif result.returncode == _STATUS_STOPPED:
        state = ServiceState.STOPPED
    elif result.returncode == _STATUS_UNHEALTHY:
        state = ServiceState.UNHEALTHY
    else:
        raise ScriptError(f"{service}.sh", "status", result.returncode, detail)
    return ServiceStatus(service=service, state=state, detail=detail)
