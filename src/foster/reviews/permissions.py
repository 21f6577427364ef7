"""Review permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Reviewers act only on their own profile, conflicts and assignments (the assignment selectors
scope them; anything else is 404). Officials manage the reviewer pool of their agency and the
reviews of their agency's calls; ministry planners may read every call's ranking.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_agency_official, is_ministry_planner, is_reviewer, works_for_agency


@rules.predicate
def is_official_of_call_agency(user: Any, call: Any) -> bool:
    """An agency official working for the agency whose program the call belongs to."""
    return call is not None and works_for_agency(user, call.program.agency_id)


rules.add_perm("reviews.view_own_assignments", is_reviewer)
rules.add_perm("reviews.change_own_profile", is_reviewer)
rules.add_perm("reviews.declare_conflict", is_reviewer)
rules.add_perm("reviews.manage_pool", is_agency_official)
rules.add_perm("reviews.import_family_firms", is_agency_official)
rules.add_perm("reviews.manage_call_reviews", is_official_of_call_agency)
rules.add_perm("reviews.view_call_ranking", is_official_of_call_agency | is_ministry_planner)
