"""Foster's load scenario: 50 concurrent people mixing what the platform does all day.

    .venv/bin/python bench/load/run.py          # starts gunicorn and runs this file headless

Five kinds of user, in proportion to the weights below:

- visitors (anonymous): the front page, open calls, one call, the public statistics, success cases;
- company members: open their draft application and save it;
- reviewers: open their assignments, open one score sheet and save scores (not submitted);
- agency officials: search the registry by name and by registration number, list a call's
  applications, open a program's ledger and a transfer;
- ministry planners: the plan's KPI dashboard and the finance monitors.

What the users need to know about the data (calls, programs, transfers, names to search) comes
from a JSON file written by run.py from the seeded database (``FOSTER_LOAD_TARGETS``). Each role
logs in in exactly one function (``log_in_*`` below), so a change to the log-in (two-factor
authentication, for example) is made in one place.

Requests are named by type (``name=``), not by URL, so the statistics group them.

The server runs with production settings behind what would be a TLS-terminating load balancer:
the users send ``X-Forwarded-Proto: https`` as the balancer does and keep the session's Secure
cookies over the plain HTTP hop (``_ProxiedCookiePolicy``).
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import gevent
import pyotp
from locust import HttpUser, between, task

TARGETS: dict[str, Any] = json.loads(Path(os.environ["FOSTER_LOAD_TARGETS"]).read_text(encoding="utf-8"))
PASSWORD = TARGETS["password"]
_member_numbers = itertools.count()
_reviewer_numbers = itertools.count()
_official_numbers = itertools.count()
_last_step: dict[str, int] = {}  # e-mail -> the authenticator step last used (a code is accepted once)
TOTP_WINDOW = 1  # steps either side of now that the server accepts (foster.accounts.two_factor)


def authenticator_code(email: str) -> str:
    """The code the person's authenticator app shows (or the next step's, when another simulated
    user of the same account used this one), waiting for the next step when both are used."""
    totp = pyotp.TOTP(TARGETS["authenticators"][email])
    while True:
        now = int(time.time()) // totp.interval
        step = max(now, _last_step.get(email, -1) + 1)  # never an earlier step: it may expire in flight
        if step <= now + TOTP_WINDOW:
            _last_step[email] = step
            return str(totp.generate_otp(step))
        gevent.sleep(1)


def csrf_token(cookies: Any) -> str:
    """The CSRF cookie's value, whatever its name (``__Host-csrftoken`` under production settings)."""
    return next((value for name, value in cookies.items() if name.endswith("csrftoken")), "")


class _ProxiedCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Keep Secure cookies for the plain HTTP hop behind the (simulated) TLS-terminating proxy:
    they are stored without the flag (requests copies cookies into jars of the default policy
    before sending, so a policy that merely allowed them would be lost)."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        cookie.secure = False
        return super().set_ok(cookie, request)


class _FormFields(HTMLParser):
    """The fields of the first form with a ``method="post"`` on a page: name -> value, in order."""

    def __init__(self, form_index: int = 0) -> None:
        super().__init__()
        self.fields: list[tuple[str, str, dict[str, str]]] = []
        self._form_index = form_index
        self._forms_seen = -1
        self._inside = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("method", "").lower() == "post":
            self._forms_seen += 1
            self._inside = self._forms_seen == self._form_index
        if not self._inside:
            return
        name = attributes.get("name", "")
        if tag == "input" and name and attributes.get("type") not in ("file", "submit", "button"):
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind == "checkbox" else ""), attributes))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in attributes:
                self._select_value = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or "", {}))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.strip(), {}))
            self._textarea = None


