"""Selection permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Officials of the call's agency build, run and commit scenarios; ministry planners read them.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_ministry_planner, works_for_agency


@rules.predicate
def is_official_of_call_agency(user: Any, call: Any) -> bool:
    """An agency official working for the agency whose program the call belongs to."""
    return call is not None and works_for_agency(user, call.program.agency_id)


rules.add_perm("selection.manage_call_selection", is_official_of_call_agency)
rules.add_perm("selection.view_call_selection", is_official_of_call_agency | is_ministry_planner)
