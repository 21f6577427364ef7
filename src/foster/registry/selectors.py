"""Reads of the registry. Every list, detail, export, search and API query goes through
``company_queryset_for`` so that no path can skip the scoping (deny by default)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from foster.accounts.choices import Role
from foster.registry.models import Company, ValuationRecord


def company_queryset_for(user: Any) -> QuerySet[Company]:
    """The companies ``user`` may see: all for planners and officials, their own for members."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Company.objects.none()
    if user.role == Role.MINISTRY_PLANNER:
        return Company.objects.all()
    if user.role == Role.AGENCY_OFFICIAL and user.agency_memberships.exists():
        return Company.objects.all()
    if user.role in {Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER, Role.PUBLIC}:
        return Company.objects.filter(memberships__user=user)
    return Company.objects.none()


def valuation_queryset_for(user: Any) -> QuerySet[ValuationRecord]:
    """Valuations of the companies ``user`` may see."""
    return ValuationRecord.objects.filter(company__in=company_queryset_for(user))


@dataclass(frozen=True)
class CompanyFilter:
    """The filters of the company list, shared by the page, the export and the API."""

    query: str = ""
    region: str = ""
    ksic_section: str = ""
    ksic_division: str = ""
    size_class: str = ""
    ai_adoption: str = ""


def company_search(*, user: Any, filters: CompanyFilter) -> QuerySet[Company]:
    """Scoped company list filtered by a free-text query (partial match on the Korean and
    English names and on the registration number) and by exact-value filters."""
    queryset = company_queryset_for(user)
    query = filters.query.strip()
    if query:
        digits = query.replace("-", "").replace(" ", "")
        condition = Q(name_ko__icontains=query) | Q(name_en__icontains=query)
        if digits.isdigit():
            condition |= Q(business_registration_number__contains=digits)
        queryset = queryset.filter(condition)
    for field in ("region", "ksic_section", "ksic_division", "size_class", "ai_adoption"):
        value = getattr(filters, field)
        if value:
            queryset = queryset.filter(**{field: value})
    return queryset.order_by("name_ko", "id")
