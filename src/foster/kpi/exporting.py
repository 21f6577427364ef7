"""The plan dashboard as CSV and XLSX: one row per figure (value, target, status, source, as-of time,
the link to its records), and in the workbook a second sheet with the AI utilization waves and a
third with the forecast fan. Cells that start like a formula are escaped (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from foster.engines.survey import FAN_QUANTILES
from foster.kpi.figures import Figure

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _as_of(figure: Figure) -> str:
    return timezone.localtime(figure.as_of).strftime("%Y-%m-%d %H:%M") if figure.as_of else ""


def figure_rows(figures: Sequence[Figure], base_url: str) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Figure"),
        _("Value"),
        _("Value (text)"),
        _("Target"),
        _("Target (text)"),
        _("Status"),
        _("Source"),
        _("As of"),
        _("Records"),
    ]
    rows = [
        [
            figure.title,
            figure.value,
            figure.value_text,
            figure.target,
            figure.target_text,
            figure.status_label,
            figure.source,
            _as_of(figure),
            base_url + figure.records_url if figure.records_url else "",
        ]
        for figure in figures
    ]
    return [str(cell) for cell in header], rows


def dashboard_csv(figures: Sequence[Figure], base_url: str) -> bytes:
    """UTF-8 with a byte-order mark, so that Korean Excel opens it correctly."""
    header, rows = figure_rows(figures, base_url)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dashboard_xlsx(figures: Sequence[Figure], base_url: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(_("Plan figures"))[:31]
    header, rows = figure_rows(figures, base_url)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
    for column, width in zip("ABCDEFGHI", (34, 14, 50, 16, 40, 14, 60, 18, 60), strict=True):
        sheet.column_dimensions[column].width = width
    utilization = next((figure for figure in figures if figure.key == "ai_utilization"), None)
    if utilization is not None and utilization.extra.get("waves"):
        waves_sheet = workbook.create_sheet(str(_("AI utilization waves"))[:31])
        waves_sheet.append(
            [
                str(_("Year")),
                str(_("Estimate")),
                str(_("Standard error")),
                str(_("Interval, lower bound")),
                str(_("Interval, upper bound")),
                str(_("Design effect")),
                str(_("Responses")),
            ]
        )
        for wave in utilization.extra["waves"]:
            waves_sheet.append(
                [wave.year, wave.estimate, wave.se, wave.ci_low, wave.ci_high, wave.deff, wave.response_count]
            )
        fan = utilization.extra.get("forecast", {}).get("fan") or []
        if fan:
            fan_sheet = workbook.create_sheet(str(_("Forecast"))[:31])
            fan_sheet.append([str(_("Year")), str(_("Trend"))] + [f"q{round(q * 100)}" for q in FAN_QUANTILES])
            for point in fan:
                fan_sheet.append([point["year"], point["central"], *point["quantiles"]])
            fan_sheet.append([])
            fan_sheet.append(
                [str(_("Probability of reaching 50% by 2027")), utilization.extra["forecast"]["probability"]]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
