"""Reports of a side-by-side simulation: terminal table, JSON object, self-contained HTML.

The JSON object has ``pooled_mean_wait_s`` at the top and a ``policies`` map keyed by
policy name, each with ``mean_wait_s`` and ``p90_wait_s`` (wait until work starts),
``mean_assign_s``, ``jain_utilisation``, ``skill_match_rate``, ``sla_attainment`` and
the other figures of :meth:`router.simulation.PolicyMetrics.to_dict`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

from router.simulation import WAIT_EDGES, Comparison, Goal
from streams.simulation import svg

__all__ = ["COLOURS", "RunInfo", "format_duration", "render_html", "render_table", "to_json"]

COLOURS = {
    "round_robin": "#d62728",
    "least_loaded": "#ff7f0e",
    "skills": "#9467bd",
    "balanced": "#2ca02c",
    "pooled": "#1f77b4",
    "pooled_skills": "#17becf",
}


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What was simulated (shown in every report)."""

    kind: str  # "scenario" or "replay"
    source: str
    seed: int
    tickets: int
    agents: int
    span_s: float
    offered_load: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able view."""
        return {
            "kind": self.kind,
            "source": self.source,
            "seed": self.seed,
            "tickets": self.tickets,
            "agents": self.agents,
            "span_days": self.span_s / 86400.0,
            "offered_load": self.offered_load,
            **self.extra,
        }


def format_duration(seconds: float) -> str:
    """Short human duration: 45s, 12.5m, 3.2h, 2.1d."""
    if not math.isfinite(seconds):
        return "inf"
    s = max(0.0, seconds)
    if s < 120:
        return f"{s:.0f}s"
    if s < 3600:
        return f"{s / 60:.1f}m"
    if s < 172800:
        return f"{s / 3600:.1f}h"
    return f"{s / 86400:.1f}d"


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _colour(policy: str) -> str:
    return COLOURS.get(policy, "#7f7f7f")


_COLUMNS = (
    ("policy", "<"),
    ("mean wait", ">"),
    ("p50", ">"),
    ("p90", ">"),
    ("p99", ">"),
    ("x pooled", ">"),
    ("assign", ">"),
    ("depth sd", ">"),
    ("util", ">"),
    ("Jain", ">"),
    ("SLA", ">"),
    ("skill", ">"),
    ("reassign", ">"),
)


def _rows(result: Comparison) -> list[list[str]]:
    rows = []
    for name, m in result.metrics.items():
        ratio = result.wait_vs_pooled(name)
        rows.append(
            [
                name,
                format_duration(m.mean_wait_s),
                format_duration(m.p50_wait_s),
                format_duration(m.p90_wait_s),
                format_duration(m.p99_wait_s),
                "-" if ratio is None else f"{ratio:.2f}",
                format_duration(m.mean_assign_s),
                f"{m.depth_std_mean:.1f}",
                _pct(m.utilisation_mean),
                f"{m.jain_utilisation:.3f}",
                _pct(m.sla_attainment),
                _pct(m.skill_match_rate),
                str(m.reassignments),
            ]
        )
    return rows


def _goal_text(goal: Goal) -> str:
    if goal.value is None:
        return f"  n/a   {goal.target}"
    value = f"{goal.value:.2f}x" if goal.name == "wait_vs_pooled" else _pct(goal.value)
    if goal.name == "jain_utilisation":
        value = f"{goal.value:.3f}"
    return f"  {'met ' if goal.met else 'MISS'}  {goal.target}: {value}"


def render_table(result: Comparison, info: RunInfo, goals: list[Goal]) -> str:
    """The terminal report: one row per policy, then the pooled bound and the goals."""
    header = [c for c, _ in _COLUMNS]
    rows = _rows(result)
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if align == "<" else c.rjust(w)
            for c, w, (_, align) in zip(cells, widths, _COLUMNS, strict=True)
        ).rstrip()

    load = f", offered load {info.offered_load:.2f}" if info.offered_load is not None else ""
    out = [
        f"{info.kind} {info.source}: {info.tickets:,} tickets, {info.agents} agents, "
        f"{info.span_s / 86400:.1f} days{load}, seed {info.seed}",
        "wait = arrival until an agent starts work; assign = arrival until first assignment",
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
    ]
    bound = result.pooled_mean_wait_s
    if bound is not None:
        out += ["", f"pooled bound (mean wait): {format_duration(bound)} ({bound:.0f} s)"]
    if any(g.value is not None for g in goals):
        out += ["", "goals (balanced policy):", *(_goal_text(g) for g in goals)]
    return "\n".join(out)


def to_json(result: Comparison, info: RunInfo, goals: list[Goal]) -> dict[str, Any]:
    """One JSON-able object (see the module docstring)."""
    policies: dict[str, Any] = {}
    for name, m in result.metrics.items():
        entry = m.to_dict()
        entry["wait_vs_pooled"] = result.wait_vs_pooled(name)
        entry["elapsed_s"] = result.elapsed_s.get(name)
        entry["config"] = result.configs.get(name, {})
        policies[name] = entry
    return {
        "input": info.to_dict(),
        "pooled_mean_wait_s": result.pooled_mean_wait_s,
        "policies": policies,
        "goals": [
            {"name": g.name, "target": g.target, "value": g.value, "met": g.met} for g in goals
        ],
    }


def _short(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.0f}h"
    return f"{seconds / 86400:.0f}d"


def _bucket_labels() -> list[str]:
    labels = []
    for k, edge in enumerate(WAIT_EDGES):
        if k == 0:
            labels.append(f"<{_short(WAIT_EDGES[1])}")
        elif k + 1 < len(WAIT_EDGES):
            labels.append(f"{_short(edge)}-{_short(WAIT_EDGES[k + 1])}")
        else:
            labels.append(f">={_short(edge)}")
    return labels


_LOG_TICKS = (1.0, 10.0, 60.0, 600.0, 3600.0, 4 * 3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}
.met{color:#2e7d32}.miss{color:#c62828;font-weight:600}.note{color:#555;font-size:.9rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.35rem;vertical-align:-1px}
"""


