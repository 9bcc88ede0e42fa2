"""Small inline-SVG charts for the self-contained HTML report (no JavaScript, no CDN).

Each function returns one ``<svg>`` element as text; hovering a mark shows its value
through the SVG ``<title>`` element.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

__all__ = ["Series", "bar_chart", "line_chart", "nice_ticks", "strip_chart"]

Fmt = Callable[[float], str]
Series = tuple[str, str, Sequence[float]]
"""(name, colour, values)"""

_W, _H = 860, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 150, 20, 50
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``high``."""
    if high <= 0 or not math.isfinite(high):
        return [0.0, 1.0]
    raw = high / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(high / step - 1e-9)
    return [k * step for k in range(n + 1)]


def _frame(
    body: list[str],
    label: str,
    ticks: list[float],
    fmt: Fmt,
    top: float,
    *,
    scale: Callable[[float], float] | None = None,
) -> str:
    plot_h = _H - _TOP - _BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" '
        f'width="100%" role="img" aria-label="{escape(label)}" {_FONT}>'
    ]
    for t in ticks:
        frac = scale(t) if scale is not None else (t / top if top > 0 else 0.0)
        y = _TOP + plot_h - frac * plot_h
        parts.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
            f"{escape(fmt(t))}</text>"
        )
    mid = _TOP + plot_h / 2
    parts.append(
        f'<text x="14" y="{mid:.0f}" transform="rotate(-90 14 {mid:.0f})" '
        f'text-anchor="middle" fill="#333">{escape(label)}</text>'
    )
    parts.extend(body)
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: Sequence[tuple[str, str]]) -> list[str]:
    out = []
    for k, (name, colour) in enumerate(names):
        y = _TOP + 10 + k * 18
        out.append(
            f'<rect x="{_W - _RIGHT + 14}" y="{y - 9}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{_W - _RIGHT + 32}" y="{y + 1}" fill="#333">{escape(name)}</text>'
        )
    return out


def bar_chart(
    groups: Sequence[str],
    series: Sequence[Series],
    *,
    label: str,
    fmt: Fmt,
    reference: tuple[str, float] | None = None,
    log_ticks: Sequence[float] | None = None,
) -> str:
    """Grouped bars: one group per ``groups`` entry, one bar per series in each group.

    ``reference`` draws a dashed horizontal line (e.g. the pooled bound). With
    ``log_ticks`` (increasing, positive) the axis is logarithmic between the ticks that
    bracket the values.
    """
    values = [v for _, _, vs in series for v in vs]
    high = max([*values, reference[1] if reference else 0.0, 0.0])
    ticks = nice_ticks(high)
    top = ticks[-1] or 1.0
    scale = _log_scale(values, log_ticks) if log_ticks else None
    if scale is not None:
        ticks = scale[1]
    frac = scale[0] if scale is not None else (lambda v: v / top)
    plot_w = _W - _LEFT - _RIGHT
    plot_h = _H - _TOP - _BOTTOM
    slot = plot_w / max(1, len(groups))
    bar = slot * 0.8 / max(1, len(series))
    body: list[str] = []
    for g, group in enumerate(groups):
        x0 = _LEFT + g * slot + slot * 0.1
        for s, (name, colour, vs) in enumerate(series):
            v = vs[g]
            h = frac(v) * plot_h
            x = x0 + s * bar
            body.append(
                f'<rect x="{x:.1f}" y="{_TOP + plot_h - h:.1f}" width="{bar * 0.92:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(name)} · {escape(group)}: '
                f"{escape(fmt(v))}</title></rect>"
            )
        body.append(
            f'<text x="{_LEFT + g * slot + slot / 2:.1f}" y="{_H - _BOTTOM + 16}" '
            f'text-anchor="middle" fill="#333">{escape(group)}</text>'
        )
    if reference is not None:
        y = _TOP + plot_h - frac(reference[1]) * plot_h
        body.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#111" '
            f'stroke-dasharray="6 4"/><text x="{_W - _RIGHT - 4}" y="{y - 5:.1f}" '
            f'text-anchor="end" fill="#111">{escape(reference[0])} '
            f"{escape(fmt(reference[1]))}</text>"
        )
    if len(series) > 1:
        body.extend(_legend([(n, c) for n, c, _ in series]))
    return _frame(body, label, ticks, fmt, top, scale=frac if scale is not None else None)


