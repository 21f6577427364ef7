"""Open-innovation permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

A company's members edit its startup profile and propose for it. Challenges are posted by members
of large companies and public bodies (role ``large_company_member`` with a company) and by agency
officials for their agency; the challenge's owner (the owning company's members or the owning
agency's officials) edits it, opens and closes it, evaluates and decides on proposals, and steers
the proof-of-concept project of a selected proposal, which the startup's members deliver. Who may *see* a
challenge or a proposal is the selectors' question (404 outside the scope).
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.choices import Role
from foster.accounts.permissions import is_agency_official, is_company_side, is_signed_in, works_for_agency


def company_ids_of(user: Any) -> frozenset[int]:
    """The companies ``user`` is a member of (company-side roles only); asked once per user object."""
    cached: frozenset[int] | None = getattr(user, "_foster_innovation_company_ids", None)
    if cached is None:
        cached = (
            frozenset(user.company_memberships.values_list("company_id", flat=True))
            if is_company_side(user)
            else frozenset()
        )
        user._foster_innovation_company_ids = cached
    return cached


@rules.predicate
def is_member_of_company(user: Any, company: Any) -> bool:
    return company is not None and company.pk in company_ids_of(user)


@rules.predicate
def has_company(user: Any) -> bool:
    return bool(company_ids_of(user))


@rules.predicate
def is_challenge_poster(user: Any) -> bool:
    """A large company's or public body's member with a company, or an agency official."""
    if is_agency_official(user):
        return True
    return bool(getattr(user, "role", None) == Role.LARGE_COMPANY_MEMBER and company_ids_of(user))


@rules.predicate
def owns_challenge(user: Any, challenge: Any) -> bool:
    if challenge is None:
        return False
    if challenge.owner_company_id is not None:
        return challenge.owner_company_id in company_ids_of(user)
    return works_for_agency(user, challenge.owner_agency_id)


@rules.predicate
def may_propose_to(user: Any, challenge: Any) -> bool:
    """A company-side member with a company other than the owner's (the challenge must be open: the service checks)."""
    if challenge is None:
        return False
    return bool(company_ids_of(user) - {challenge.owner_company_id})


@rules.predicate
def owns_project(user: Any, project: Any) -> bool:
    """On the challenge owner's side of a proof-of-concept project."""
    return project is not None and owns_challenge(user, project.challenge)


@rules.predicate
def runs_project_as_startup(user: Any, project: Any) -> bool:
    """A member of the startup that carries out a proof-of-concept project."""
    return project is not None and project.company_id in company_ids_of(user)


rules.add_perm("innovation.view_innovation", is_signed_in)
rules.add_perm("innovation.change_startupprofile", is_member_of_company)
rules.add_perm("innovation.add_challenge", is_challenge_poster)
rules.add_perm("innovation.change_challenge", owns_challenge)
rules.add_perm("innovation.add_proposal", may_propose_to & ~owns_challenge)
rules.add_perm("innovation.decide_proposal", owns_challenge)
rules.add_perm("innovation.evaluate_proposal", owns_challenge)
rules.add_perm("innovation.rebuild_index", is_agency_official)
# Proof-of-concept projects: the owner's side steers them, the startup delivers; both plan
# milestones and write the success case, and each side gives its own consent to publish it.
rules.add_perm("innovation.manage_project", owns_project)
rules.add_perm("innovation.deliver_project", runs_project_as_startup)
rules.add_perm("innovation.plan_project", owns_project | runs_project_as_startup)
