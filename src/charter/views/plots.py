"""Static SVG charts for the site: histograms of features, metrics over runs.

Why SVG written here rather than matplotlib or a vendored chart library:
- nothing in the lock: matplotlib would add itself, pillow, fonttools,
  kiwisolver, contourpy and more (tens of MB) to every generated project, and a
  JavaScript chart library a second vendored script beside Mermaid;
- speed: a histogram is a few dozen rectangles, written in microseconds, so a
  catalog of 2,000 features still builds in seconds (matplotlib takes tens of
  milliseconds a figure, and imports in half a second);
- look and reach: crisp at any zoom, a few kB each, readable with JavaScript off,
  with a `<title>` and `<desc>` for screen readers, and byte-identical for the
  same data (the site diffs cleanly).
Charts stay simple (bars and lines); anything richer is a page's own choice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 360, 150
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 12, 22, 30
BAR = "#3f51b5"
AXIS = "#757575"
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def histogram(values: Sequence[float], bins: int = 20) -> tuple[list[int], float, float]:
    """Counts of `values` in `bins` equal-width bins between their min and max (NaN skipped)."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return [], 0.0, 0.0
    low, high = min(finite), max(finite)
    counts = [0] * bins
    width = (high - low) / bins
    for value in finite:
        index = bins - 1 if width == 0 else min(int((value - low) / width), bins - 1)
        counts[index] += 1
    return counts, low, high


def histogram_svg(title: str, counts: Sequence[int], low: float, high: float) -> str:
    """An SVG bar chart of binned counts, the x axis labelled with the range."""
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = max(counts, default=0) or 1
    parts = _open(title, f"{sum(counts)} values from {_num(low)} to {_num(high)}")
    bar_w = plot_w / max(len(counts), 1)
    for index, count in enumerate(counts):
        h = plot_h * count / top
        x = MARGIN_LEFT + index * bar_w
        y = MARGIN_TOP + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 0.5):.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{count}</title></rect>'
        )
    parts += _axes(plot_w, plot_h, _num(low), _num(high), str(top))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def line_svg(title: str, values: Sequence[float | None], labels: Sequence[str]) -> str:
    """An SVG line chart of one value per run, in order; None leaves a gap."""
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    known = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    if high == low:  # one value, or all equal: a band around it, the point in the middle
        pad = abs(low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    span = high - low
    step = plot_w / max(len(values) - 1, 1)
    parts = _open(title, f"{len(values)} runs, oldest first")
    points = []
    for index, (value, name) in enumerate(zip(values, labels, strict=True)):
        if value is None or not math.isfinite(value):
            continue
        x = MARGIN_LEFT + (index * step if len(values) > 1 else plot_w / 2)
        y = MARGIN_TOP + plot_h - plot_h * (value - low) / span
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}">'
            f"<title>{escape(name)}: {_num(value)}</title></circle>"
        )
    if len(points) > 1:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{BAR}"/>')
    first, last = ("run 1", f"run {len(values)}") if len(values) > 1 else ("", "run 1")
    parts += _axes(plot_w, plot_h, first, last, _num(high), bottom=_num(low))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _open(title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        f'<text x="{MARGIN_LEFT}" y="14" {FONT} fill="#424242">{escape(title)}</text>',
    ]


def _axes(
    plot_w: float, plot_h: float, left: str, right: str, top: str, *, bottom: str = "0"
) -> list[str]:
    x0, y0 = MARGIN_LEFT, MARGIN_TOP + plot_h
    return [
        f'<line x1="{x0}" y1="{y0}" x2="{x0 + plot_w}" y2="{y0}" stroke="{AXIS}"/>',
        f'<line x1="{x0}" y1="{MARGIN_TOP}" x2="{x0}" y2="{y0}" stroke="{AXIS}"/>',
        f'<text x="{x0}" y="{y0 + 14}" {FONT} fill="{AXIS}">{escape(left)}</text>',
        f'<text x="{x0 + plot_w}" y="{y0 + 14}" {FONT} fill="{AXIS}" '
        f'text-anchor="end">{escape(right)}</text>',
        f'<text x="{x0 - 4}" y="{MARGIN_TOP + 8}" {FONT} fill="{AXIS}" '
        f'text-anchor="end">{escape(top)}</text>',
        f'<text x="{x0 - 4}" y="{y0}" {FONT} fill="{AXIS}" '
        f'text-anchor="end">{escape(bottom)}</text>',
    ]


def _num(value: float) -> str:
    """Short, stable number text: integers as such, others to four significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"