def _log_scale(
    values: Sequence[float], candidates: Sequence[float]
) -> tuple[Callable[[float], float], list[float]] | None:
    positive = [v for v in values if v > 0]
    if not positive:
        return None
    low = max([c for c in candidates if c <= min(positive)], default=candidates[0])
    high = min([c for c in candidates if c >= max(positive)], default=candidates[-1])
    if high <= low:
        return None
    span = math.log(high) - math.log(low)

    def frac(v: float) -> float:
        if v <= low:
            return 0.0
        return min(1.0, (math.log(v) - math.log(low)) / span)

    return frac, [c for c in candidates if low <= c <= high]


def line_chart(
    xs: Sequence[float],
    series: Sequence[Series],
    *,
    label: str,
    fmt: Fmt,
    x_label: str,
    x_fmt: Fmt,
    max_points: int = 400,
) -> str:
    """Lines over a shared x axis, thinned to about ``max_points`` points (bucket means)."""
    if not xs:
        return _frame([], label, [0.0, 1.0], fmt, 1.0)
    step = max(1, math.ceil(len(xs) / max_points))
    px = [sum(xs[k : k + step]) / len(xs[k : k + step]) for k in range(0, len(xs), step)]
    thinned = []
    for name, colour, vs in series:
        pts = [sum(vs[k : k + step]) / len(vs[k : k + step]) for k in range(0, len(vs), step)]
        thinned.append((name, colour, pts))
    high = max([v for _, _, vs in thinned for v in vs] + [0.0])
    ticks = nice_ticks(high)
    top = ticks[-1] or 1.0
    x_lo, x_hi = px[0], px[-1] if px[-1] > px[0] else px[0] + 1.0
    plot_w = _W - _LEFT - _RIGHT
    plot_h = _H - _TOP - _BOTTOM

    def sx(x: float) -> float:
        return _LEFT + (x - x_lo) / (x_hi - x_lo) * plot_w

    body: list[str] = []
    for name, colour, vs in thinned:
        pts = " ".join(
            f"{sx(x):.1f},{_TOP + plot_h - (v / top) * plot_h:.1f}"
            for x, v in zip(px, vs, strict=False)
        )
        body.append(
            f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5">'
            f"<title>{escape(name)}</title></polyline>"
        )
    for t in nice_ticks(x_hi - x_lo, 6):
        x = x_lo + t
        if x <= x_hi:
            body.append(
                f'<text x="{sx(x):.1f}" y="{_H - _BOTTOM + 16}" text-anchor="middle" '
                f'fill="#555">{escape(x_fmt(x))}</text>'
            )
    body.append(
        f'<text x="{_LEFT + plot_w / 2:.0f}" y="{_H - 10}" text-anchor="middle" fill="#333">'
        f"{escape(x_label)}</text>"
    )
    body.extend(_legend([(n, c) for n, c, _ in series]))
    return _frame(body, label, ticks, fmt, top)


def strip_chart(
    rows: Sequence[Series],
    *,
    label: str,
    fmt: Fmt,
    band: tuple[float, float] | None = None,
    names: Sequence[Sequence[str]] | None = None,
) -> str:
    """One horizontal row of dots per series (e.g. utilisation of every agent per policy).

    ``band`` shades a target range on the x axis.
    """
    values = [v for _, _, vs in rows for v in vs]
    ticks = nice_ticks(max([*values, band[1] if band else 0.0, 0.0]))
    top = ticks[-1] or 1.0
    row_h = 34
    height = _TOP + row_h * len(rows) + 40
    plot_w = _W - _LEFT - _RIGHT - 60
    left = _LEFT + 60

    def sx(v: float) -> float:
        return left + (v / top) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" {_FONT}>'
    ]
    bottom = _TOP + row_h * len(rows)
    if band is not None:
        parts.append(
            f'<rect x="{sx(band[0]):.1f}" y="{_TOP}" width="{sx(band[1]) - sx(band[0]):.1f}" '
            f'height="{row_h * len(rows)}" fill="#e8f5e9"/>'
        )
    for t in ticks:
        parts.append(
            f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{_TOP}" y2="{bottom}" stroke="#e5e5e5"/>'
            f'<text x="{sx(t):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#555">'
            f"{escape(fmt(t))}</text>"
        )
    for r, (name, colour, vs) in enumerate(rows):
        y = _TOP + r * row_h + row_h / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
            f"{escape(name)}</text>"
        )
        for k, v in enumerate(vs):
            who = names[r][k] if names is not None else ""
            parts.append(
                f'<circle cx="{sx(v):.1f}" cy="{y:.1f}" r="4" fill="{colour}" fill-opacity="0.6">'
                f"<title>{escape(who)} {escape(fmt(v))}</title></circle>"
            )
    parts.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 6}" text-anchor="middle" fill="#333">'
        f"{escape(label)}</text></svg>"
    )
    return "".join(parts)