def form_fields(html: str) -> list[tuple[str, str, dict[str, str]]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


class FosterUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)  # a person reads a page before the next click

    def on_start(self) -> None:
        self.client.cookies.set_policy(_ProxiedCookiePolicy())
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Accept-Language": "ko"})
        self.origin = origin

    def post_form(self, path: str, data: dict[str, str] | list[tuple[str, str]], name: str) -> Any:
        """POST like a browser: the CSRF token from the cookie, the page as the referrer; a
        redirect is the success answer of a form, a 200 means the form came back with errors."""
        token = csrf_token(self.client.cookies)
        with self.client.post(
            path,
            data=data,
            headers={"X-CSRFToken": token, "Referer": self.origin + path},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"form not accepted: HTTP {response.status_code}")
            return response

    def edit_and_save(
        self, path: str, value: Callable[[str, str, dict[str, str]], str], *, opened: str, saved: str
    ) -> None:
        """Open the form at ``path``, fill each field with ``value(field, current, attributes)`` and
        save it (``action=save``), as a person editing a draft does."""
        page = self.client.get(path, name=opened)
        data = [(field, value(field, current, attributes)) for field, current, attributes in form_fields(page.text)]
        data.append(("action", "save"))
        self.post_form(path, data, name=saved)

    def log_in(self, email: str) -> None:
        """Log in with e-mail and password and, for officials and planners, the authenticator's
        code (the one place that knows how; see the module docstring)."""
        self.client.get("/accounts/login/", name="log in: page")
        response = self.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(self.client.cookies), "username": email, "password": PASSWORD},
            name="log in: post",
        )
        if "/login/two-factor/" in response.headers.get("Location", ""):
            self.client.get("/accounts/login/two-factor/", name="log in: second factor page")
            self.post_form(
                "/accounts/login/two-factor/",
                {"csrfmiddlewaretoken": csrf_token(self.client.cookies), "code": authenticator_code(email)},
                name="log in: second factor",
            )


def log_in_member(user: FosterUser, number: int) -> None:
    user.log_in(TARGETS["members"][number % len(TARGETS["members"])])


def log_in_reviewer(user: FosterUser, number: int) -> None:
    user.log_in(TARGETS["reviewers"][number % len(TARGETS["reviewers"])])


def log_in_official(user: FosterUser, number: int) -> None:
    user.log_in(TARGETS["officials"][number % len(TARGETS["officials"])]["email"])


def log_in_planner(user: FosterUser) -> None:
    user.log_in(TARGETS["planner"])


class Visitor(FosterUser):
    """Anonymous portal browsing."""

    weight = 20

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="portal: home")

    @task(3)
    def open_calls(self) -> None:
        self.client.get("/calls/", name="portal: open calls")

    @task(3)
    def call_page(self) -> None:
        self.client.get(f"/calls/{random.choice(TARGETS['call_codes'])}/", name="portal: call page")

    @task(2)
    def statistics(self) -> None:
        self.client.get("/statistics/", name="portal: statistics")

    @task(1)
    def success_cases(self) -> None:
        self.client.get("/success-cases/", name="portal: success cases")


class CompanyMember(FosterUser):
    """Opens the company's draft and saves it."""

    weight = 10

    def on_start(self) -> None:
        super().on_start()
        log_in_member(self, next(_member_numbers))
        response = self.client.get("/applications/", name="member: my applications")
        found = re.search(r'href="/applications/(\d+)/edit/"', response.text) or re.search(
            r'href="/applications/(\d+)/"', response.text
        )
        self.application = found.group(1) if found else None

    @task(3)
    def open_draft(self) -> None:
        if self.application:
            self.client.get(f"/applications/{self.application}/edit/", name="member: open draft")

    @task(2)
    def save_draft(self) -> None:
        if not self.application:
            return

        def value(field: str, value: str, attributes: dict[str, str]) -> str:
            if field == "title" or (attributes.get("type", "text") == "text" and not value):
                return f"AI 품질 검사 고도화 {random.randint(1, 999)}"
            return value

        self.edit_and_save(
            f"/applications/{self.application}/edit/", value, opened="member: open draft", saved="member: save draft"
        )


