"""The public portal: open to anonymous visitors."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from foster.accounts.models import Agency
from foster.cohorts.selectors import success_story_published_queryset
from foster.core.caching import cached_figure
from foster.innovation.selectors import success_case_published_queryset
from foster.learning.selectors import education_participants_by_year, session_calendar
from foster.registry.models import Company

SUCCESS_CASES_ON_HOME = 3
UPCOMING_SESSIONS_ON_HOME = 4


def _companies_by_adoption() -> dict[str, int]:
    return dict(Company.objects.values_list("ai_adoption").annotate(n=Count("id")).order_by())


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Front page: what Foster is, public statistics of the registry, and where to go next."""
    by_adoption = cached_figure("companies-by-adoption", _companies_by_adoption, areas=("registry",))
    total = sum(by_adoption.values())
    context = {
        "company_count": total,
        "agency_count": Agency.objects.count(),
        "ai_in_use_count": by_adoption.get("in_use", 0) + by_adoption.get("ai_provider", 0),
        "success_cases": success_case_published_queryset()[:SUCCESS_CASES_ON_HOME],
        "accelerator_stories": success_story_published_queryset()[:SUCCESS_CASES_ON_HOME],
        "upcoming_sessions": session_calendar()[:UPCOMING_SESSIONS_ON_HOME],
        "education_participants": sum(education_participants_by_year().values()),
    }
    return render(request, "portal/home.html", context)


@require_GET
def success_case_list(request: HttpRequest) -> HttpResponse:
    """Published success cases of open innovation (both sides of each project consented) and the
    success stories of accelerator and overseas cohorts published by their agencies."""
    context = {
        "cases": success_case_published_queryset()[:200],
        "stories": success_story_published_queryset()[:200],
    }
    return render(request, "portal/success_case_list.html", context)


@require_GET
def success_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published success case; an unpublished or withdrawn one is not found."""
    case = success_case_published_queryset().filter(pk=pk).first()
    if case is None:
        raise Http404(_("No such success case."))
    return render(request, "portal/success_case_detail.html", {"case": case, "project": case.project})


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Public statistics: the figures of the plan the ministry publishes, with their source and date."""
    from foster.kpi.figures import plan_figures

    figures = [figure for figure in plan_figures() if figure.is_public]
    utilization = next((figure for figure in figures if figure.key == "ai_utilization"), None)
    context = {
        "figures": figures,
        "utilization": utilization,
        "utilization_chart": utilization.chart if utilization else None,
    }
    return render(request, "portal/statistics.html", context)
