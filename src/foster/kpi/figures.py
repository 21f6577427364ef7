"""The plan dashboard as a list of figure providers.

Each figure of the plan (the AI utilization rate, unicorns, designated manufacturing AI companies,
the liquidity and R&D shares, the AI fund, education participants, open-innovation projects) comes
from a ``FigureProvider``: an object with a ``key`` that returns a ``Figure`` (value, target, status,
source, as-of time, the link to its records) and the ``RecordTable`` of the records behind it. The
providers call the services and selectors of the app that owns the data (the finance monitors, the
registry's valuations, the applications' designations); they never recompute another app's figure.

A later issue adds its figure with ``register_figure_provider(provider)`` in its app's ``ready()``,
or replaces one registered under the same key (education does so for ``education_participants``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db.models import F, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from foster.core.caching import cached_figure
from foster.engines.survey import FAN_QUANTILES, ForecastRefused, Wave, logistic_forecast
from foster.finance.models import Transfer
from foster.finance.selectors import ai_fund_monitor, liquidity_share_monitor, rnd_share_monitor
from foster.kpi.choices import FigureStatus
from foster.kpi.selectors import estimated_waves, headline_survey

AI_UTILIZATION_TARGET = 0.50
AI_UTILIZATION_BASELINE = 0.28  # the plan's 2024 figure (a 500-firm business survey)
TARGET_YEAR = 2027
UNICORN_TARGET = 5
UNICORN_USD = 1_000_000_000
PIPELINE_USD = 100_000_000
DESIGNATION_TARGET = 100
RECORDS_SHOWN = 500


@dataclass(frozen=True)
class RecordRow:
    cells: tuple[str, ...]
    url: str = ""


@dataclass(frozen=True)
class RecordTable:
    """The records behind a figure: column labels, rows (each with the link to its record), how
    many there are in all and a note saying what they are."""

    columns: tuple[str, ...]
    rows: tuple[RecordRow, ...]
    total: int
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """One figure of the plan as the dashboard, the exports and the public page show it."""

    key: str
    title: str
    value: float | int | None
    value_text: str
    target: float | int | None
    target_text: str
    status: str | None  # FigureStatus, or None when the plan sets no target
    source: str
    as_of: dt.datetime | None
    detail: str = ""
    is_public: bool = False
    is_tracked: bool = True
    records_url: str = ""
    chart: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return "" if self.status is None else str(FigureStatus(self.status).label)


class FigureProvider(Protocol):
    key: str

    def figure(self) -> Figure: ...

    def records(self, *, user: Any) -> RecordTable: ...


_PROVIDERS: dict[str, FigureProvider] = {}


def register_figure_provider(provider: FigureProvider) -> None:
    """Add ``provider`` to the dashboard, or replace the one registered under its key (in place)."""
    _PROVIDERS[provider.key] = provider


def figure_providers() -> list[FigureProvider]:
    return list(_PROVIDERS.values())


def plan_figures() -> list[Figure]:
    """Every provider's figure (the plan dashboard, the public statistics), computed once and then
    served from the cache until the ledger, the registry or a survey changes (``foster.core.caching``; at most
    ``FIGURE_SECONDS`` old for what those areas do not cover)."""
    return cached_figure(
        "plan-figures",
        lambda: [provider.figure() for provider in figure_providers()],
        areas=("ledger", "registry", "surveys"),
    )


def figure_provider(key: str) -> FigureProvider | None:
    return _PROVIDERS.get(key)


def _records_url(key: str) -> str:
    return f"{reverse('kpi:figure-records')}?figure={key}"


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _won(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def _trillion_won(amount: int) -> str:
    return _("KRW %(amount)s trillion") % {"amount": number_format(round(amount / 1e12, 2), decimal_pos=2)}


# --- AI utilization --------------------------------------------------------------------------------


class AIUtilizationProvider:
    """The headline survey's latest wave: estimate and interval, the trajectory and the forecast to 2027."""

    key = "ai_utilization"

    def figure(self) -> Figure:
        title = _("SME AI utilization rate")
        target_text = _("50% by 2027 (28% in 2024)")
        survey = headline_survey()
        waves = estimated_waves(survey) if survey is not None else []
        if survey is None or not waves:
            return Figure(
                self.key,
                title,
                None,
                "—",
                AI_UTILIZATION_TARGET,
                target_text,
                FigureStatus.NO_DATA,
                _("No headline survey has an estimated wave yet."),
                None,
                is_public=True,
                records_url=_records_url(self.key),
            )
        latest = waves[-1]
        forecast_data: dict[str, Any] = {}
        status: str = FigureStatus.NO_DATA
        try:
            forecast = logistic_forecast(
                [Wave(wave.year, float(wave.estimate or 0.0), float(wave.se or 0.0)) for wave in waves],
                target=AI_UTILIZATION_TARGET,
                target_year=TARGET_YEAR,
            )
        except ForecastRefused as refusal:
            detail = (
                _(
                    "Too few survey waves to forecast: %(count)s wave(s); a forecast needs at least 3, because with "
                    "fewer a trend cannot be told from sampling noise."
                )
                % {"count": len(waves)}
                if refusal.code == "too_few_waves"
                else str(refusal)
            )
        else:
            probability = forecast.probability_of_target
            status = (
                FigureStatus.ON_TRACK
                if probability >= 0.5
                else FigureStatus.AT_RISK
                if probability >= 0.2
                else FigureStatus.BEHIND
            )
            final = forecast.fan[-1]
            detail = _(
                "Forecast for %(year)s: %(central)s (90%% band %(low)s to %(high)s); probability of reaching "
                "50%%: %(probability)s. The band carries each wave's sampling error, not doubt about the "
                "logistic trend itself."
            ) % {
                "year": TARGET_YEAR,
                "central": _percent(final.central),
                "low": _percent(final.quantiles[0]),
                "high": _percent(final.quantiles[-1]),
                "probability": _percent(probability, 0),
            }
            forecast_data = {
                "probability": probability,
                "fan": [
                    {"year": year.year, "central": year.central, "quantiles": list(year.quantiles)}
                    for year in forecast.fan
                ],
            }
        value_text = _("%(estimate)s in %(year)s (95%% interval %(low)s–%(high)s)") % {
            "estimate": _percent(latest.estimate),
            "year": latest.year,
            "low": _percent(latest.ci_low),
            "high": _percent(latest.ci_high),
        }
        return Figure(
            key=self.key,
            title=title,
            value=latest.estimate,
            value_text=value_text,
            target=AI_UTILIZATION_TARGET,
            target_text=target_text,
            status=status,
            source=_("%(survey)s (%(source)s), wave %(year)s, n = %(n)s")
            % {
                "survey": survey.name,
                "source": survey.source,
                "year": latest.year,
                "n": latest.response_count,
            },
            as_of=latest.imported_at,
            detail=detail,
            is_public=True,
            records_url=_records_url(self.key),
            chart=utilization_chart(waves, forecast_data),
            extra={
                "survey": survey,
                "waves": waves,
                "forecast": forecast_data,
                "latest": latest,
            },
        )

    def records(self, *, user: Any) -> RecordTable:
        survey = headline_survey()
        waves = list(survey.waves.order_by("year")) if survey is not None else []
        rows = tuple(
            RecordRow(
                (
                    str(wave.year),
                    _percent(wave.estimate),
                    _percent(wave.ci_low) + " – " + _percent(wave.ci_high),
                    "—" if wave.deff is None else f"{wave.deff:.2f}",
                    str(wave.response_count),
                ),
                reverse("kpi:wave-detail", kwargs={"pk": wave.pk}),
            )
            for wave in waves
        )
        return RecordTable(
            (_("Year"), _("Estimate"), _("95% CI"), _("Design effect"), _("Responses")),
            rows,
            len(rows),
            _("The survey waves behind the rate; each wave links to its responses and domain estimates."),
        )


