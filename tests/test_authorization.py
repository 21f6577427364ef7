"""Every route, every role: the authorization matrix of docs/authorization.md checked over HTTP.

One test per (route, method, object, role) row cell; a route without a row, or a row without a
route, fails ``test_every_route_has_a_matrix_row``. The admin site has its own rule and tests.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, reduce
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, reverse

from foster.accounts.choices import Role
from foster.accounts.models import Agency, LoginFailure, User
from foster.accounts.two_factor import two_factor_enrolment_start
from foster.core.models import AuditEvent, Job
from foster.core.services import SECURITY_ACTION_PREFIXES
from foster.registry.models import Company, CompanyImport, CompanyMembership, ValuationRecord
from foster.registry.seeding import registration_number
from foster.registry.services import company_data_from
from tests.applications import authorization_objects as application_objects
from tests.authorization_matrix import (
    ANONYMOUS,
    ROLES,
    MatrixRow,
    admin_routes,
    assert_matrix_covers_routes,
    matrix_rows,
    route_string_sample,
)
from tests.cohorts import authorization_objects as cohort_objects
from tests.datalab import authorization_objects as datalab_objects
from tests.factories import PASSWORD, CompanyFactory, CompanyMembershipFactory, UserFactory
from tests.finance import authorization_objects as finance_objects
from tests.innovation import authorization_objects as innovation_objects
from tests.kpi import authorization_objects as kpi_objects
from tests.learning import authorization_objects as learning_objects
from tests.programs import authorization_objects as program_objects
from tests.registry.transfer_objects import company_import_for, company_import_upload
from tests.reviews import authorization_objects as review_objects
from tests.selection import authorization_objects as selection_objects

ROWS = matrix_rows()
APPS_WATCHED_FOR_WRITES = (
    "accounts",
    "registry",
    "core",
    "reviews",
    "applications",
    "programs",
    "finance",
    "selection",
    "innovation",
    "learning",
    "cohorts",
    "kpi",
    "datalab",
)


def test_every_route_has_a_matrix_row() -> None:
    assert_matrix_covers_routes()


# --- The objects a row's URL or request body names --------------------------------------------


@dataclass
class World:
    """The requesting user (None: anonymous) and the objects around them, created on demand."""

    role: str
    user: User | None
    client: Client = field(default_factory=Client)

    @cached_property
    def someone_else(self) -> User:
        return UserFactory(role=Role.COMPANY_MEMBER)

    @cached_property
    def own_company(self) -> Company | None:
        membership = CompanyMembership.objects.filter(user=self.user).select_related("company").first()
        return membership.company if membership else None

    @cached_property
    def other_company(self) -> Company:
        return CompanyMembershipFactory(user=self.someone_else, company=CompanyFactory()).company

    def company(self, variant: str) -> Company | None:
        return self.own_company if variant == "own" else self.other_company

    def job(self, variant: str) -> Job | None:
        owner = self.user if variant == "own" else self.someone_else
        return Job.objects.create(kind="test.job", owner=owner) if owner is not None else None

    def valuation(self, variant: str) -> ValuationRecord | None:
        company = self.company(variant)
        if company is None:
            return None
        return ValuationRecord.objects.create(
            company=company, valued_on=dt.date(2023, 6, 1), amount_krw=3_000_000_000, source="investment_round"
        )

    def agency(self, variant: str) -> Agency:
        return Agency.objects.get_or_create(code="kodit", defaults={"name_ko": "신용보증기금", "name_en": "KODIT"})[0]

    def company_import(self, variant: str) -> CompanyImport | None:
        """An import started by the user (own) or by another official (other)."""
        owner = self.user if variant == "own" else UserFactory(role=Role.AGENCY_OFFICIAL)
        return company_import_for(owner=owner) if owner is not None else None


OBJECT_BUILDERS: dict[str, Callable[[World, str], Any]] = {
    "company": World.company,
    "job": World.job,
    "valuation": World.valuation,
    "agency": World.agency,
    "import": World.company_import,
    "assignment": lambda world, variant: review_objects.assignment(world.user, variant),
    "conflicted-assignment": lambda world, variant: review_objects.conflicted_assignment(world.user),
    "pool-reviewer": lambda world, variant: review_objects.pool_reviewer(world.user, variant),
    "agency-call": lambda world, variant: review_objects.agency_call(world.user, variant),
    "application": lambda world, variant: application_objects.application(world.user, variant),
    "submitted-application": lambda world, variant: application_objects.submitted_application(world.user, variant),
    "attachment": lambda world, variant: application_objects.attachment(world.user, variant),
    "open-call": lambda world, variant: application_objects.open_call(world.user, variant),
    **program_objects.OBJECT_BUILDERS,
    **finance_objects.OBJECT_BUILDERS,
    **selection_objects.OBJECT_BUILDERS,
    **innovation_objects.OBJECT_BUILDERS,
    **learning_objects.OBJECT_BUILDERS,
    **cohort_objects.OBJECT_BUILDERS,
    **kpi_objects.OBJECT_BUILDERS,
    **datalab_objects.OBJECT_BUILDERS,
}


# --- Request bodies for writes that some role may make ---------------------------------------


def _company_form(company: Company | None = None, **changes: Any) -> dict[str, Any]:
    if company is None:
        values: dict[str, Any] = {
            "business_registration_number": registration_number(4_321),
            "name_ko": "(주)권한검사",
            "name_en": "Authorization Check Co., Ltd.",
            "ksic_division": "62",
            "region": "busan",
            "size_class": "startup",
            "founded_on": "2021-04-01",
            "employees": 7,
            "revenue_krw": 250_000_000,
            "ai_adoption": "piloting",
        }
    else:
        values = dict(company_data_from(company).__dict__)
        values["founded_on"] = company.founded_on.isoformat()
    values.update(changes)
    return values


VALUATION = {"valued_on": "2024-05-01", "amount_krw": 5_000_000_000, "source": "investment_round"}


def _login_payload(world: World, obj: Any) -> dict[str, Any]:
    user = world.user or UserFactory(email="login-check@example.kr")
    return {"username": user.email.upper(), "password": PASSWORD}


def _enrolment_payload(world: World, obj: Any) -> dict[str, Any]:
    """The code of the authenticator the user is setting up (an anonymous visitor has none)."""
    if world.user is None:
        return {"code": "000000"}
    device = two_factor_enrolment_start(user=world.user)
    return {"code": pyotp.TOTP(device.secret).now()}


WRITE_PAYLOADS: dict[tuple[str, str], Callable[[World, Any], dict[str, Any]]] = {
    ("set_language", "POST"): lambda world, obj: {"language": "en", "next": "/"},
    ("accounts:login", "POST"): _login_payload,
    ("accounts:logout", "POST"): lambda world, obj: {},
    ("accounts:signup", "POST"): lambda world, obj: {
        "email": "new-signup@example.kr",
        "full_name": "신규가입",
        "password": PASSWORD,
    },
    ("accounts:two-factor-verify", "POST"): lambda world, obj: {"code": "000000"},
    ("accounts:two-factor-enrol", "POST"): _enrolment_payload,
    ("accounts:password-change", "POST"): lambda world, obj: {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-passphrase-42",
        "new_password2": "a-new-long-passphrase-42",
    },
    ("registry:company-register", "POST"): lambda world, obj: _company_form(),
    ("registry:company-edit", "POST"): lambda world, obj: _company_form(obj, name_ko="(주)이름바뀜"),
    ("registry:valuation-add", "POST"): lambda world, obj: {**VALUATION, "amount_usd": "", "note": ""},
    ("registry:company-import", "POST"): lambda world, obj: company_import_upload(),
    ("registry:company-import-detail", "POST"): lambda world, obj: {},
    ("api:company-list", "POST"): lambda world, obj: _company_form(),
    ("api:company-detail", "PUT"): lambda world, obj: _company_form(obj, name_ko="(주)이름바뀜"),
    ("api:company-detail", "PATCH"): lambda world, obj: {"name_en": "Renamed Co., Ltd."},
    ("api:valuation-list", "POST"): lambda world, obj: {**VALUATION, "company": obj.pk if obj else None},
    **review_objects.world_payloads(),
    **program_objects.world_payloads(),
    **finance_objects.world_payloads(),
    **innovation_objects.world_payloads(),
    **selection_objects.world_payloads(),
    **learning_objects.world_payloads(),
    **cohort_objects.world_payloads(),
    **kpi_objects.world_payloads(),
    **datalab_objects.world_payloads(),
    **{
        key: lambda world, obj, key=key: application_objects.PAYLOADS[key](world.user, obj)
        for key in application_objects.PAYLOADS
    },
}


# --- Making the request and naming its outcome ------------------------------------------------


def database_state() -> dict[str, Any]:
    """What a refused write must leave untouched: every row count of our apps, every company's values.

    A refusal is itself recorded (docs/security.md): the security events of the audit trail and the
    failed log-ins the throttle counts are the one change a refused request makes, so they are left out.
    """
    state: dict[str, Any] = {
        model._meta.label: model._default_manager.count()
        for label in APPS_WATCHED_FOR_WRITES
        for model in apps.get_app_config(label).get_models()
        if model not in {AuditEvent, LoginFailure}
    }
    state["audit events"] = AuditEvent.objects.exclude(
        reduce(operator.or_, (Q(action__startswith=prefix) for prefix in SECURITY_ACTION_PREFIXES))
    ).count()
    state["company values"] = list(Company.objects.order_by("pk").values())
    state["user roles"] = list(User.objects.order_by("pk").values_list("pk", "role"))
    return state


def outcome_of(response: HttpResponse, *, row: MatrixRow, role: str) -> str:
    """Name a response in the matrix's vocabulary."""
    status = response.status_code
    if 300 <= status < 400:
        location = response["Location"].split("?", 1)[0]
        login_pages = {resolve_url(settings.LOGIN_URL), reverse("admin:login")}
        return "login" if location in login_pages else "ok"
    if 200 <= status < 300:
        # A page answers an accepted write with a redirect; 200 means the form came back with errors.
        return "invalid" if row.is_write and not row.is_api else "ok"
    if row.is_api and role == ANONYMOUS and status in {401, 403}:
        return "login"
    return {400: "invalid", 403: "deny", 404: "hidden"}.get(status, f"HTTP {status}")


