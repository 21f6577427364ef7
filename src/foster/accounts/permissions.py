"""Who may do what, as `rules` predicates. Deny by default: a permission not listed is refused.

The full matrix (role x object x action) is in docs/authorization.md and is tested route by route.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.choices import Role

# The roles that act for companies: they see and act for only the companies they are members of.
COMPANY_SIDE_ROLES = frozenset({Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER, Role.PUBLIC})


def _has_role(user: Any, *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in roles)


@rules.predicate
def is_ministry_planner(user: Any) -> bool:
    return _has_role(user, Role.MINISTRY_PLANNER)


_AGENCY_IDS_ATTRIBUTE = "_foster_agency_ids"


def agency_ids_of(user: Any) -> frozenset[int]:
    """The ids of the agencies ``user`` works for; asked once per user object (one request).

    Every permission and selector that asks about agency membership should ask here.
    """
    cached: frozenset[int] | None = getattr(user, _AGENCY_IDS_ATTRIBUTE, None)
    if cached is None:
        cached = (
            frozenset(user.agency_memberships.values_list("agency_id", flat=True))
            if getattr(user, "pk", None)
            else frozenset()
        )
        setattr(user, _AGENCY_IDS_ATTRIBUTE, cached)
    return cached


def agency_ids_forget(user: Any) -> None:
    """Drop the remembered answer of ``agency_ids_of`` once ``user``'s memberships have changed."""
    vars(user).pop(_AGENCY_IDS_ATTRIBUTE, None)


def works_for_agency(user: Any, agency_id: int | None) -> bool:
    """Whether ``user`` is an agency official of that agency (the question behind every
    "officials of the owning agency" rule); answered from ``agency_ids_of``, no extra query."""
    return agency_id is not None and _has_role(user, Role.AGENCY_OFFICIAL) and agency_id in agency_ids_of(user)


def has_agency_membership(user: Any) -> bool:
    """Whether the user works for at least one agency."""
    return bool(agency_ids_of(user))


@rules.predicate
def is_agency_official(user: Any) -> bool:
    return _has_role(user, Role.AGENCY_OFFICIAL) and has_agency_membership(user)


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return _has_role(user, Role.REVIEWER)


@rules.predicate
def is_company_side(user: Any) -> bool:
    """A company member, a large-company member, or a registered member of the public."""
    return _has_role(user, *COMPANY_SIDE_ROLES)


is_signed_in = rules.is_authenticated & rules.is_active

rules.add_perm("accounts.view_agency", is_signed_in)
rules.add_perm("accounts.view_own_profile", is_signed_in)
