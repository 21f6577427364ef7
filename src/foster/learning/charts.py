"""A company's diagnostic levels over time as an inline SVG line chart, drawn on the server (no
JavaScript, no chart library): one line per area and a thicker one for the overall level."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from foster.learning.choices import Area
from foster.learning.models import Diagnostic
from foster.learning.questionnaire import AREAS

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 130, 20, 40
COLOURS = {
    "overall": "#1f4e8c",
    "strategy": "#b35806",
    "data": "#1b7837",
    "people": "#762a83",
    "processes": "#c51b7d",
    "infrastructure": "#4d4d4d",
}


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if count == 1 else inner * index / (count - 1))


def _y(level: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (5 - level) / 4


def progress_chart_svg(diagnostics: Sequence[Diagnostic], *, title: str) -> SafeString:
    """The chart of ``diagnostics`` (oldest first); empty when there is none. Every text is escaped."""
    if not diagnostics:
        return mark_safe("")  # nosec B308  # an empty string
    count = len(diagnostics)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="progress-chart-title" class="progress-chart">',
        f'<title id="progress-chart-title">{escape(title)}</title>',
    ]
    for level in range(1, 6):
        y = _y(level)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{level}</text>')
    for index, diagnostic in enumerate(diagnostics):
        label = timezone.localtime(diagnostic.created_at).strftime("%Y-%m-%d")
        parts.append(
            f'<text x="{_x(index, count):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>'
        )
    labels = dict(Area.choices)
    series = [(area, str(labels[area]), [float(d.area_levels[area]) for d in diagnostics]) for area in AREAS]
    from django.utils.translation import gettext as _

    series.append(("overall", _("Overall"), [float(d.overall_level) for d in diagnostics]))
    for position, (key, name, values) in enumerate(series):
        colour = COLOURS[key]
        width = 3.5 if key == "overall" else 1.5
        dash = "" if key == "overall" else ' stroke-dasharray="4 3"'
        # Areas at the same level would hide each other: shift each area's line by a pixel or two.
        offset = 0 if key == "overall" else (position - 2) * 1.5
        points = " ".join(f"{_x(index, count):.1f},{_y(value) + offset:.1f}" for index, value in enumerate(values))
        if count > 1:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>')
        radius = 4 if key == "overall" else 2.5
        for index, value in enumerate(values):
            parts.append(
                f'<circle cx="{_x(index, count):.1f}" cy="{_y(value) + offset:.1f}" r="{radius}" '
                f'fill="{colour}"><title>{escape(name)}: {value:g}</title></circle>'
            )
        legend_y = TOP + 14 + position * 18
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" y1="{legend_y - 4}" x2="{WIDTH - RIGHT + 32}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="{width}"{dash}/>'
        )
        parts.append(f'<text x="{WIDTH - RIGHT + 38}" y="{legend_y}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped  # nosec B308 B703  # every text of the SVG is escaped above
