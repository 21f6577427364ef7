"""The data and the people of the load scenario (bench/load/), small: the demo data set on a few
hundred companies plus one load member (a draft) and one load reviewer (open score sheets). The
query-count tests of each app request the scenario's pages on it; with 150 applications a call
and dozens of ledger transfers, a query per row would break their bounds."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from foster.accounts.models import User
from foster.accounts.seeding import agencies_seed
from foster.applications.seeding import applications_seed
from foster.core.demo import demo_users_seed
from foster.core.load_seeding import load_member_email, load_reviewer_email, load_users_seed
from foster.finance.seeding import finance_seed
from foster.kpi.seeding import kpi_seed
from foster.programs.seeding import programs_seed
from foster.registry.seeding import companies_seed
from foster.reviews.seeding import reviews_seed

COMPANIES = 300
PER_CALL = 60  # more than a page of 50 in a call's list


def load_scenario_seed() -> None:
    """The parts of the demo data set the scenario's pages read (``foster.core.demo.demo_seed``
    without education, open innovation, cohorts and the data LAB, to keep the tests quick)."""
    agencies_seed()
    companies_seed(count=COMPANIES, seed=7)
    demo_users_seed()
    programs_seed()
    applications_seed(seed=7, per_call=PER_CALL)
    reviews_seed(seed=7)
    finance_seed(seed=7)
    kpi_seed(seed=7)
    load_users_seed(count=1)


def client_of(email: str | None) -> Client:
    client = Client(headers={"accept-language": "ko"})
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def member_client() -> Client:
    return client_of(load_member_email(0))


def reviewer_client() -> Client:
    return client_of(load_reviewer_email(0))


def queries_of(client: Client, method: str, url: str, data: Any = None) -> tuple[int, Any]:
    """The number of queries of one request, and its response."""
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    return len(context.captured_queries), response
