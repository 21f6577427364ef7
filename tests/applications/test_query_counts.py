"""The application pages of the load scenario (bench/load/) run a fixed number of queries: a
member's draft (open and save) and an official's list of a call's applications, first and later
page. Measured on the demo data set (``tests.core.load_scenario``: more than a page of
applications a call); the bounds are today's counts, and a query per row would break them."""

from __future__ import annotations

import re

import pytest
from django.db.models import Count

from foster.applications.models import Application
from foster.core.demo import DEMO_USERS
from foster.core.load_seeding import load_member_email
from foster.core.models import AuditEvent
from tests.core.load_scenario import client_of, load_scenario_seed, member_client, queries_of

pytestmark = pytest.mark.django_db

OPEN_DRAFT = 9
SAVE_DRAFT = 16  # 12, plus the audit hash chain: its lock (an advisory lock on PostgreSQL), head read and seal
CALL_LIST = 8


def test_member_draft_and_official_call_list_run_a_bounded_number_of_queries() -> None:
    load_scenario_seed()
    member = member_client()
    draft = Application.objects.get(applicant__email=load_member_email(0))
    url = f"/applications/{draft.pk}/edit/"
    opened, response = queries_of(member, "get", url)
    assert response.status_code == 200
    page = response.content.decode()
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    data.update(title="AI 품질 검사 고도화", action="save")
    saved, response = queries_of(member, "post", url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action="application.save_draft", object_id=str(draft.pk)).count() == 1

    official_email = next(user.email for user in DEMO_USERS if user.agency == "kosme")
    official = client_of(official_email)
    call_id = (
        Application.objects.filter(call__program__agency__code="kosme")
        .exclude(status="draft")
        .values("call_id")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["call_id"]
    )
    first, response = queries_of(official, "get", f"/applications/calls/{call_id}/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/applications/') >= 40  # dozens of rows on the page
    second, response = queries_of(official, "get", f"/applications/calls/{call_id}/", {"page": 2})
    assert response.status_code == 200
    assert opened <= OPEN_DRAFT
    assert saved <= SAVE_DRAFT
    assert first <= CALL_LIST
    assert second <= CALL_LIST
