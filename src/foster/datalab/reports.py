"""A synthesis report in plain words and pictures: sentences for the owner and the startup, and chart
coordinates the templates draw as SVG (server-side, no JavaScript, no CDN). Text is escaped by the
templates; nothing here returns HTML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from foster.engines.synthesis import GATE_MIN_DCR_RATIO

CHART_WIDTH = 320
CHART_HEIGHT = 120
BAR_ROW = 22
SHAPE_LABEL_WIDTH = 180
SHAPE_BAR_WIDTH = 300
MAX_DISTRIBUTION_CHARTS = 12


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def fidelity_level(score: float) -> str:
    if score >= 0.9:
        return _("very close to the real table")
    if score >= 0.8:
        return _("close to the real table")
    if score >= 0.7:
        return _("only roughly like the real table")
    return _("far from the real table")


def sentences(report: dict[str, Any]) -> dict[str, list[str]]:
    """What the report says, section by section, in the user's language."""
    fidelity = report["fidelity"]
    said: dict[str, list[str]] = {"fidelity": [], "utility": [], "privacy": [], "warnings": []}
    said["fidelity"].append(
        _("Overall fidelity %(score)s: the synthetic table is %(level)s.")
        % {"score": _percent(fidelity["overall"]), "level": fidelity_level(fidelity["overall"])}
    )
    said["fidelity"].append(
        _(
            "Each column's distribution is kept at %(shapes)s on average, and the relations between pairs of "
            "columns at %(pairs)s."
        )
        % {"shapes": _percent(fidelity["column_shape_score"]), "pairs": _percent(fidelity["pair_trend_score"])}
    )
    if fidelity.get("related_pairs"):
        said["fidelity"].append(
            _("Of the %(count)s pairs of columns clearly related in the real data, the relation is kept at %(score)s.")
            % {"count": fidelity["related_pairs"], "score": _percent(fidelity["related_pairs_score"])}
        )
    utility = report.get("utility")
    if utility:
        metric = {"roc_auc": "ROC AUC", "macro_f1": _("macro F1")}.get(utility["metric"], "R²")
        said["utility"].append(
            _(
                "A model trained on the synthetic data predicts “%(target)s” on real rows it never saw with "
                "%(metric)s %(synthetic).3f; trained on the real rows it scores %(real).3f."
            )
            % {
                "target": utility["target"],
                "metric": metric,
                "synthetic": utility["synthetic_score"],
                "real": utility["real_score"],
            }
        )
        gap = abs(utility["difference"]) * 100
        if utility["difference"] >= -0.03:
            said["utility"].append(_("That is within a few points of the real data (%(gap).1f points).") % {"gap": gap})
        else:
            said["utility"].append(
                _("That is %(gap).1f points below the real data: models built on it will be weaker.") % {"gap": gap}
            )
    else:
        said["utility"].append(_("No column could be predicted, so utility was not measured."))
    privacy = report["privacy"]
    ratio = privacy.get("dcr_p5_ratio")
    if ratio is None:
        said["privacy"].append(
            _("The real table repeats its own rows, so distances are compared through exact copies only.")
        )
    else:
        said["privacy"].append(
            _(
                "The 5%% of synthetic rows closest to a real record are %(ratio).2f times as far from it as unseen "
                "real rows are (1 or more: no closer than a fresh real sample; the release threshold is "
                "%(threshold).1f)."
            )
            % {"ratio": ratio, "threshold": GATE_MIN_DCR_RATIO}
        )
    if privacy["exact_copies"]:
        said["privacy"].append(
            _(
                "%(count)s synthetic rows (%(share)s) are exact copies of real rows; unseen real rows repeat "
                "training rows %(baseline)s of the time."
            )
            % {
                "count": privacy["exact_copies"],
                "share": _percent(privacy["exact_copy_share"]),
                "baseline": _percent(privacy["holdout_copy_share"]),
            }
        )
    else:
        said["privacy"].append(_("No synthetic row is a copy of a real row."))
    said["privacy"].append(
        _(
            "%(share)s of synthetic rows are closer to the rows the model learnt from than to unseen rows "
            "(50%% is ideal)."
        )
        % {"share": _percent(privacy["closer_to_training_share"])}
    )
    for warning in report.get("warnings", []):
        said["warnings"].append(warning_text(warning))
    return said


def warning_text(warning: dict[str, Any]) -> str:
    code = warning["code"]
    if code == "dp_rare_interactions_lost":
        return _(
            "Differential privacy (ε = %(epsilon)s, δ = %(delta)s) protects every real record, at a price: only "
            "pairs of columns are kept, along one tree, so interactions of three or more columns and rare "
            "combinations (a rare defect in one line on one shift) are lost or blurred."
        ) % {"epsilon": warning["epsilon"], "delta": warning["delta"]}
    if code == "condition_applied":
        return _(
            "“%(value)s” in “%(column)s” was oversampled to %(share)s of the rows, so that column differs from "
            "the real table on purpose."
        ) % {"value": warning["value"], "column": warning["column"], "share": _percent(warning["share"])}
    if code == "identifiers_replaced":
        return _(
            "Identifier and free-text columns (%(columns)s) were not learnt: they hold fresh labels, not real values."
        ) % {"columns": ", ".join(warning["columns"])}
    if code == "small_table":
        return _(
            "The table has only %(rows)s rows: even a fresh real sample of this size would score well below 100%% "
            "on fidelity, so read the figures with that in mind."
        ) % {"rows": warning["rows"]}
    return code