def _route_exists(route: str) -> bool:
    try:
        reverse(route)
    except NoReverseMatch as error:
        return "is not a registered namespace" not in str(error) and "not a valid view" not in str(error)
    return True


def _url(route: str, obj: Any) -> str:
    if obj is not None:
        try:
            return reverse(route, kwargs={"pk": obj.pk})
        except NoReverseMatch:
            pass  # the object goes in the request body, or the URL names it by code
        if hasattr(obj, "code"):
            try:
                return reverse(route, kwargs={"call_code": obj.code})
            except NoReverseMatch:
                pass
    return reverse(route)


def _request(world: World, row: MatrixRow, url: str, body: dict[str, Any] | None) -> HttpResponse:
    if row.method == "GET":
        return world.client.get(url)
    if row.is_api:
        return world.client.generic(row.method, url, json.dumps(body or {}), content_type="application/json")
    return world.client.post(url, body or {})


CASES = [
    pytest.param(row, role, id=f"{row.route}/{row.method}/{row.object.replace(' ', '_') or '-'}/{role}")
    for row in ROWS
    for role in ROLES
    if row.expected[role] != "n/a"
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files (imports) go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.mark.parametrize(("row", "role"), CASES)
def test_matrix(row: MatrixRow, role: str, make_user: Callable[[str], User]) -> None:
    if not _route_exists(row.route):
        pytest.skip(f"{row.route} does not exist yet; test_every_route_has_a_matrix_row reports it")
    expected = row.expected[role]
    world = World(role=role, user=None if role == ANONYMOUS else make_user(role))
    if world.user is not None:
        world.client.force_login(world.user)
    obj = None
    if row.object:
        builder = OBJECT_BUILDERS.get(row.object_kind)
        assert builder is not None, f"add the object kind {row.object_kind!r} to OBJECT_BUILDERS"
        obj = builder(world, row.variant)
        assert obj is not None, f"the {role} test user has no {row.object}; mark the cell n/a or extend make_user"
    body = None
    if row.is_write:
        payload = WRITE_PAYLOADS.get((row.route, row.method))
        assert payload is not None, f"add a valid request body for {row.route} {row.method} to WRITE_PAYLOADS"
        body = payload(world, obj)
    url = _url(row.route, obj)
    before = database_state()

    response = _request(world, row, url, body)

    actual = outcome_of(response, row=row, role=role)
    detail = "" if response.streaming or actual == expected else response.content[:500].decode(errors="replace")
    assert actual == expected, f"{row.method} {url} as {role}: {actual} (HTTP {response.status_code}) {detail}"
    if row.is_write and expected != "ok":
        assert database_state() == before, "a refused write changed the database"


# --- What lists show ---------------------------------------------------------------------------

SEES_EVERY_COMPANY = {Role.MINISTRY_PLANNER, Role.AGENCY_OFFICIAL}
SEES_OWN_COMPANIES = {Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_list_shows_only_the_scope(role: str, make_user: Callable[[str], User]) -> None:
    user = make_user(role)
    world = World(role=role, user=user)
    world.client.force_login(user)
    world.valuation("other")
    if world.own_company is not None:
        world.valuation("own")
    every = set(Company.objects.values_list("pk", flat=True))
    own = {world.own_company.pk} if world.own_company else set()
    expected = every if role in SEES_EVERY_COMPANY else own if role in SEES_OWN_COMPANIES else set()

    page = world.client.get(reverse("registry:company-list"))
    api = world.client.get(reverse("api:company-list")).json()
    valuations = world.client.get(reverse("api:valuation-list")).json()

    assert {company.pk for company in page.context["page"].object_list} == expected
    assert {item["id"] for item in api["results"]} == expected
    assert {item["company"] for item in valuations["results"]} == expected


# --- The admin site: one rule -------------------------------------------------------------------

ADMIN_SAMPLE_KWARGS = {
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "registry",
    "url": "no-such-page/",
    "token": "x",
}
ADMIN_OPEN_ROUTES = {"admin:login", "admin:logout"}


def _admin_url(name: str, route: str, groups: dict[str, str]) -> str:
    kwargs = {key: ADMIN_SAMPLE_KWARGS.get(key, "1") for key in groups}
    if name:
        return reverse(name, kwargs=kwargs)
    if "(?P<url>" in route:  # the admin's catch-all
        return "/" + route.split("(?P<url>", 1)[0] + ADMIN_SAMPLE_KWARGS["url"]
    return "/" + route_string_sample(route, kwargs)


ADMIN_URLS = {
    name or route: _admin_url(name, route, groups)
    for name, route, groups in admin_routes()
    if name not in ADMIN_OPEN_ROUTES
}


def test_admin_routes_are_found() -> None:
    assert {reverse("admin:index"), reverse("admin:registry_company_changelist")} <= set(ADMIN_URLS.values())
    assert len(ADMIN_URLS) > 30


@pytest.mark.parametrize("role", ROLES)
def test_admin_route_requires_staff(role: str, make_user: Callable[[str], User]) -> None:
    """Every admin route turns away a non-staff user of every role (one request per route)."""
    client = Client()
    if role != ANONYMOUS:
        client.force_login(make_user(role))
    admin_login = reverse("admin:login")
    let_in = {}
    for route, url in ADMIN_URLS.items():
        response = client.get(url)
        if response.status_code in {401, 403}:  # django-rq's statistics JSON: refused unless staff or bearer token
            continue
        if response.status_code != 302 or response["Location"].split("?", 1)[0] != admin_login:
            let_in[route] = f"{url}: HTTP {response.status_code} {response.get('Location', '')}"
    assert not let_in, f"admin routes that did not turn away a non-staff {role}: {let_in}"


@pytest.mark.parametrize("role", ROLES)
def test_admin_login_and_logout_let_nobody_in(role: str, make_user: Callable[[str], User]) -> None:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(make_user(role))
    login_page = client.get(reverse("admin:login"))
    logout = client.post(reverse("admin:logout"))
    index = client.get(reverse("admin:index"))

    assert login_page.status_code == 200
    assert logout.status_code in {200, 302}
    assert index.status_code == 302
    assert index["Location"].startswith(reverse("admin:login"))


def test_admin_lets_staff_in_by_model_permission(make_user: Callable[[str], User]) -> None:
    staff = make_user(Role.MINISTRY_PLANNER)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    superuser = User.objects.create_superuser("root@example.kr", PASSWORD)
    staff_client, superuser_client = Client(), Client()
    staff_client.force_login(staff)
    superuser_client.force_login(superuser)
    users_admin = reverse("admin:accounts_user_changelist")

    assert staff_client.get(reverse("admin:index")).status_code == 200
    assert staff_client.get(users_admin).status_code == 403
    assert superuser_client.get(users_admin).status_code == 200