def utilization_chart(waves: Sequence[Any], forecast: dict[str, Any]) -> dict[str, Any]:
    """The Plotly figure of the trajectory: each wave with its interval, the forecast fan (5–95% and
    25–75% bands, the central line) and the target."""
    years = [wave.year for wave in waves]
    data: list[dict[str, Any]] = []
    fan = forecast.get("fan") or []
    if fan:
        fan_years = [point["year"] for point in fan]
        outer_low = FAN_QUANTILES.index(0.05)
        outer_high = FAN_QUANTILES.index(0.95)
        inner_low = FAN_QUANTILES.index(0.25)
        inner_high = FAN_QUANTILES.index(0.75)
        for low, high, name, opacity in (
            (outer_low, outer_high, _("90% band"), 0.18),
            (inner_low, inner_high, _("50% band"), 0.32),
        ):
            data.append(
                {
                    "type": "scatter",
                    "x": fan_years + fan_years[::-1],
                    "y": [p["quantiles"][high] for p in fan] + [p["quantiles"][low] for p in fan][::-1],
                    "fill": "toself",
                    "fillcolor": f"rgba(1, 114, 173, {opacity})",
                    "line": {"width": 0},
                    "name": str(name),
                    "hoverinfo": "skip",
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": fan_years,
                "y": [point["central"] for point in fan],
                "line": {"dash": "dot", "color": "#0172ad"},
                "name": str(_("Logistic trend")),
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": years,
            "y": [wave.estimate for wave in waves],
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [(wave.ci_high or 0) - (wave.estimate or 0) for wave in waves],
                "arrayminus": [(wave.estimate or 0) - (wave.ci_low or 0) for wave in waves],
            },
            "marker": {"size": 10, "color": "#1d3557"},
            "name": str(_("Survey estimate with its 95% CI")),
        }
    )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [TARGET_YEAR],
            "y": [AI_UTILIZATION_TARGET],
            "marker": {"size": 14, "symbol": "star", "color": "#d62828"},
            "name": str(_("Target")),
        }
    )
    return {
        "data": data,
        "layout": {
            "yaxis": {"tickformat": ".0%", "range": [0, 0.8], "title": {"text": str(_("Share of SMEs using AI"))}},
            "xaxis": {"dtick": 1, "title": {"text": str(_("Year"))}},
            "margin": {"t": 20, "r": 10, "b": 50, "l": 60},
            "legend": {"orientation": "h", "y": -0.25},
            "height": 380,
        },
    }


