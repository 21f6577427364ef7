"""Template context shared by every page: the navigation for the user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Links shown in the header; each appears only for users allowed to open it."""
    user = request.user
    items: list[tuple[str, Any]] = [(reverse("portal:home"), _("Home"))]
    if user.is_authenticated:
        if user.has_perm("registry.view_company_list"):
            items.append((reverse("registry:company-list"), _("Companies")))
        if user.is_staff:
            items.append((reverse("admin:index"), _("Administration")))
    return {"nav_items": items}