class Reviewer(FosterUser):
    """Opens the assignments and saves scores on one of them."""

    weight = 8

    def on_start(self) -> None:
        super().on_start()
        log_in_reviewer(self, next(_reviewer_numbers))
        response = self.client.get("/reviews/", name="reviewer: assignments")
        self.assignments = sorted(set(re.findall(r'href="/reviews/assignments/(\d+)/"', response.text)))

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/reviews/", name="reviewer: assignments")

    @task(3)
    def score(self) -> None:
        if not self.assignments:
            return

        def value(field: str, value: str, attributes: dict[str, str]) -> str:
            if field.startswith("score_"):
                low, high = float(attributes.get("min") or 0), float(attributes.get("max") or 10)
                return str(int(random.uniform(low, high)))
            if field == "comment":
                return "기술성이 우수하나 사업화 계획 보완 필요"
            return value

        self.edit_and_save(
            f"/reviews/assignments/{random.choice(self.assignments)}/",
            value,
            opened="reviewer: open score sheet",
            saved="reviewer: save scores",
        )


class Official(FosterUser):
    """An agency official: registry searches, a call's applications, a program's ledger, a transfer."""

    weight = 8

    def on_start(self) -> None:
        super().on_start()
        self.number = next(_official_numbers)
        log_in_official(self, self.number)
        self.mine = TARGETS["officials"][self.number % len(TARGETS["officials"])]

    @task(3)
    def search_name(self) -> None:
        self.client.get(
            "/companies/", params={"q": random.choice(TARGETS["company_names"])}, name="official: search by name"
        )

    @task(2)
    def search_number(self) -> None:
        self.client.get(
            "/companies/", params={"q": random.choice(TARGETS["company_numbers"])}, name="official: search by BRN"
        )

    @task(3)
    def call_applications(self) -> None:
        if self.mine["calls"]:
            call = random.choice(self.mine["calls"])
            self.client.get(f"/applications/calls/{call}/", name="official: call applications")

    @task(1)
    def call_applications_page(self) -> None:
        if self.mine["calls"]:
            call = random.choice(self.mine["calls"])
            self.client.get(
                f"/applications/calls/{call}/", params={"page": random.randint(2, 40)},
                name="official: call applications, later page",
            )  # fmt: skip

    @task(2)
    def program_ledger(self) -> None:
        if self.mine["programs"]:
            self.client.get(f"/finance/programs/{random.choice(self.mine['programs'])}/", name="official: ledger")

    @task(2)
    def transfer(self) -> None:
        if self.mine["transfers"]:
            self.client.get(f"/finance/transfers/{random.choice(self.mine['transfers'])}/", name="official: transfer")

    @task(1)
    def company_finance(self) -> None:
        if self.mine["companies"]:
            self.client.get(
                f"/finance/companies/{random.choice(self.mine['companies'])}/", name="official: company finance"
            )


class Planner(FosterUser):
    """A ministry planner: the plan's KPI dashboard and the finance monitors."""

    weight = 4

    def on_start(self) -> None:
        super().on_start()
        log_in_planner(self)

    @task(1)
    def kpi_dashboard(self) -> None:
        self.client.get("/kpi/", name="planner: KPI dashboard")

    @task(1)
    def monitors(self) -> None:
        self.client.get("/finance/monitors/", name="planner: finance monitors")


class Baseline(FosterUser):
    """The baseline of the same run: what the machine can do at all through the same gunicorn with
    the same number of users and the same pauses: the health check (Django, middleware and one
    ``SELECT 1``) and a static file (WhiteNoise). Not part of the scenario: run.py names the
    scenario's classes, and this one alone for the baseline."""

    @task(1)
    def health(self) -> None:
        self.client.get("/healthz/", name="baseline: /healthz/")

    @task(1)
    def static(self) -> None:
        self.client.get(TARGETS["static_path"], name="baseline: static file")
