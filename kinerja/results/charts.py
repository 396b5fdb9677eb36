"""Charts of one employee's results, drawn on the server as inline, accessible SVG: a few
polygons and text, written directly (no plotting library: matplotlib cost each process 1.7 s on
its first chart and 0.15–0.4 s per chart after)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

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
    Empty when there are fewer than three axes (a radar needs a polygon). A missing value
    leaves a gap in its ring."""
    frozen = tuple((s.key, str(s.label), tuple(s.values)) for s in series)
    return _radar(tuple(str(label) for label in labels), frozen, str(title), str(desc))


WIDTH, HEIGHT = 640, 560
CX, CY, RADIUS = 320, 255, 170
DASHES = {"-": "", "--": ' stroke-dasharray="7 4"', ":": ' stroke-dasharray="2 3"'}


def _xy(angle: float, level: float) -> tuple[float, float]:
    """The point at `level` (0–5) on the axis at `angle` (0 at the top, clockwise)."""
    r = RADIUS * level / 5
    return CX + r * math.sin(angle), CY - r * math.cos(angle)


def _points(pairs: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


@lru_cache(maxsize=512)
def _radar(
    labels: tuple[str, ...],
    frozen: tuple[tuple[str, str, tuple[float | None, ...]], ...],
    title: str,
    desc: str,
) -> str:
    n = len(labels)
    if n < 3:
        return ""
    angles = [2 * math.pi * i / n for i in range(n)]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        ' aria-labelledby="radar-title radar-desc" class="w-100 h-auto"'
        ' preserveAspectRatio="xMidYMid meet" font-family="sans-serif">',
        f'<title id="radar-title">{escape(title)}</title>',
        f'<desc id="radar-desc">{escape(desc)}</desc>',
    ]
    # The scale: a ring per level, a spoke per competency, the levels along the first spoke.
    for level in range(1, 6):
        ring = _points([_xy(a, level) for a in angles])
        out.append(f'<polygon points="{ring}" fill="none" stroke="#cccccc" stroke-width="0.8"/>')
    for angle in angles:
        x, y = _xy(angle, 5)
        out.append(
            f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#cccccc"'
            ' stroke-width="0.8"/>'
        )
    for level in range(1, 6):
        x, y = _xy(0, level)
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="11" fill="#555555">{level}</text>'
        )
    for angle, label in zip(angles, labels, strict=True):
        x, y = _xy(angle, 5.9)
        sine = math.sin(angle)
        anchor = "middle" if abs(sine) < 0.3 else ("start" if sine > 0 else "end")
        lines = textwrap.wrap(label, 16) or [""]
        top = y - 7 * (len(lines) - 1) if abs(math.cos(angle)) < 0.7 else y
        if math.cos(angle) < -0.7:  # below the chart: the text hangs down from the point
            top = y + 6
        elif math.cos(angle) > 0.7:  # above it: the text stands on the point
            top = y - 14 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{top + 14 * k:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        out.append(f'<text text-anchor="{anchor}" font-size="12" fill="#212529">{spans}</text>')
    # The series: a ring each (broken where a value is missing), its points marked.
    for key, _label, values in frozen:
        colour, style, marker = SERIES_STYLE.get(key, ("#666666", "-", None))
        points = [
            None if v is None else _xy(a, float(v)) for a, v in zip(angles, values, strict=True)
        ]
        whole = [p for p in points if p is not None]
        if key == "score" and len(whole) == n:
            out.append(
                f'<polygon points="{_points(whole)}" fill="{colour}" fill-opacity="0.12"'
                ' stroke="none"/>'
            )
        for k in range(n):
            a, b = points[k], points[(k + 1) % n]
            if a is not None and b is not None:
                out.append(
                    f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}"'
                    f' stroke="{colour}" stroke-width="1.8"{DASHES[style]}/>'
                )
        for point in points:
            if point is None or marker is None:
                continue
            x, y = point
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
                if marker == "o"
                else f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7"'
                f' fill="{colour}"/>'
            )
    # The legend, centred under the chart: a sample of each line and its name.
    widths = [40 + 7 * len(label) for _key, label, _values in frozen]
    x = (WIDTH - sum(widths)) / 2
    for (key, label, _values), width in zip(frozen, widths, strict=True):
        colour, style, _marker = SERIES_STYLE.get(key, ("#666666", "-", None))
        y = HEIGHT - 18
        out.append(
            f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x + 24:.1f}" y2="{y - 4}" stroke="{colour}"'
            f' stroke-width="2"{DASHES[style]}/>'
            f'<text x="{x + 30:.1f}" y="{y}" font-size="12" fill="#212529">{escape(label)}</text>'
        )
        x += width
    out.append("</svg>")
    return "".join(out)
