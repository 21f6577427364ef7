"""The people of the load test (``foster seed --load-users N``, bench/load/): company members with
a draft application each and reviewers with open score sheets, on top of the demo data set.

They log in with the demo password (``foster.core.demo.DEMO_PASSWORD``), like the demo's officials
and planner whom the load test also uses. Idempotent: a user that exists is left as it is.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.applications.models import Application
from foster.applications.services import application_start, call_refusal
from foster.core.demo import DEMO_PASSWORD
from foster.programs.models import Call
from foster.registry.choices import MembershipRole
from foster.registry.models import Company, CompanyMembership
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment, ReviewerProfile
from foster.reviews.services import REVIEWABLE_STATUSES

LOAD_DOMAIN = "load.foster.test"
ASSIGNMENTS_PER_REVIEWER = 20


def load_member_email(index: int) -> str:
    return f"member{index:03d}@{LOAD_DOMAIN}"


def load_reviewer_email(index: int) -> str:
    return f"reviewer{index:03d}@{LOAD_DOMAIN}"


def _open_calls() -> list[Call]:
    now = timezone.now()
    calls = Call.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("id")
    return [call for call in calls if not call_refusal(call)]


@transaction.atomic
def load_users_seed(*, count: int) -> tuple[int, int]:
    """``count`` company members (each owns a company of the registry with no other member and has
    a draft application to an open call) and ``count`` reviewers (each with
    ``ASSIGNMENTS_PER_REVIEWER`` assignments, not yet scored, on reviewable applications of calls
    with a rubric, in the agency of the call). Returns (members, reviewers) created."""
    password = make_password(DEMO_PASSWORD)  # hashed once: the same hash serves every load user
    calls = _open_calls()
    members = reviewers = 0
    # Companies with no member and no application yet, from the end of the registry.
    free = (
        Company.objects.filter(memberships__isnull=True, applications__isnull=True)
        .order_by("-id")
        .values_list("pk", flat=True)
    )
    companies = list(free[: count * 2])
    if len(companies) < count:  # a small registry: companies with applications will do
        others = Company.objects.filter(memberships__isnull=True).exclude(pk__in=companies).order_by("-id")
        companies = list(others.values_list("pk", flat=True)[: count - len(companies)]) + companies
    for index in range(count):
        user, created = User.objects.get_or_create(
            email=load_member_email(index),
            defaults={"full_name": f"부하{index:03d}", "role": Role.COMPANY_MEMBER, "password": password},
        )
        if not created or not companies:
            continue
        company = Company.objects.get(pk=companies.pop())
        CompanyMembership.objects.create(user=user, company=company, role=MembershipRole.OWNER)
        for offset in range(len(calls)):  # the first open call the company has not applied to
            try:
                with transaction.atomic():
                    application_start(user=user, call=calls[(index + offset) % len(calls)], company=company)
                break
            except ValidationError:
                continue
        members += 1
    reviewable = list(
        Application.objects.filter(status__in=REVIEWABLE_STATUSES, call__rubric__isnull=False)
        .select_related("call__program")
        .order_by("id")[: count * ASSIGNMENTS_PER_REVIEWER]
    )
    for index in range(count):
        user, created = User.objects.get_or_create(
            email=load_reviewer_email(index),
            defaults={"full_name": f"부하심사{index:03d}", "role": Role.REVIEWER, "password": password},
        )
        if not created:
            continue
        mine = reviewable[index::count]
        agency_id = mine[0].call.program.agency_id if mine else None
        profile = ReviewerProfile.objects.create(user=user, agency_id=agency_id, max_load=40)
        ReviewAssignment.objects.bulk_create(
            ReviewAssignment(application=application, reviewer=profile, status=AssignmentStatus.ASSIGNED, fit=0.5)
            for application in mine
        )
        reviewers += 1
    return members, reviewers
