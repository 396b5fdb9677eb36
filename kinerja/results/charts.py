"""Charts of one employee's results, drawn by matplotlib on the server as inline, accessible SVG."""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes

SERIES_STYLE = {  # colour-blind safe (Okabe–Ito), each series also has its own line style
    "score": ("#0072B2", "-", "o"),
    "self": ("#E69F00", "--", "s"),
    "required": ("#333333", ":", None),
}


@dataclass(frozen=True)
class Series:
    key: str  # "score" | "self" | "required"
    label: str
    values: Sequence[float | None]


def radar_svg(*, labels: Sequence[str], series: Sequence[Series], title: str, desc: str) -> str:
    """A radar (spider) chart on the 1–5 scale as an SVG string that scales to its container.
    Empty when there are fewer than three axes (a radar needs a polygon). Drawing takes about
    0.15 s, so the same chart (stored results rarely change) is drawn once per process."""
    frozen = tuple((s.key, str(s.label), tuple(s.values)) for s in series)
    return _radar(tuple(str(label) for label in labels), frozen, str(title), str(desc))


@lru_cache(maxsize=512)
def _radar(
    labels: tuple[str, ...],
    frozen: tuple[tuple[str, str, tuple[float | None, ...]], ...],
    title: str,
    desc: str,
) -> str:
    series = [Series(key, label, values) for key, label, values in frozen]
    n = len(labels)
    if n < 3:
        return ""
    # Imported on first use, not when the URLconf loads: matplotlib costs every process (web
    # workers, the CLI) a noticeable start-up otherwise. A bare Figure needs no GUI backend.
    import matplotlib
    from matplotlib.figure import Figure

    angles = [2 * math.pi * i / n for i in range(n)]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kinerja"}):
        fig = Figure(figsize=(6.4, 5.6))
        ax: PolarAxes = fig.add_subplot(projection="polar")  # type: ignore[assignment]
        ax.set_theta_offset(math.pi / 2)  # the first competency at the top, then clockwise
        ax.set_theta_direction(-1)
        closed = [*angles, angles[0]]
        for s in series:
            colour, style, marker = SERIES_STYLE.get(s.key, ("#666666", "-", None))
            values = [math.nan if v is None else float(v) for v in s.values]
            ring = [*values, values[0]]
            ax.plot(
                closed,
                ring,
                color=colour,
                linestyle=style,
                marker=marker,
                markersize=4,
                linewidth=1.8,
                label=s.label,
            )
            if s.key == "score" and not any(math.isnan(v) for v in values):
                ax.fill(closed, ring, color=colour, alpha=0.12)
        ax.set_ylim(0, 5)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.set_yticklabels(["1", "2", "3", "4", "5"], fontsize=7, color="#555555")
        ax.set_xticks(angles)
        ax.set_xticklabels([textwrap.fill(label, 16) for label in labels], fontsize=8)
        ax.tick_params(axis="x", pad=10)
        ax.grid(color="#cccccc", linewidth=0.6)
        ax.spines["polar"].set_color("#bbbbbb")
        fig.legend(loc="lower center", ncol=len(series), fontsize=8, frameon=False)
        fig.subplots_adjust(left=0.14, right=0.86, top=0.9, bottom=0.14)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _accessible(buffer.getvalue(), title=title, desc=desc)


def _accessible(svg: str, *, title: str, desc: str) -> str:
    """Inline SVG that scales with its container (viewBox, no fixed size), with title and desc
    for screen readers."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = svg.replace(
        "<svg",
        '<svg role="img" aria-labelledby="radar-title radar-desc" class="w-100 h-auto"'
        ' preserveAspectRatio="xMidYMid meet"',
        1,
    )
    head_end = svg.index(">") + 1
    return (
        svg[:head_end]
        + f'<title id="radar-title">{escape(title)}</title>'
        + f'<desc id="radar-desc">{escape(desc)}</desc>'
        + svg[head_end:]
    )
