"""Programs permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

An agency official manages the programs and calls of their own agency only; a ministry planner
sees every program and call in the officials' area, read-only. Everyone may read the public
portal of calls.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_agency_official, is_ministry_planner, works_for_agency


@rules.predicate
def is_official_of_agency(user: Any, agency: Any) -> bool:
    return agency is not None and works_for_agency(user, agency.pk)


@rules.predicate
def is_official_of_program(user: Any, program: Any) -> bool:
    return program is not None and works_for_agency(user, program.agency_id)


@rules.predicate
def is_official_of_call(user: Any, call: Any) -> bool:
    return call is not None and works_for_agency(user, call.program.agency_id)


# The officials' area (/programs/): officials and, read-only, planners.
rules.add_perm("programs.view_program_admin", is_agency_official | is_ministry_planner)
# May open the "new program" page (the agency is checked by the service with `add_program`).
rules.add_perm("programs.manage_programs", is_agency_official)
rules.add_perm("programs.add_program", is_official_of_agency)
rules.add_perm("programs.change_program", is_official_of_program)
rules.add_perm("programs.add_call", is_official_of_program)
rules.add_perm("programs.change_call", is_official_of_call)
