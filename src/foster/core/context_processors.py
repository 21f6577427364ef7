"""Template context shared by every page: the navigation for the user's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from foster.accounts.choices import Role
from foster.accounts.permissions import COMPANY_SIDE_ROLES
from foster.registry.permissions import REGISTRY_WIDE_ROLES


@dataclass(frozen=True)
class NavigationItem:
    """One link of the main navigation; ``current`` is the value of its ``aria-current``."""

    url: str
    label: str | Promise
    current: str = ""


def _mark_current(path: str, links: list[tuple[str, str | Promise]]) -> list[NavigationItem]:
    """``aria-current="page"`` on the link to this page; otherwise ``"true"`` on the link of the
    section the page is in (the longest link the path starts with, e.g. a company under the list)."""
    section = max((url for url, _label in links if url != "/" and path.startswith(url)), key=len, default="")
    items = []
    for url, label in links:
        current = "page" if url == path else ("true" if url == section else "")
        items.append(NavigationItem(url, label, current))
    return items


def _companies_label(user: Any) -> str | Promise:
    """The company list's name in the navigation, or "" when the list would be empty for the role."""
    if not user.has_perm("registry.view_company_list"):
        return ""
    if user.role in REGISTRY_WIDE_ROLES:
        return _("Companies")
    if user.role in COMPANY_SIDE_ROLES:
        return _("My companies")
    return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Links shown in the header; each appears only for users allowed to open it."""
    user = request.user
    companies_url = reverse("registry:company-list")
    links: list[tuple[str, str | Promise]] = [
        (reverse("portal:home"), _("Home")),
        (reverse("calls:call-list"), _("Open calls")),
        (reverse("portal:statistics"), _("Statistics")),
    ]
    if not user.is_authenticated:
        links.append((reverse("learning:course-calendar"), _("Courses")))
    if user.is_authenticated:
        if companies_label := _companies_label(user):
            links.append((companies_url, companies_label))
        if user.has_perm("registry.import_companies"):
            links.append((reverse("registry:company-import"), _("Import")))
        if user.has_perm("programs.view_program_admin"):
            links.append((reverse("programs:program-list"), _("Programs")))
        if user.role != Role.REVIEWER:
            links.append((reverse("applications:application-list"), _("Applications")))
        # A reviewer's own assignments, or else the pool an official manages.
        if user.has_perm("reviews.view_own_assignments"):
            links.append((reverse("reviews:dashboard"), _("Reviews")))
        elif user.has_perm("reviews.manage_pool"):
            links.append((reverse("reviews:pool"), _("Reviews")))
        if user.has_perm("innovation.view_innovation"):
            links.append((reverse("innovation:dashboard"), _("Open innovation")))
        if user.has_perm("learning.view_learning"):
            links.append((reverse("learning:dashboard"), _("Education and consulting")))
        if user.has_perm("cohorts.view_cohorts"):
            links.append((reverse("cohorts:cohort-list"), _("Cohorts")))
        if user.has_perm("datalab.view_lab"):
            links.append((reverse("datalab:dashboard"), _("Data LAB")))
        if user.has_perm("finance.view_monitors"):
            links.append((reverse("finance:monitors"), _("Finance")))
        if user.has_perm("kpi.view_dashboard"):
            links.append((reverse("kpi:dashboard"), _("Plan KPIs")))
        links.append((reverse("core:notification-list"), _("Notifications")))
        if user.is_staff:
            links.append((reverse("admin:index"), _("Administration")))
    items = _mark_current(request.path, links)
    return {
        "nav_items": items,
        "companies_link": next((item for item in items if item.url == companies_url), None),
        "profile_current": "page" if user.is_authenticated and request.path == reverse("accounts:profile") else "",
    }
