"""Reads of the registry. Every list, detail, export, search and API query goes through
``company_queryset_for`` so that no path can skip the scoping (deny by default)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from foster.accounts.choices import Role
from foster.accounts.permissions import COMPANY_SIDE_ROLES, has_agency_membership
from foster.registry.models import Company, CompanyImport, ValuationRecord


def company_queryset_for(user: Any) -> QuerySet[Company]:
    """The companies ``user`` may see: all for planners and officials, their own for members."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Company.objects.none()
    if user.role == Role.MINISTRY_PLANNER:
        return Company.objects.all()
    if user.role == Role.AGENCY_OFFICIAL and has_agency_membership(user):
        return Company.objects.all()
    if user.role in COMPANY_SIDE_ROLES:
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


# A query this long or longer matches anywhere in a name or number (trigram indexes on PostgreSQL);
# a shorter one has no trigram to look up, so it matches where a name, a word of a name or the
# number begins (btree and trigram word-start lookups). See migrations 0002 and 0004.
CONTAINS_MIN_LENGTH = 3
# Legal forms written before a Korean company name: "한빛" finds "(주)한빛테크" and "주식회사 한빛".
LEGAL_FORM_PREFIXES = ("(주)", "(주) ", "㈜", "주식회사", "주식회사 ", "(유)", "유한회사", "유한회사 ")


# Text matches are read through the search indexes and then sorted by name. Ordered by the bare
# column, PostgreSQL may instead walk the name index testing every row until a page is full,
# which takes seconds when the matches all sort late ("Hanbit": its Korean names begin with 한,
# near the end of the order). Appending '' keeps the order and rules that plan out.
SEARCH_ORDERING = (Concat("name_ko", Value("")), "id")


def company_query_condition(query: str) -> Q:
    """The free-text part of the company search for a stripped, non-empty ``query``.

    Three characters or more: part of the Korean or English name, or (digits, dashes and
    spaces only) part of the registration number. One or two characters: the start of either
    name (after a legal form such as (주)), the start of a word of either name, or the start
    of the registration number. Every branch can be served by an index on PostgreSQL (trigram
    GIN or ``text_pattern_ops`` btree), so no search has to scan the whole table.
    """
    digits = query.replace("-", "").replace(" ", "")
    if len(query) >= CONTAINS_MIN_LENGTH:
        condition = Q(name_ko__icontains=query) | Q(name_en__icontains=query)
    else:
        condition = (
            Q(name_en__istartswith=query) | Q(name_ko__icontains=f" {query}") | Q(name_en__icontains=f" {query}")
        )
        for prefix in ("", *LEGAL_FORM_PREFIXES):
            condition |= Q(name_ko__istartswith=f"{prefix}{query}")
    if digits.isdigit():
        if len(digits) >= CONTAINS_MIN_LENGTH:
            condition |= Q(business_registration_number__contains=digits)
        else:
            condition |= Q(business_registration_number__startswith=digits)
    return condition


def company_search(*, user: Any, filters: CompanyFilter) -> QuerySet[Company]:
    """Scoped company list filtered by a free-text query (partial match on the Korean and
    English names and on the registration number, see ``company_query_condition``) and by
    exact-value filters."""
    return company_filter(queryset=company_queryset_for(user), filters=filters)


def company_filter(*, queryset: QuerySet[Company], filters: CompanyFilter) -> QuerySet[Company]:
    """Apply the list filters to an already scoped queryset (pages go through ``company_search``;
    only the command line, run by an operator with database access, filters the whole registry)."""
    query = filters.query.strip()
    ordering: tuple[Any, ...] = ("name_ko", "id")
    if query:
        queryset = queryset.filter(company_query_condition(query))
        ordering = SEARCH_ORDERING
    for field in ("region", "ksic_section", "ksic_division", "size_class", "ai_adoption"):
        value = getattr(filters, field)
        if value:
            queryset = queryset.filter(**{field: value})
    return queryset.order_by(*ordering)


def company_import_queryset_for(user: Any) -> QuerySet[CompanyImport]:
    """The company imports ``user`` may see: their own uploads, while they may still import."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("registry.import_companies"):
        return CompanyImport.objects.none()
    return CompanyImport.objects.filter(owner=user)
