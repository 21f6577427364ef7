"""The public portal: open to anonymous visitors."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from foster.accounts.models import Agency
from foster.registry.models import Company


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Front page: what Foster is, public statistics of the registry, and where to go next."""
    by_adoption = dict(Company.objects.values_list("ai_adoption").annotate(n=Count("id")).order_by())
    total = sum(by_adoption.values())
    context = {
        "company_count": total,
        "agency_count": Agency.objects.count(),
        "ai_in_use_count": by_adoption.get("in_use", 0) + by_adoption.get("ai_provider", 0),
    }
    return render(request, "portal/home.html", context)


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Public statistics: the figures of the plan the ministry publishes, with their source and date."""
    from foster.kpi.figures import figure_providers

    figures = [figure for figure in (provider.figure() for provider in figure_providers()) if figure.is_public]
    utilization = next((figure for figure in figures if figure.key == "ai_utilization"), None)
    context = {
        "figures": figures,
        "utilization": utilization,
        "utilization_chart": utilization.chart if utilization else None,
    }
    return render(request, "portal/statistics.html", context)
