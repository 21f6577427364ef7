"""The demo data set: agencies, one user per role, 20,000 companies. Deterministic from a seed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from foster.accounts.choices import Role
from foster.accounts.models import Agency, AgencyMembership, User
from foster.accounts.seeding import agencies_seed
from foster.accounts.two_factor import two_factor_demo_enrol, two_factor_is_required
from foster.applications.seeding import applications_seed
from foster.cohorts.seeding import cohorts_seed
from foster.datalab.seeding import datalab_seed
from foster.finance.seeding import finance_seed
from foster.innovation.seeding import innovation_seed
from foster.kpi.seeding import kpi_seed
from foster.learning.seeding import learning_seed
from foster.programs.seeding import programs_seed
from foster.registry.choices import MembershipRole, SizeClass
from foster.registry.models import Company, CompanyMembership
from foster.registry.seeding import companies_seed
from foster.reviews.seeding import reviews_seed

DEMO_PASSWORD = "foster-demo-2026"  # nosec B105  # the demo's published password, never a real account's
DEMO_COMPANIES = 20_000


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    agency: str = ""
    is_staff: bool = False


DEMO_USERS = [
    DemoUser("planner@mss.demo.foster.kr", "김기획", Role.MINISTRY_PLANNER, agency="mss", is_staff=True),
    DemoUser("official@kosme.demo.foster.kr", "이담당", Role.AGENCY_OFFICIAL, agency="kosme"),
    DemoUser("official@kodit.demo.foster.kr", "박보증", Role.AGENCY_OFFICIAL, agency="kodit"),
    DemoUser("official@kised.demo.foster.kr", "강창업", Role.AGENCY_OFFICIAL, agency="kised"),
    DemoUser("official@nipa.demo.foster.kr", "민해외", Role.AGENCY_OFFICIAL, agency="nipa"),
    DemoUser("official@tipa.demo.foster.kr", "오연구", Role.AGENCY_OFFICIAL, agency="tipa"),
    DemoUser("reviewer@demo.foster.kr", "최심사", Role.REVIEWER),
    DemoUser("founder@startup.demo.foster.kr", "정창업", Role.COMPANY_MEMBER),
    DemoUser("owner@sme.demo.foster.kr", "서제조", Role.COMPANY_MEMBER),
    DemoUser("innovation@large.demo.foster.kr", "한혁신", Role.LARGE_COMPANY_MEMBER),
    DemoUser("citizen@demo.foster.kr", "윤시민", Role.PUBLIC),
]


@transaction.atomic
def demo_users_seed() -> list[User]:
    """Create the demo users (idempotent) and attach them to their agency or company."""
    users = []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=spec.email,
            defaults={"full_name": spec.full_name, "role": spec.role, "is_staff": spec.is_staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if spec.agency:
            AgencyMembership.objects.get_or_create(user=user, agency=Agency.objects.get(code=spec.agency))
        if two_factor_is_required(user):
            # An authenticator is set up for them; the demo's verification page shows its code.
            two_factor_demo_enrol(user=user)
        users.append(user)
    staff_group = ministry_staff_group_seed()
    for user in users:
        if user.is_staff:
            user.groups.add(staff_group)
    _attach_company("founder@startup.demo.foster.kr", SizeClass.STARTUP)
    _attach_company("innovation@large.demo.foster.kr", SizeClass.LARGE)
    _attach_company(
        "owner@sme.demo.foster.kr", SizeClass.SMALL, ksic_section="C"
    )  # the data LAB's and education's demo SME
    return users


MINISTRY_STAFF_GROUP = "Ministry staff"
MINISTRY_STAFF_PERMISSIONS = {
    # app label: actions on every model of the app, for the administration site
    "accounts": ("view", "add", "change"),
    "registry": ("view", "add", "change"),
    "core": ("view",),
}


def ministry_staff_group_seed() -> Group:
    """The group that gives ministry staff the administration site: manage users, agencies and
    memberships, view and correct the registry, read the audit trail (never edit it)."""
    group, _created = Group.objects.get_or_create(name=MINISTRY_STAFF_GROUP)
    permissions = [
        permission
        for permission in Permission.objects.filter(content_type__app_label__in=MINISTRY_STAFF_PERMISSIONS)
        if permission.codename.split("_", 1)[0] in MINISTRY_STAFF_PERMISSIONS[permission.content_type.app_label]
    ]
    group.permissions.set(permissions)
    return group


def _attach_company(email: str, size_class: str, ksic_section: str = "") -> None:
    user = User.objects.get(email=email)
    if CompanyMembership.objects.filter(user=user).exists():
        return
    companies = Company.objects.filter(size_class=size_class)
    if ksic_section:  # the demo SME owner runs a manufacturer, not the first small company of any sector
        companies = companies.filter(ksic_section=ksic_section).exclude(memberships__isnull=False)
    company = companies.order_by("id").first()
    if company is not None:
        CompanyMembership.objects.create(user=user, company=company, role=MembershipRole.OWNER)


def demo_seed(
    *, seed: int = 2026, companies: int = DEMO_COMPANIES, progress: Callable[[int], None] | None = None
) -> int:
    """Seed the demo database if it is empty; returns the number of companies created."""
    agencies_seed()
    created = 0
    if not Company.objects.exists():
        created = companies_seed(count=companies, seed=seed, progress=progress)
    demo_users_seed()
    programs_seed()
    applications_seed(seed=seed)
    reviews_seed(seed=seed)  # after the applications seed: scores closed calls' applications
    finance_seed(seed=seed)
    innovation_seed()  # after the demo users: the large company's member posts challenges
    learning_seed(seed=seed)  # courses, consultants, diagnostics of demo SMEs
    cohorts_seed(seed=seed)  # after innovation: the accelerator's startups are demo startups with profiles
    kpi_seed(seed=seed)  # survey waves drawn from the registry
    datalab_seed(seed=seed)  # after the demo users: the SME's table, a synthesis, an agreement with the startup
    return created
