"""Who may do what, as `rules` predicates. Deny by default: a permission not listed is refused.

The full matrix (role x object x action) is in docs/authorization.md and is tested route by route.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.choices import Role


def _has_role(user: Any, *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in roles)


@rules.predicate
def is_ministry_planner(user: Any) -> bool:
    return _has_role(user, Role.MINISTRY_PLANNER)


def has_agency_membership(user: Any) -> bool:
    """Whether the user works for at least one agency; asked once per user object (one request)."""
    cached = getattr(user, "_foster_has_agency_membership", None)
    if cached is None:
        cached = bool(getattr(user, "pk", None)) and user.agency_memberships.exists()
        user._foster_has_agency_membership = cached
    return bool(cached)


@rules.predicate
def is_agency_official(user: Any) -> bool:
    return _has_role(user, Role.AGENCY_OFFICIAL) and has_agency_membership(user)


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return _has_role(user, Role.REVIEWER)


@rules.predicate
def is_company_side(user: Any) -> bool:
    """A company member, a large-company member, or a registered member of the public."""
    return _has_role(user, Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER, Role.PUBLIC)


is_signed_in = rules.is_authenticated & rules.is_active

rules.add_perm("accounts.view_agency", is_signed_in)
rules.add_perm("accounts.view_own_profile", is_signed_in)
