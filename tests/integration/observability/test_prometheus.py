"""A real Prometheus (deploy/local/prometheus.sh) scrapes the worker's metrics endpoint
and loads the alert rules; queries return what the worker counted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from streams.app.metrics import RouterMetrics, serve_metrics
from streams.infra.ports import find_free_port

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "deploy" / "local" / "prometheus.sh"


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[tuple[str, RouterMetrics]]:
    if shutil.which("prometheus") is None:
        pytest.fail(
            "prometheus is not installed: run 'deploy/local/prometheus.sh install' (make infra)"
        )
    registry = CollectorRegistry()
    metrics = RouterMetrics(registry)
    metrics_port = find_free_port()
    server = serve_metrics(registry, "127.0.0.1", metrics_port)
    port = find_free_port()
    env = {
        **os.environ,
        "TICKET_ROUTER_PROMETHEUS_PORT": str(port),
        "TICKET_ROUTER_METRICS_TARGETS": f"127.0.0.1:{metrics_port}",
        "TICKET_ROUTER_STATE_DIR": str(tmp_path),
    }
    up = subprocess.run([str(SCRIPT), "up"], env=env, capture_output=True, text=True, check=False)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield f"http://127.0.0.1:{port}", metrics
    finally:
        subprocess.run([str(SCRIPT), "down"], env=env, capture_output=True, check=False)
        server.shutdown()
        server.server_close()


def _query(base: str, expr: str) -> list[dict[str, Any]]:
    url = f"{base}/api/v1/query?query={urllib.parse.quote(expr)}"
    data = _get(url)
    assert data["status"] == "success"
    result: list[dict[str, Any]] = data["data"]["result"]
    return result


def test_prometheus_scrapes_the_worker_metrics_and_loads_the_alert_rules(
    prometheus: tuple[str, RouterMetrics],
) -> None:
    base, metrics = prometheus
    metrics.assignments.labels("balanced", "strict").inc(3)
    metrics.queue_depth_stddev.labels("acme").set(19.5)
    metrics.time_to_assign.labels("2").observe(4.0)
    deadline = time.monotonic() + 40
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = _query(base, 'ticket_router_assignments_total{policy="balanced"}')
        if found:
            break
        time.sleep(1)
    assert found, "Prometheus never scraped the metrics endpoint"
    assert float(found[0]["value"][1]) == 3.0
    spread = _query(base, "ticket_router_queue_depth_stddev")
    assert spread
    assert float(spread[0]["value"][1]) == 19.5
    rules = _get(f"{base}/api/v1/rules")["data"]["groups"]
    names = {r["name"] for g in rules for r in g["rules"]}
    assert {"TicketRouterQueueSpread", "TicketRouterDeadLetters"} <= names
    assert all(r["health"] in ("ok", "unknown") for g in rules for r in g["rules"])
    targets = _get(f"{base}/api/v1/targets")["data"]["activeTargets"]
    assert [t["health"] for t in targets] == ["up"]


def test_promtool_accepts_the_alert_rules() -> None:
    if shutil.which("promtool") is None:
        pytest.fail("promtool is not installed: run 'deploy/local/prometheus.sh install'")
    path = ROOT / "deploy" / "prometheus" / "alerts.yml"
    rules = [r for g in yaml.safe_load(path.read_text())["groups"] for r in g["rules"]]
    assert len(rules) >= 7  # every rule of the file, the connectors' included
    out = subprocess.run(
        ["promtool", "check", "rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"SUCCESS: {len(rules)} rules found" in out.stdout
