"""Data LAB permissions as `rules` predicates; docs/authorization.md is the matrix they implement.

The LAB is for companies: a member of a company (company member or large-company member with a
membership) uploads tables for it, runs syntheses and shares results. Everything about a dataset and
its runs belongs to the members of the owning company; a startup's members see a synthetic result only
through a data-sharing agreement with their company, and download it only while the agreement is in
force. Nobody, not even the owner, can download an original upload: no permission grants it.
Agency officials and planners do not see companies' data here. Which rows a user may *see* is the
selectors' question (404 outside the scope).
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from foster.accounts.permissions import is_company_side


def lab_company_ids_of(user: Any) -> frozenset[int]:
    """The companies ``user`` is a member of (company-side roles only); asked once per user object."""
    cached: frozenset[int] | None = getattr(user, "_foster_datalab_company_ids", None)
    if cached is None:
        cached = (
            frozenset(user.company_memberships.values_list("company_id", flat=True))
            if getattr(user, "is_authenticated", False) and user.is_active and is_company_side(user)
            else frozenset()
        )
        user._foster_datalab_company_ids = cached
    return cached


@rules.predicate
def has_lab_company(user: Any) -> bool:
    return bool(lab_company_ids_of(user))


@rules.predicate
def owns_dataset(user: Any, dataset: Any) -> bool:
    return dataset is not None and dataset.owner_company_id in lab_company_ids_of(user)


@rules.predicate
def owns_run(user: Any, run: Any) -> bool:
    return run is not None and run.dataset.owner_company_id in lab_company_ids_of(user)


@rules.predicate
def holds_active_agreement(user: Any, run: Any) -> bool:
    """One of the user's companies is the recipient of an agreement on ``run`` in force today."""
    if run is None:
        return False
    today = timezone.localdate()
    return run.agreements.filter(
        recipient_company_id__in=lab_company_ids_of(user),
        revoked_at__isnull=True,
        starts_on__lte=today,
        ends_on__gte=today,
    ).exists()


@rules.predicate
def owns_agreement(user: Any, agreement: Any) -> bool:
    return agreement is not None and agreement.owner_company_id in lab_company_ids_of(user)


rules.add_perm("datalab.view_lab", has_lab_company)
rules.add_perm("datalab.add_dataset", has_lab_company)
rules.add_perm("datalab.change_dataset", owns_dataset)
rules.add_perm("datalab.change_synthesisrun", owns_run)
rules.add_perm("datalab.download_synthetic", owns_run | holds_active_agreement)
rules.add_perm("datalab.revoke_agreement", owns_agreement)
