"""Registry permissions as `rules` predicates; docs/authorization.md is the matrix they implement."""

from __future__ import annotations

from typing import Any

import rules

from foster.accounts.choices import Role
from foster.accounts.permissions import is_agency_official, is_company_side, is_ministry_planner, is_signed_in


@rules.predicate
def is_member_of_company(user: Any, company: Any) -> bool:
    if company is None or not getattr(user, "is_authenticated", False):
        return False
    return company.memberships.filter(user=user).exists()


rules.add_perm("registry.view_company_list", is_signed_in)
rules.add_perm("registry.view_company", is_ministry_planner | is_agency_official | is_member_of_company)
rules.add_perm("registry.add_company", is_company_side | is_agency_official)
rules.add_perm("registry.change_company", is_agency_official | is_member_of_company)
rules.add_perm("registry.add_valuationrecord", is_agency_official | is_member_of_company)
rules.add_perm("registry.import_companies", is_agency_official)
rules.add_perm("registry.export_companies", is_agency_official | is_ministry_planner)

# Roles that see every company in the registry (others see only their own companies).
REGISTRY_WIDE_ROLES = {Role.MINISTRY_PLANNER, Role.AGENCY_OFFICIAL}
