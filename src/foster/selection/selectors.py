"""Reads of the selection app, scoped: every page starts from ``scenario_queryset_for``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from foster.applications.models import Application
from foster.core.i18n import is_english
from foster.programs.selectors import call_manage_queryset_for
from foster.registry.choices import Region
from foster.registry.models import Company
from foster.selection.choices import ScenarioStatus
from foster.selection.explanations import constraint_label, explanation_sentence, flip_sentence
from foster.selection.models import SelectionScenario


def scenario_queryset_for(user: Any) -> QuerySet[SelectionScenario]:
    """Scenarios of the calls in the user's officials' area (own agency; every call for planners)."""
    return SelectionScenario.objects.filter(call__in=call_manage_queryset_for(user)).select_related(
        "call", "call__program", "call__program__agency", "job"
    )


def committed_scenario_of(call_id: int) -> SelectionScenario | None:
    """The committed scenario of the call, if any."""
    return SelectionScenario.objects.filter(call_id=call_id, status=ScenarioStatus.COMMITTED).first()


def scenario_is_read_only(scenario: SelectionScenario) -> bool:
    """Committed, or another scenario of its call was committed."""
    if scenario.status == ScenarioStatus.COMMITTED:
        return True
    return SelectionScenario.objects.filter(call_id=scenario.call_id, status=ScenarioStatus.COMMITTED).exists()


# --- Result and comparison reports -------------------------------------------------------------


@dataclass(frozen=True)
class ResultLine:
    """One candidate of a solved scenario, with its translated explanation."""

    application: Application
    value: float
    amount_krw: int
    is_selected: bool
    outcome: str  # selected, reserve, rejected (what a commit does)
    code: str
    sentence: str
    flip: str
    is_near_line: bool


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    factor: float
    limit_krw: float | None
    objective: float | None
    count: int | None


@dataclass(frozen=True)
class SensitivityChart:
    """The budget sweep as SVG coordinates (drawn by the template, no JavaScript)."""

    width: int
    height: int
    points: tuple[ChartPoint, ...]
    polyline: str
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    current_x: float | None


@dataclass(frozen=True)
class ScenarioSummary:
    """What the comparison shows of one scenario."""

    scenario: SelectionScenario
    objective: float | None
    count: int
    money_krw: int
    ai_share: float | None
    region_money: dict[str, int]
    selected: frozenset[str]


@dataclass(frozen=True)
class ScenarioReport:
    scenario: SelectionScenario
    lines: tuple[ResultLine, ...]
    binding: tuple[str, ...]
    quota_costs: tuple[dict[str, Any], ...]
    overrides: dict[str, Any] | None
    conflict: str
    chart: SensitivityChart | None
    summary: ScenarioSummary
    lottery: dict[str, Any] | None


def _company_names(problem: dict[str, Any]) -> dict[str, str]:
    ids = {
        int(item["attributes"]["company"])
        for item in problem.get("candidates", [])
        if "company" in item.get("attributes", {})
    }
    return {str(company.pk): company.name for company in Company.objects.filter(pk__in=ids)}


def scenario_summary(scenario: SelectionScenario) -> ScenarioSummary:
    problem, result = scenario.problem or {}, scenario.result or {}
    selected = frozenset(result.get("selected", []))
    money = 0
    ai_money = 0
    regions: dict[str, int] = {}
    for item in problem.get("candidates", []):
        if item["id"] not in selected:
            continue
        amount = int(item.get("costs", {}).get("amount_krw", 0))
        attributes = item.get("attributes", {})
        money += amount
        if attributes.get("ai") == "yes":
            ai_money += amount
        region = attributes.get("region", "")
        regions[region] = regions.get(region, 0) + amount
    return ScenarioSummary(
        scenario=scenario,
        objective=scenario.objective,
        count=len(selected),
        money_krw=money,
        ai_share=(ai_money / money) if money else None,
        region_money=dict(sorted(regions.items())),
        selected=selected,
    )


def _won_short(amount: float) -> str:
    """Amounts on the chart's axis: billions of won in English, 억 원 (hundred millions) in Korean."""
    if is_english():
        return f"KRW {amount / 1_000_000_000:,.1f} bn"
    return f"{amount / 100_000_000:,.0f}억 원"


