"""KPI permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

Ministry planners and agency officials read the plan dashboard, its records and exports, the
surveys and their waves. Only ministry planners define surveys and import their waves (the
ministry owns the plan's indicators). The public statistics page is open to everyone.
"""

from __future__ import annotations

import rules

from foster.accounts.permissions import is_agency_official, is_ministry_planner

rules.add_perm("kpi.view_dashboard", is_ministry_planner | is_agency_official)
rules.add_perm("kpi.view_surveys", is_ministry_planner | is_agency_official)
rules.add_perm("kpi.manage_surveys", is_ministry_planner)
