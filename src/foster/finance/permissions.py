"""Finance permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Officials move the money of their own agency's programs; ministry planners read every ledger;
a company member reads their own company's agreements, schedule and postings.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_agency_official, is_ministry_planner, works_for_agency
from foster.registry.permissions import is_member_of_company


@rules.predicate
def is_official_of_program(user: Any, program: Any) -> bool:
    return program is not None and works_for_agency(user, program.agency_id)


rules.add_perm("finance.manage_program_money", is_official_of_program)
rules.add_perm("finance.view_program_ledger", is_official_of_program | is_ministry_planner)
rules.add_perm("finance.view_company_finance", is_agency_official | is_ministry_planner | is_member_of_company)
rules.add_perm("finance.view_monitors", is_agency_official | is_ministry_planner)
rules.add_perm("finance.import_exposures", is_agency_official)