def render_html(result: Comparison, info: RunInfo, goals: list[Goal]) -> str:
    """A self-contained HTML page (inline CSS and SVG, no scripts) with the plots."""
    names = list(result.metrics)
    ms = [result.metrics[n] for n in names]
    head = "".join(f"<th>{escape(c)}</th>" for c, _ in _COLUMNS)
    body_rows = "".join(
        "<tr>"
        + f'<td><span class="swatch" style="background:{_colour(r[0])}"></span>{escape(r[0])}</td>'
        + "".join(f"<td>{escape(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in _rows(result)
    )
    goal_rows = "".join(
        f"<tr><td>{escape(g.target)}</td><td>"
        + ("n/a" if g.value is None else escape(_goal_text(g).split(": ")[-1]))
        + "</td><td class="
        + ('"met">met' if g.met else '"miss">missed' if g.met is False else '"note">-')
        + "</td></tr>"
        for g in goals
    )
    bound = result.pooled_mean_wait_s
    reference = ("pooled bound", bound) if bound is not None else None
    waits = svg.bar_chart(
        ["mean", "p50", "p90"],
        [
            (n, _colour(n), [m.mean_wait_s, m.p50_wait_s, m.p90_wait_s])
            for n, m in zip(names, ms, strict=True)
        ],
        label="wait until work starts (log scale)",
        fmt=format_duration,
        reference=reference,
        log_ticks=_LOG_TICKS,
    )
    hist = svg.bar_chart(
        _bucket_labels(),
        [
            (n, _colour(n), [c / max(1, m.tickets) for _, c in m.wait_histogram])
            for n, m in zip(names, ms, strict=True)
        ],
        label="share of tickets",
        fmt=_pct,
    )
    assign = svg.bar_chart(
        _bucket_labels(),
        [
            (n, _colour(n), [c / max(1, m.tickets) for _, c in m.assign_histogram])
            for n, m in zip(names, ms, strict=True)
        ],
        label="share of tickets",
        fmt=_pct,
    )
    first = next(iter(result.records.values()), None)
    xs = [t / 86400.0 for t in first.snapshot_t] if first is not None else []
    day = lambda d: f"{d:.0f}"  # noqa: E731
    waiting = svg.line_chart(
        xs,
        [(n, _colour(n), [float(v) for v in r.waiting]) for n, r in result.records.items()],
        label="tickets waiting",
        fmt=lambda v: f"{v:.0f}",
        x_label="day",
        x_fmt=day,
    )
    spread = svg.line_chart(
        xs,
        [(n, _colour(n), r.depth_std) for n, r in result.records.items()],
        label="queue depth sd across agents",
        fmt=lambda v: f"{v:.1f}",
        x_label="day",
        x_fmt=day,
    )
    util = svg.strip_chart(
        [(n, _colour(n), list(m.utilisation.values())) for n, m in zip(names, ms, strict=True)],
        label="utilisation per agent (target band 70-80 % shaded)",
        fmt=_pct,
        band=(0.7, 0.8),
        names=[list(m.utilisation) for m in ms],
    )
    prios = sorted({p for m in ms for p in m.sla_by_priority})
    sla = svg.bar_chart(
        [f"P{p}" for p in prios],
        [
            (n, _colour(n), [m.sla_by_priority.get(p, 0.0) for p in prios])
            for n, m in zip(names, ms, strict=True)
        ],
        label="SLA attainment (work started in time)",
        fmt=_pct,
    )
    load = f", offered load {info.offered_load:.2f}" if info.offered_load is not None else ""
    jains = ", ".join(
        f"{escape(n)} {m.jain_utilisation:.3f}" for n, m in zip(names, ms, strict=True)
    )
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>ticket-router simulation: {escape(info.source)}</title>
<style>{_CSS}</style></head><body>
<h1>Routing policies side by side</h1>
<p>{escape(info.kind)} <code>{escape(info.source)}</code>: {info.tickets:,} tickets,
{info.agents} agents, {info.span_s / 86400:.1f} days{escape(load)}, seed {info.seed}.
Generated {made}.</p>
<p class="note"><b>Wait</b> is arrival until an agent starts work (the first-response
proxy); <b>assign</b> is arrival until the first assignment. Assigning at once into an
overloaded personal queue hides the wait, so wait is the headline. <b>pooled</b> is the
ideal central queue where everyone can do everything: the lower bound on waiting.</p>
<table><tr>{head}</tr>{body_rows}</table>
{"<h2>Goals (balanced policy)</h2><table>" + goal_rows + "</table>" if goal_rows else ""}
<h2>Wait until work starts</h2>{waits}
<h2>Wait histogram</h2>{hist}
<h2>Time to assignment histogram</h2>{assign}
<h2>Tickets waiting over time</h2>{waiting}
<h2>Queue depth spread over time</h2>{spread}
<h2>Utilisation per agent</h2>{util}
<p class="note">Jain's index: {jains}.</p>
<h2>SLA attainment by priority</h2>{sla}
</body></html>
"""