def sensitivity_chart(sensitivity: dict[str, Any] | None, budget_krw: float | None) -> SensitivityChart | None:
    """SVG coordinates of the budget sweep: total score (y) against the budget (x)."""
    if not sensitivity:
        return None
    raw = [point for point in sensitivity.get("points", []) if point.get("limit") is not None]
    solved = [point for point in raw if point.get("objective") is not None]
    if len(raw) < 2 or not solved:
        return None
    width, height, left, right, top, bottom = 640, 280, 80, 20, 20, 40
    x_low, x_high = min(p["limit"] for p in raw), max(p["limit"] for p in raw)
    y_high = max(p["objective"] for p in solved) or 1.0
    y_low = 0.0

    def x_of(value: float) -> float:
        return round(left + (value - x_low) / ((x_high - x_low) or 1.0) * (width - left - right), 1)

    def y_of(value: float) -> float:
        return round(height - bottom - (value - y_low) / ((y_high - y_low) or 1.0) * (height - top - bottom), 1)

    points = tuple(
        ChartPoint(
            x=x_of(p["limit"]),
            y=y_of(p["objective"]),
            factor=p["factor"],
            limit_krw=p["limit"],
            objective=p["objective"],
            count=p.get("selected_count"),
        )
        for p in solved
    )
    x_ticks = tuple((x_of(p["limit"]), _won_short(p["limit"])) for p in raw[:: max(1, len(raw) // 5)])
    y_ticks = tuple((y_of(y_high * share), f"{y_high * share:,.0f}") for share in (0.0, 0.25, 0.5, 0.75, 1.0))
    current = x_of(budget_krw) if budget_krw is not None and x_low <= budget_krw <= x_high else None
    return SensitivityChart(
        width=width,
        height=height,
        points=points,
        polyline=" ".join(f"{point.x},{point.y}" for point in points),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        current_x=current,
    )


def scenario_report(scenario: SelectionScenario) -> ScenarioReport:
    """Everything the result page shows, translated into the active language."""
    from foster.selection.services import ScenarioSettings, commit_plan

    problem, result = scenario.problem or {}, scenario.result or {}
    names = _company_names(problem)
    plan = commit_plan(scenario)
    reserve, selected_ids = set(plan.reserve), set(plan.selected)
    explanations = result.get("explanations", {})
    applications = Application.objects.select_related("company").in_bulk(
        [int(item["id"]) for item in problem.get("candidates", [])]
    )
    lines = []
    for item in problem.get("candidates", []):
        application = applications.get(int(item["id"]))
        if application is None:
            continue
        explanation = explanations.get(item["id"], {})
        pk = application.pk
        outcome = "selected" if pk in selected_ids else "reserve" if pk in reserve else "rejected"
        lines.append(
            ResultLine(
                application=application,
                value=float(item["value"]),
                amount_krw=int(item.get("costs", {}).get("amount_krw", 0)),
                is_selected=pk in selected_ids,
                outcome=outcome,
                code=str(explanation.get("code", "")),
                sentence=explanation_sentence(explanation, names) if explanation else "",
                flip=flip_sentence(explanation.get("flip")),
                is_near_line=bool(explanation.get("flip")),
            )
        )
    lines.sort(key=lambda line: (not line.is_selected, -line.value, line.application.pk))
    quota_costs = tuple(
        {**item, "label": constraint_label(item["constraint"])} for item in result.get("quota_costs") or []
    )
    conflict = result.get("conflict")
    conflict_text = ""
    if conflict:
        conflict_text = _("No portfolio meets %(constraints)s together; relax one of them.") % {
            "constraints": ", ".join(constraint_label(name, names) for name in conflict.get("constraints", []))
            + (" " + ", ".join(conflict.get("locks", [])) if conflict.get("locks") else "")
        }
    settings = ScenarioSettings.from_json(scenario.settings)
    return ScenarioReport(
        scenario=scenario,
        lines=tuple(lines),
        binding=tuple(constraint_label(name, names) for name in result.get("binding", [])),
        quota_costs=quota_costs,
        overrides=result.get("overrides"),
        conflict=conflict_text,
        chart=sensitivity_chart(result.get("sensitivity"), float(settings.budget_krw)),
        summary=scenario_summary(scenario),
        lottery=result.get("lottery"),
    )


@dataclass(frozen=True)
class Comparison:
    summaries: tuple[ScenarioSummary, ...]
    differences: tuple[tuple[Application, tuple[bool, ...]], ...]
    regions: tuple[tuple[str, tuple[int, ...]], ...]


def scenarios_compare(scenarios: list[SelectionScenario]) -> Comparison:
    """Side by side: objective, count, money, shares, and the applications selected in some of the
    scenarios but not all."""
    summaries = tuple(scenario_summary(scenario) for scenario in scenarios)
    every = frozenset().union(*(summary.selected for summary in summaries)) if summaries else frozenset()
    common = frozenset.intersection(*(summary.selected for summary in summaries)) if summaries else frozenset()
    differing = sorted(every - common, key=int)
    applications = Application.objects.select_related("company").in_bulk([int(item) for item in differing])
    differences = tuple(
        (applications[int(item)], tuple(item in summary.selected for summary in summaries))
        for item in differing
        if int(item) in applications
    )
    region_codes = sorted({code for summary in summaries for code in summary.region_money})
    regions = tuple(
        (
            str(Region(code).label) if code in Region.values else code,
            tuple(s.region_money.get(code, 0) for s in summaries),
        )
        for code in region_codes
    )
    return Comparison(summaries=summaries, differences=differences, regions=regions)
