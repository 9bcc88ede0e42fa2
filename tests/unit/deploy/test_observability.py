"""Dashboards and alert rules use only metrics the worker declares (streams/app/metrics.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from streams.app.metrics import METRIC_HELP, NAMESPACE

ROOT = Path(__file__).resolve().parents[3]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "ticket-router.json"
NAME = re.compile(rf"\b{NAMESPACE}_[a-z_]+\b")
SUFFIXES = ("_bucket", "_sum", "_count")


def _declared(name: str) -> bool:
    bare = name.removeprefix(f"{NAMESPACE}_")
    if bare in METRIC_HELP:
        return True
    return any(bare.endswith(s) and bare.removesuffix(s) in METRIC_HELP for s in SUFFIXES)


def _alert_rules() -> list[dict[str, Any]]:
    data = yaml.safe_load(ALERTS.read_text())
    return [rule for group in data["groups"] for rule in group["rules"]]


def _dashboard_exprs() -> list[str]:
    data = json.loads(DASHBOARD.read_text())
    return [t["expr"] for panel in data["panels"] for t in panel["targets"]]


def test_alert_rules_name_only_declared_metrics_and_say_what_to_do() -> None:
    rules = _alert_rules()
    assert len(rules) >= 5
    for rule in rules:
        names = NAME.findall(rule["expr"])
        assert names, f"{rule['alert']} uses no ticket-router metric"
        undeclared = [n for n in names if not _declared(n)]
        assert not undeclared, f"{rule['alert']}: {undeclared} not in METRIC_HELP"
        assert rule["annotations"]["summary"]
        assert rule["annotations"]["description"]


def test_dashboard_panels_name_only_declared_metrics() -> None:
    exprs = _dashboard_exprs()
    assert len(exprs) >= 10
    used = {n for e in exprs for n in NAME.findall(e)}
    undeclared = sorted(n for n in used if not _declared(n))
    assert not undeclared, f"dashboard uses undeclared metrics: {undeclared}"
    for wanted in ("queue_depth_stddev", "utilisation", "time_to_assign_seconds_bucket"):
        assert f"{NAMESPACE}_{wanted}" in used


def test_the_checker_rejects_an_unknown_metric() -> None:
    assert not _declared(f"{NAMESPACE}_made_up_total")
    assert _declared(f"{NAMESPACE}_decision_latency_seconds_bucket")
