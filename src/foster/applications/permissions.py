"""Application permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Who acts on an application: the *applicant* is any member of the applying company; the
*official* is an agency official of the agency running the call's program.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_agency_official, is_company_side, is_ministry_planner


@rules.predicate
def is_application_applicant(user: Any, application: Any) -> bool:
    if application is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return application.company.memberships.filter(user=user).exists()


@rules.predicate
def is_application_official(user: Any, application: Any) -> bool:
    if application is None or not is_agency_official(user):
        return False
    return user.agency_memberships.filter(agency_id=application.call.program.agency_id).exists()


@rules.predicate
def is_call_official(user: Any, call: Any) -> bool:
    if call is None or not is_agency_official(user):
        return False
    return user.agency_memberships.filter(agency_id=call.program.agency_id).exists()


@rules.predicate
def has_company(user: Any) -> bool:
    return bool(is_company_side(user) and user.company_memberships.exists())


rules.add_perm("applications.add_application", has_company)
rules.add_perm("applications.change_application", is_application_applicant)
rules.add_perm("applications.withdraw_application", is_application_applicant)
rules.add_perm("applications.transition_application", is_application_official)
rules.add_perm("applications.view_call_applications", is_call_official | is_ministry_planner)