def gate_reasons(gate: dict[str, Any]) -> list[str]:
    """Why the release gate blocked the download, in words."""
    reasons = []
    for reason in gate.get("reasons", []):
        if reason["code"] == "dcr_ratio":
            reasons.append(
                _(
                    "The closest synthetic rows are too close to real records: ratio %(value).2f, below the threshold "
                    "of %(threshold).1f. Try again with fewer columns, the differential-privacy method, or drop "
                    "columns that single people out."
                )
                % {"value": reason["value"], "threshold": reason["threshold"]}
            )
        elif reason["code"] == "exact_copies":
            reasons.append(
                _(
                    "%(count)s synthetic rows copy real rows (%(value)s), more than a fresh real sample would "
                    "(%(threshold)s)."
                )
                % {
                    "count": reason["count"],
                    "value": _percent(reason["value"]),
                    "threshold": _percent(reason["threshold"]),
                }
            )
    return reasons


def shape_chart(report: dict[str, Any]) -> dict[str, Any]:
    """Horizontal bars: each column's shape score."""
    shapes = report["fidelity"]["column_shapes"]
    bars = []
    for index, (name, value) in enumerate(shapes.items()):
        score = float(value["score"] or 0.0)
        bars.append(
            {
                "label": name,
                "y": index * BAR_ROW,
                "width": round(score * SHAPE_BAR_WIDTH, 1),
                "score": _percent(score),
                "text_y": index * BAR_ROW + 15,
                "metric": value["metric"],
            }
        )
    return {
        "bars": bars,
        "height": len(bars) * BAR_ROW + 4,
        "label_width": SHAPE_LABEL_WIDTH,
        "bar_width": SHAPE_BAR_WIDTH,
        "width": SHAPE_LABEL_WIDTH + SHAPE_BAR_WIDTH + 70,
    }


def _paired_bars(real: list[float], synthetic: list[float]) -> list[dict[str, Any]]:
    top = max([*real, *synthetic, 1e-9])
    count = max(1, len(real))
    slot = CHART_WIDTH / count
    bars = []
    for index, (a, b) in enumerate(zip(real, synthetic, strict=True)):
        real_height = a / top * (CHART_HEIGHT - 10)
        synthetic_height = b / top * (CHART_HEIGHT - 10)
        bars.append(
            {
                "real_x": round(index * slot + 1, 1),
                "synthetic_x": round(index * slot + slot / 2, 1),
                "width": round(max(1.0, slot / 2 - 1), 1),
                "real_y": round(CHART_HEIGHT - real_height, 1),
                "real_height": round(real_height, 1),
                "synthetic_y": round(CHART_HEIGHT - synthetic_height, 1),
                "synthetic_height": round(synthetic_height, 1),
                "real_share": _percent(a),
                "synthetic_share": _percent(b),
            }
        )
    return bars


def _axis_label(value: float | None, kind: str) -> str:
    """A histogram's end as the column writes it: a date for dates, a number otherwise."""
    if value is None:
        return ""
    if kind == "date":
        return (dt.date(1970, 1, 1) + dt.timedelta(days=round(value))).isoformat()
    if kind == "datetime":
        return (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=round(value))).strftime("%Y-%m-%d %H:%M")
    return f"{value:,.4g}"


def distribution_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Small multiples: the real and synthetic distribution of the first columns."""
    kinds = {column["name"]: column["kind"] for column in report.get("columns", [])}
    charts = []
    for chart in report.get("charts", [])[:MAX_DISTRIBUTION_CHARTS]:
        labels = [_("other") if label == "\x00other" else label for label in chart.get("labels", [])]
        charts.append(
            {
                "column": chart["column"],
                "kind": chart["kind"],
                "bars": _paired_bars(chart["real"], chart["synthetic"]),
                "labels": labels,
                "low": _axis_label(chart.get("low"), kinds.get(chart["column"], "")),
                "high": _axis_label(chart.get("high"), kinds.get(chart["column"], "")),
                "width": CHART_WIDTH,
                "height": CHART_HEIGHT,
            }
        )
    return charts


def distance_chart(report: dict[str, Any]) -> dict[str, Any]:
    privacy = report["privacy"]
    return {
        "bars": _paired_bars(privacy["holdout_histogram"], privacy["synthetic_histogram"]),
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "high": privacy["histogram_edges"][-1] if privacy["histogram_edges"] else 0,
    }