# --- Unicorns --------------------------------------------------------------------------------------


def krw_per_usd() -> int:
    """The exchange rate the unicorn figure uses (setting ``FOSTER_KRW_PER_USD``)."""
    return int(settings.FOSTER_KRW_PER_USD)


def companies_valued_at_least(usd: int) -> Any:
    """Companies whose latest valuation (by date) is at least ``usd`` at the configured exchange rate,
    annotated with that valuation (``latest_krw``, ``latest_on``), largest first."""
    from foster.registry.models import Company, ValuationRecord

    threshold = usd * krw_per_usd()
    latest = ValuationRecord.objects.filter(company=OuterRef("pk")).order_by("-valued_on", "-id")
    # Only a company with some valuation at or above the line can have its latest there: starting
    # from those (a few thousand valuations) instead of every company of the registry turns a scan
    # of a million companies, each with a subquery, into a short semi-join (seconds -> milliseconds).
    candidates = ValuationRecord.objects.filter(amount_krw__gte=threshold).values("company_id")
    return (
        Company.objects.filter(pk__in=candidates)
        .annotate(
            latest_krw=Subquery(latest.values("amount_krw")[:1]), latest_on=Subquery(latest.values("valued_on")[:1])
        )
        .filter(latest_krw__gte=threshold)
        .order_by(F("latest_krw").desc(), "pk")
    )


