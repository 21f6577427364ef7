"""Education, consulting and diagnostic permissions as `rules` predicates; docs/authorization.md is
the matrix they implement.

A company's members take its diagnostic, see its results and request consulting for it. Anyone
signed in on the company side (members of the public included) enrols in sessions; each person
cancels their own place and downloads their own certificate. Officials of the agency that runs a
course mark its sessions' attendance and manage its courses; officials of an agency manage its
consultant pool and assign its requests. A consultant works on the requests assigned to them.
Who may *see* a row is the selectors' question (404 outside the scope).
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import (
    is_agency_official,
    is_company_side,
    is_ministry_planner,
    is_signed_in,
    works_for_agency,
)

_COMPANY_IDS_ATTRIBUTE = "_foster_learning_company_ids"


def member_company_ids(user: Any) -> frozenset[int]:
    """The companies ``user`` is a member of (company-side roles only); asked once per user object."""
    cached: frozenset[int] | None = getattr(user, _COMPANY_IDS_ATTRIBUTE, None)
    if cached is None:
        cached = (
            frozenset(user.company_memberships.values_list("company_id", flat=True))
            if is_company_side(user)
            else frozenset()
        )
        setattr(user, _COMPANY_IDS_ATTRIBUTE, cached)
    return cached


@rules.predicate
def is_member_of_company(user: Any, company: Any) -> bool:
    return company is not None and company.pk in member_company_ids(user)


@rules.predicate
def is_member_of_diagnostic_company(user: Any, diagnostic: Any) -> bool:
    return diagnostic is not None and diagnostic.company_id in member_company_ids(user)


@rules.predicate
def is_own_enrolment(user: Any, enrolment: Any) -> bool:
    return enrolment is not None and enrolment.user_id == getattr(user, "pk", None)


@rules.predicate
def runs_course_of_enrolment(user: Any, enrolment: Any) -> bool:
    return enrolment is not None and works_for_agency(user, enrolment.session.course.agency_id)


@rules.predicate
def runs_session(user: Any, session: Any) -> bool:
    return session is not None and works_for_agency(user, session.course.agency_id)


@rules.predicate
def is_requesting_company_member(user: Any, request: Any) -> bool:
    return request is not None and request.company_id in member_company_ids(user)


@rules.predicate
def is_assigned_consultant(user: Any, request: Any) -> bool:
    return (
        request is not None
        and request.consultant_id is not None
        and request.consultant.user_id == getattr(user, "pk", None)
    )


@rules.predicate
def runs_request_agency(user: Any, request: Any) -> bool:
    return request is not None and works_for_agency(user, request.agency_id)


rules.add_perm("learning.view_learning", is_signed_in)
rules.add_perm("learning.take_diagnostic", is_member_of_company)
rules.add_perm("learning.view_diagnostic", is_member_of_diagnostic_company)
rules.add_perm("learning.enrol", is_company_side)
rules.add_perm("learning.cancel_enrolment", is_own_enrolment)
rules.add_perm("learning.download_certificate", is_own_enrolment | runs_course_of_enrolment)
rules.add_perm("learning.manage_courses", is_agency_official)
rules.add_perm("learning.manage_session", runs_session)
rules.add_perm("learning.request_consulting", is_member_of_company)
rules.add_perm("learning.work_on_request", is_assigned_consultant | runs_request_agency)
rules.add_perm("learning.give_feedback", is_requesting_company_member)
rules.add_perm("learning.manage_consulting", is_agency_official)
rules.add_perm("learning.view_learning_figures", is_agency_official | is_ministry_planner)
