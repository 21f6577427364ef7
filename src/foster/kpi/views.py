"""KPI pages: the plan dashboard with its charts, the records behind each figure, the exports, the
surveys with their waves, and the import of a wave's responses. Every read is scoped."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from foster.core.csv_files import TableRefused
from foster.core.forms import service_errors_to_form
from foster.engines.survey import IntervalMethod
from foster.kpi.exporting import dashboard_csv, dashboard_xlsx
from foster.kpi.figures import Figure, figure_provider, figure_providers, plan_figures
from foster.kpi.forms import SurveyForm, WaveImportForm
from foster.kpi.selectors import frame_stratum_sizes, survey_queryset_for, wave_queryset_for
from foster.kpi.services import WaveImportRefused, survey_create, wave_import

ERRORS_SHOWN = 500


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def progress_chart(figures: list[Figure]) -> dict[str, Any]:
    """Each figure with a numeric target as a share of its target (a bar per figure, the target at 100%)."""
    shown = [figure for figure in figures if figure.value is not None and figure.target]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [figure.title for figure in shown],
                "x": [min(float(figure.value or 0) / float(figure.target or 1), 1.5) for figure in shown],
                "text": [f"{float(figure.value or 0) / float(figure.target or 1):.0%}" for figure in shown],
                "textposition": "auto",
                "marker": {"color": ["#1e7a6f" if figure.status == "on_track" else "#e9c46a" for figure in shown]},
                "hoverinfo": "text",
            }
        ],
        "layout": {
            "xaxis": {"tickformat": ".0%", "range": [0, 1.5], "title": {"text": _("Share of the target reached")}},
            "yaxis": {"automargin": True},
            "shapes": [
                {"type": "line", "x0": 1, "x1": 1, "y0": -0.5, "y1": len(shown) - 0.5, "line": {"dash": "dash"}}
            ],
            "margin": {"t": 10, "r": 10, "b": 50, "l": 10},
            "height": 60 + 45 * max(len(shown), 1),
        },
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "kpi.view_dashboard")
    figures = plan_figures()
    utilization = next((figure for figure in figures if figure.key == "ai_utilization"), None)
    context = {
        "figures": figures,
        "utilization": utilization,
        "utilization_chart": utilization.chart if utilization else None,
        "progress_chart": progress_chart(figures),
        "computed_at": timezone.now(),
        "can_manage": request.user.has_perm("kpi.manage_surveys"),
    }
    return render(request, "kpi/dashboard.html", context)


@login_required
@require_GET
def figure_records(request: HttpRequest) -> HttpResponse:
    """The records behind one figure (``?figure=key``), or the list of figures without it."""
    _require(request, "kpi.view_dashboard")
    key = request.GET.get("figure", "")
    if not key:
        return render(request, "kpi/records_index.html", {"providers": figure_providers()})
    provider = figure_provider(key)
    if provider is None:
        raise Http404
    context = {"figure": provider.figure(), "table": provider.records(user=request.user)}
    return render(request, "kpi/figure_records.html", context)


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    _require(request, "kpi.view_dashboard")
    kind = request.GET.get("format", "csv")
    figures = plan_figures()
    base_url = request.build_absolute_uri("/").rstrip("/")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        response = HttpResponse(dashboard_csv(figures, base_url), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="foster-plan-kpis-{stamp}.csv"'
        return response
    if kind == "xlsx":
        response = HttpResponse(
            dashboard_xlsx(figures, base_url),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="foster-plan-kpis-{stamp}.xlsx"'
        return response
    raise Http404


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    _require(request, "kpi.view_surveys")
    surveys = survey_queryset_for(request.user).prefetch_related("waves")
    return render(
        request,
        "kpi/survey_list.html",
        {"surveys": surveys, "can_manage": request.user.has_perm("kpi.manage_surveys")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_create_view(request: HttpRequest) -> HttpResponse:
    _require(request, "kpi.manage_surveys")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = survey_create(user=request.user, data=form.survey_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            return redirect("kpi:survey-detail", pk=survey.pk)
    return render(request, "kpi/survey_form.html", {"form": form})


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(survey_queryset_for(request.user), pk=pk)
    waves = list(survey.waves.order_by("year"))
    latest = waves[-1] if waves else None
    strata: list[dict[str, Any]] = []
    if survey.strata_dimensions:
        frame = frame_stratum_sizes(survey.strata_dimensions)
        sampled: dict[str, int] = {}
        if latest is not None:
            for stratum in latest.responses.values_list("stratum", flat=True):
                sampled[stratum] = sampled.get(stratum, 0) + 1
        for label in sorted(set(frame) | set(sampled)):
            strata.append({"label": label, "frame": frame.get(label), "sampled": sampled.get(label, 0)})
    context = {
        "survey": survey,
        "waves": waves,
        "latest": latest,
        "strata": strata,
        "can_manage": request.user.has_perm("kpi.manage_surveys"),
    }
    return render(request, "kpi/survey_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def wave_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(survey_queryset_for(request.user), pk=pk)
    _require(request, "kpi.manage_surveys")
    form = WaveImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            wave = wave_import(
                user=request.user,
                survey=survey,
                year=form.cleaned_data["year"],
                handle=upload,
                filename=upload.name,
                fieldwork=form.cleaned_data["fieldwork"],
            )
        except TableRefused as refusal:
            form.add_error("file", str(refusal))
        except WaveImportRefused as refusal:
            errors = refusal.errors
            form.add_error(
                "file",
                _("The file has %(count)s problem(s) listed below; nothing was imported.") % {"count": len(errors)},
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            return redirect("kpi:wave-detail", pk=wave.pk)
    context = {"survey": survey, "form": form, "errors": errors[:ERRORS_SHOWN], "error_count": len(errors)}
    return render(request, "kpi/wave_import.html", context)


@login_required
@require_GET
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(wave_queryset_for(request.user), pk=pk)
    result: dict[str, Any] = wave.result or {}
    domain_tables = []
    labels = {"size_class": _("By size class"), "ksic_section": _("By sector (KSIC section)"), "region": _("By region")}
    for dimension, rows in (result.get("domains") or {}).items():
        domain_tables.append({"title": labels.get(dimension, dimension), "rows": sorted(rows.items())})
    context = {
        "wave": wave,
        "survey": wave.survey,
        "logit": result.get(IntervalMethod.LOGIT),
        "korn_graubard": result.get(IntervalMethod.KORN_GRAUBARD),
        "poststratified": result.get("poststratified"),
        "missing_answers": result.get("missing_answers", 0),
        "strata_count": result.get("strata"),
        "domain_tables": domain_tables,
    }
    return render(request, "kpi/wave_detail.html", context)
