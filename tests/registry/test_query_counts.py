"""The company list page and the API list run a fixed number of queries, however many rows they show.

Each case is measured with a few companies and with more than a page of them, each company with
memberships and valuations: a query per row (an N+1) makes the larger case fail. The bounds are
the counts measured today: session, user, the scoping check, the capped count and the page, plus
the permission checks of the page's buttons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.registry.models import ValuationRecord
from tests.factories import CompanyFactory, CompanyMembershipFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 8
API_QUERIES = 5


def _companies(count: int) -> None:
    for company in CompanyFactory.create_batch(count):
        CompanyMembershipFactory(company=company)
        ValuationRecord.objects.create(
            company=company, valued_on=dt.date(2025, 1, 1), amount_krw=1_380_000_000, source="investment_round"
        )


def _queries(client: Any, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def _few(params: dict[str, Any]) -> int:
    """Enough companies for the page asked for, but fewer rows on it than a full page shows."""
    return 55 if params.get("page") == 2 else 3


LIST_CASES = [
    pytest.param({}, id="first page"),
    pytest.param({"page": 2}, id="second page"),
    pytest.param({"q": "테스트"}, id="search"),
    pytest.param({"q": "테"}, id="short search"),
    pytest.param({"region": "seoul", "size_class": "small"}, id="filters"),
]


@pytest.mark.parametrize("params", LIST_CASES)
def test_the_company_list_page_runs_a_fixed_number_of_queries(
    make_user: Callable[[str], User], params: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = english_client(make_user(Role.AGENCY_OFFICIAL))
    url = reverse("registry:company-list")
    client.get(url)  # the session is warm, as for every page after the first

    _companies(_few(params))
    few = _queries(client, url, params)
    _companies(120)
    many = _queries(client, url, params)
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(url, params)

    assert few == many


@pytest.mark.parametrize("params", [*LIST_CASES, pytest.param({"page_size": 500}, id="largest page")])
def test_the_api_company_list_runs_a_fixed_number_of_queries(
    make_user: Callable[[str], User], params: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = english_client(make_user(Role.AGENCY_OFFICIAL))
    url = reverse("api:company-list")

    _companies(_few(params))
    few = _queries(client, url, params)
    _companies(120)
    many = _queries(client, url, params)
    with django_assert_max_num_queries(API_QUERIES):
        client.get(url, params)

    assert few == many


def test_a_members_list_runs_as_few_queries_as_an_officials(
    make_user: Callable[[str], User], django_assert_max_num_queries: Any
) -> None:
    member = make_user(Role.COMPANY_MEMBER)
    _companies(60)
    client = english_client(member)
    client.get(reverse("api:company-list"))

    with django_assert_max_num_queries(API_QUERIES):
        response = client.get(reverse("api:company-list"))

    assert response.json()["count"] == 1
