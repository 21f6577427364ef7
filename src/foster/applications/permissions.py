"""Application permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Who acts on an application: the *applicant* is any member of the applying company; the
*official* is an agency official of the agency running the call's program.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_company_side, is_ministry_planner, works_for_agency
from foster.registry.permissions import is_member_of_company


@rules.predicate
def is_application_applicant(user: Any, application: Any) -> bool:
    if application is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(is_member_of_company(user, application.company))


@rules.predicate
def is_call_official(user: Any, call: Any) -> bool:
    return call is not None and works_for_agency(user, call.program.agency_id)


@rules.predicate
def is_application_official(user: Any, application: Any) -> bool:
    return application is not None and bool(is_call_official(user, application.call))


@rules.predicate
def has_company(user: Any) -> bool:
    return bool(is_company_side(user) and user.company_memberships.exists())


rules.add_perm("applications.add_application", has_company)
rules.add_perm("applications.change_application", is_application_applicant)
rules.add_perm("applications.withdraw_application", is_application_applicant)
rules.add_perm("applications.transition_application", is_application_official)
rules.add_perm("applications.view_call_applications", is_call_official | is_ministry_planner)
