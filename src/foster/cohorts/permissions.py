"""Cohort permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Agency officials and ministry planners read every cohort (program results are public information,
and officials of the fund record investments into other agencies' cohorts). The officials of the
agency that runs a cohort's call create and run it: mentors, demo day, success stories. Follow-on
investments are recorded by officials who manage a fund investment program (finance checks it
again when the money moves). Partner organisations are managed by agency officials.
"""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.permissions import is_agency_official, is_ministry_planner, works_for_agency
from foster.cohorts.choices import COHORT_PROGRAM_TYPES


@rules.predicate
def runs_cohort(user: Any, cohort: Any) -> bool:
    return cohort is not None and works_for_agency(user, cohort.call.program.agency_id)


@rules.predicate
def runs_cohort_call(user: Any, call: Any) -> bool:
    return (
        call is not None
        and call.program.program_type in COHORT_PROGRAM_TYPES
        and works_for_agency(user, call.program.agency_id)
    )


rules.add_perm("cohorts.view_cohorts", is_agency_official | is_ministry_planner)
rules.add_perm("cohorts.add_cohort", runs_cohort_call)
rules.add_perm("cohorts.change_cohort", runs_cohort)
rules.add_perm("cohorts.record_investment", is_agency_official)
rules.add_perm("cohorts.manage_partners", is_agency_official)