class UnicornProvider:
    """Companies valued at USD 1 billion or more (latest valuation, configured exchange rate) against 5."""

    key = "unicorns"

    def figure(self) -> Figure:
        from foster.registry.models import ValuationRecord

        unicorns = companies_valued_at_least(UNICORN_USD).count()
        pipeline = companies_valued_at_least(PIPELINE_USD).count() - unicorns
        status = (
            FigureStatus.ON_TRACK
            if unicorns >= UNICORN_TARGET
            else FigureStatus.AT_RISK
            if unicorns + pipeline >= UNICORN_TARGET
            else FigureStatus.BEHIND
        )
        rate = krw_per_usd()
        return Figure(
            key=self.key,
            title=_("Global AI unicorns"),
            value=unicorns,
            value_text=_("%(count)s, and %(pipeline)s more valued at USD 100 million or more")
            % {
                "count": unicorns,
                "pipeline": pipeline,
            },
            target=UNICORN_TARGET,
            target_text=_("5 by 2027"),
            status=status,
            source=_("Registry valuation history, latest valuation per company at KRW %(rate)s per USD")
            % {"rate": _won(rate)},
            as_of=ValuationRecord.objects.aggregate(latest=Max("created_at"))["latest"],
            is_public=True,
            records_url=_records_url(self.key),
            extra={"pipeline": pipeline},
        )

    def records(self, *, user: Any) -> RecordTable:
        from foster.registry.selectors import company_queryset_for

        companies = list(companies_valued_at_least(PIPELINE_USD)[:RECORDS_SHOWN])
        visible = set(
            company_queryset_for(user).filter(pk__in=[company.pk for company in companies]).values_list("pk", flat=True)
        )
        rate = krw_per_usd()
        rows = tuple(
            RecordRow(
                (
                    company.name,
                    str(company.latest_on),
                    _won(company.latest_krw),
                    "USD " + _won(company.latest_krw // rate),
                    str(_("Unicorn")) if company.latest_krw >= UNICORN_USD * rate else str(_("Pipeline")),
                ),
                reverse("registry:company-detail", kwargs={"pk": company.pk}) if company.pk in visible else "",
            )
            for company in companies
        )
        return RecordTable(
            (_("Company"), _("Valued on"), _("Valuation (KRW)"), _("Valuation (USD)"), _("Group")),
            rows,
            companies_valued_at_least(PIPELINE_USD).count(),
            _("Companies whose latest valuation is USD 100 million or more, each linked to its registry entry."),
        )


# --- Designated manufacturing AI companies ----------------------------------------------------------


def designated_manufacturing_ai_applications() -> Any:
    """Applications that designated a company in a designation program tagged manufacturing AI
    (selected or further along: ``applications.services.DESIGNATED_STATUSES``)."""
    from foster.applications.models import Application
    from foster.applications.services import DESIGNATED_STATUSES
    from foster.programs.choices import PolicyTag, ProgramType
    from foster.programs.models import Program

    programs = [
        program.pk
        for program in Program.objects.filter(program_type=ProgramType.DESIGNATION)
        if PolicyTag.MANUFACTURING_AI in (program.policy_tags or [])
    ]
    return Application.objects.filter(call__program_id__in=programs, status__in=DESIGNATED_STATUSES).select_related(
        "company", "call"
    )


class DesignationProvider:
    key = "designated_manufacturing_ai"

    def figure(self) -> Figure:
        applications = designated_manufacturing_ai_applications()
        count = applications.values("company_id").distinct().count()
        return Figure(
            key=self.key,
            title=_("Designated manufacturing AI companies"),
            value=count,
            value_text=str(count),
            target=DESIGNATION_TARGET,
            target_text=_("100 companies"),
            status=FigureStatus.ON_TRACK if count >= DESIGNATION_TARGET else FigureStatus.AT_RISK,
            source=_("Applications selected in manufacturing AI designation programs"),
            as_of=applications.aggregate(latest=Max("updated_at"))["latest"],
            is_public=True,
            records_url=_records_url(self.key),
        )

    def records(self, *, user: Any) -> RecordTable:
        from foster.applications.selectors import application_queryset_for

        applications = designated_manufacturing_ai_applications()
        visible = set(
            application_queryset_for(user).filter(pk__in=applications.values("pk")).values_list("pk", flat=True)
        )
        shown = list(applications.order_by("company__name_ko", "pk")[:RECORDS_SHOWN])
        rows = tuple(
            RecordRow(
                (application.company.name, application.call.code, application.get_status_display()),
                reverse("applications:application-detail", kwargs={"pk": application.pk})
                if application.pk in visible
                else "",
            )
            for application in shown
        )
        return RecordTable(
            (_("Company"), _("Call"), _("Status")),
            rows,
            applications.count(),
            _("The designating applications; a company designated in two rounds counts once."),
        )


# --- Finance monitors ------------------------------------------------------------------------------


def _transfer_records(transfer_ids: Sequence[int], user: Any, note: str) -> RecordTable:
    from foster.finance.selectors import transfer_queryset_for

    transfers = list(
        transfer_queryset_for(user).filter(pk__in=list(transfer_ids)).order_by("-created_at", "-pk")[:RECORDS_SHOWN]
    )
    rows = tuple(
        RecordRow(
            (
                f"#{transfer.pk}",
                timezone.localtime(transfer.created_at).strftime("%Y-%m-%d"),
                transfer.get_kind_display(),
                str(transfer.program) if transfer.program else "—",
                str(transfer.company) if transfer.company else "—",
                _won(transfer.amount_krw),
            ),
            reverse("finance:transfer-detail", kwargs={"pk": transfer.pk}),
        )
        for transfer in transfers
    )
    return RecordTable(
        (_("Transfer"), _("Date"), _("Kind"), _("Program"), _("Company"), _("Amount (KRW)")),
        rows,
        len(transfer_ids),
        note,
    )


def _latest_transfer_time(transfer_ids: Sequence[int]) -> dt.datetime | None:
    if not transfer_ids:
        return None
    latest: dt.datetime | None = Transfer.objects.filter(pk__in=list(transfer_ids)).aggregate(latest=Max("created_at"))[
        "latest"
    ]
    return latest


@dataclass
class ShareProvider:
    """A finance share monitor (``finance.selectors``), this year."""

    key: str
    title: Any
    target_text: Any
    source: Any
    note: Any
    monitor: Callable[..., Any]

    def figure(self) -> Figure:
        year = timezone.localdate().year
        monitor = self.monitor(year=year)
        return Figure(
            key=self.key,
            title=str(self.title),
            value=monitor.share,
            value_text=_("%(share)s of KRW %(total)s (%(year)s)")
            % {
                "share": f"{monitor.share_percent}%",
                "total": _won(monitor.denominator_krw),
                "year": year,
            },
            target=monitor.target,
            target_text=str(self.target_text),
            status=FigureStatus.NO_DATA
            if not monitor.denominator_krw
            else FigureStatus.ON_TRACK
            if monitor.is_on_target
            else FigureStatus.BEHIND,
            source=str(self.source),
            as_of=timezone.now(),
            detail=_("%(numerator)s of %(denominator)s won")
            % {
                "numerator": _won(monitor.numerator_krw),
                "denominator": _won(monitor.denominator_krw),
            },
            is_public=True,
            records_url=_records_url(self.key),
            extra={
                "transfer_ids": monitor.transfer_ids,
                "latest_transfer": _latest_transfer_time(monitor.transfer_ids),
            },
        )

    def records(self, *, user: Any) -> RecordTable:
        monitor = self.monitor(year=timezone.localdate().year)
        return _transfer_records(monitor.transfer_ids, user, str(self.note))


class FundProvider:
    key = "ai_fund"

    def figure(self) -> Figure:
        monitor = ai_fund_monitor()
        total = monitor.total_krw
        return Figure(
            key=self.key,
            title=_("AI fund raised"),
            value=total,
            value_text=_("%(total)s (government %(government)s, private %(private)s)")
            % {
                "total": _trillion_won(total),
                "government": _trillion_won(monitor.by_source.get("government", 0)),
                "private": _trillion_won(monitor.by_source.get("private", 0)),
            },
            target=monitor.target_krw,
            target_text=_("KRW 3 trillion by 2027"),
            status=FigureStatus.ON_TRACK if total >= monitor.target_krw else FigureStatus.AT_RISK,
            source=_("Finance ledger: fund commitments and capital calls by source, net of reversals"),
            as_of=timezone.now(),
            is_public=True,
            records_url=_records_url(self.key),
            extra={"by_source": monitor.by_source},
        )

    def records(self, *, user: Any) -> RecordTable:
        return _transfer_records(
            ai_fund_monitor().transfer_ids, user, _("Fund commitments behind the figure, each linked to its entries.")
        )


# --- Open innovation and education -------------------------------------------------------------------


def open_innovation_projects() -> Any:
    """Open-innovation projects between a challenge's owner and a startup: the proof-of-concept
    projects of selected proposals (``innovation.PocProject``), stopped ones left out."""
    from foster.innovation.choices import PocState
    from foster.innovation.models import PocProject

    return PocProject.objects.exclude(state=PocState.STOPPED).select_related("challenge", "company")


class OpenInnovationProvider:
    key = "open_innovation_projects"

    def figure(self) -> Figure:
        from foster.innovation.choices import PocOutcome, PocState

        projects = open_innovation_projects()
        count = projects.count()
        succeeded = projects.filter(state=PocState.COMPLETED, outcome=PocOutcome.ACHIEVED).count()
        return Figure(
            key=self.key,
            title=_("Open-innovation projects"),
            value=count,
            value_text=_("%(count)s (goal achieved: %(succeeded)s)") % {"count": count, "succeeded": succeeded},
            target=None,
            target_text=_("No numeric target in the plan"),
            status=None,
            source=_("Open innovation: proof-of-concept projects of selected proposals (stopped ones left out)"),
            as_of=projects.aggregate(latest=Max("updated_at"))["latest"],
            is_public=True,
            records_url=_records_url(self.key),
        )

    def records(self, *, user: Any) -> RecordTable:
        from foster.innovation.selectors import poc_project_queryset_for

        projects = list(open_innovation_projects().order_by("-updated_at", "pk")[:RECORDS_SHOWN])
        visible = set(
            poc_project_queryset_for(user)
            .filter(pk__in=[project.pk for project in projects])
            .values_list("pk", flat=True)
        )
        rows = tuple(
            RecordRow(
                (
                    project.challenge.title,
                    project.company.name,
                    project.get_state_display(),
                    project.get_outcome_display() or "—",
                    _won(project.budget_krw),
                ),
                reverse("innovation:project-detail", kwargs={"pk": project.pk}) if project.pk in visible else "",
            )
            for project in projects
        )
        return RecordTable(
            (_("Challenge"), _("Startup"), _("State"), _("Outcome"), _("Agreed budget (KRW)")),
            rows,
            open_innovation_projects().count(),
            _("Proof-of-concept projects; each links to its page where you take part in it."),
        )


class NotTrackedProvider:
    """A figure of the plan that no part of Foster records yet: shown as such, never as zero."""

    def __init__(self, key: str, title: Any, target_text: Any, owner: Any) -> None:
        self.key = key
        self.title = title
        self.target_text = target_text
        self.owner = owner

    def figure(self) -> Figure:
        return Figure(
            key=self.key,
            title=str(self.title),
            value=None,
            value_text=_("Not tracked yet"),
            target=None,
            target_text=str(self.target_text),
            status=FigureStatus.NOT_TRACKED,
            source=str(self.owner),
            as_of=None,
            is_tracked=False,
            records_url=_records_url(self.key),
        )

    def records(self, *, user: Any) -> RecordTable:
        return RecordTable((), (), 0, str(self.owner))


def register_plan_figures() -> None:
    """The plan's figures, in the dashboard's order (called by ``KpiConfig.ready``)."""
    register_figure_provider(AIUtilizationProvider())
    register_figure_provider(UnicornProvider())
    register_figure_provider(DesignationProvider())
    register_figure_provider(
        ShareProvider(
            "liquidity_share",
            gettext_lazy("New liquidity to innovative growth areas"),
            gettext_lazy("Target 60%: KRW 5.7 of 9.8 trillion of new SME liquidity in 2025"),
            gettext_lazy("Finance ledger: loan and guarantee approvals this year, net of cancellations"),
            gettext_lazy(
                "The approvals to programs tagged AI, semiconductor or innovative growth, each linked to its entries."
            ),
            liquidity_share_monitor,
        )
    )
    register_figure_provider(
        ShareProvider(
            "rnd_share",
            gettext_lazy("R&D to strategic technology"),
            gettext_lazy("More than half (50%) of the new SME R&D budget"),
            gettext_lazy("Finance ledger: R&D approvals this year, net of cancellations"),
            gettext_lazy("The R&D approvals to strategic technology and AI programs, each linked to its entries."),
            rnd_share_monitor,
        )
    )
    register_figure_provider(FundProvider())
    register_figure_provider(
        NotTrackedProvider(
            "education_participants",
            gettext_lazy("Education participants"),
            gettext_lazy("Education and consulting for SME staff"),
            gettext_lazy("Education and consulting are not in Foster yet; their attendance will be counted here."),
        )
    )
    register_figure_provider(OpenInnovationProvider())
