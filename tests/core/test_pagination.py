"""The capped-count paginator: exact counts up to the cap, honest words above it, the right rows on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.pagination import CappedCountPaginator
from foster.registry.models import Company
from tests.factories import CompanyFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_five(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 5)


def _names(page: Any) -> list[str]:
    return [company.name_ko for company in page.object_list]


def test_counts_exactly_up_to_the_cap(cap_of_five: None) -> None:
    CompanyFactory.create_batch(5)

    paginator = CappedCountPaginator(Company.objects.order_by("name_ko", "id"), 2)

    assert (paginator.count, paginator.count_is_exact, paginator.num_pages) == (5, True, 3)


def test_above_the_cap_the_count_stops_and_says_so(cap_of_five: None) -> None:
    CompanyFactory.create_batch(8)

    paginator = CappedCountPaginator(Company.objects.order_by("name_ko", "id"), 2)

    assert (paginator.count, paginator.count_is_exact, paginator.num_pages) == (5, False, 3)
    assert len(paginator.page(3).object_list) == 2  # a full page: there are more rows than counted
    assert paginator.get_page(99).number == 3


def test_every_page_has_the_rows_of_plain_slicing() -> None:
    CompanyFactory.create_batch(23)
    ordered = Company.objects.order_by("-employees", "name_ko", "id")
    expected = list(ordered.values_list("name_ko", flat=True))

    paginator = CappedCountPaginator(ordered, 5)

    assert [name for number in paginator.page_range for name in _names(paginator.page(number))] == expected


def test_a_list_is_paginated_too(cap_of_five: None) -> None:
    paginator = CappedCountPaginator(list(range(7)), 3)

    assert (paginator.count, paginator.count_is_exact) == (5, False)
    assert list(paginator.page(2).object_list) == [3, 4, 5]


def test_the_list_page_says_more_than_when_the_count_stopped(
    cap_of_five: None, make_user: Callable[[str], User]
) -> None:
    CompanyFactory.create_batch(12)

    body = english_client(make_user(Role.AGENCY_OFFICIAL)).get(reverse("registry:company-list")).content.decode()

    assert "More than 5 companies found" in body
    assert "12 companies" not in body


def test_the_api_says_whether_its_count_is_exact(cap_of_five: None, make_user: Callable[[str], User]) -> None:
    CompanyFactory.create_batch(6)
    CompanyFactory(name_ko="유일무이")
    client = english_client(make_user(Role.AGENCY_OFFICIAL))

    capped = client.get(reverse("api:company-list"), {"page_size": 2}).json()
    exact = client.get(reverse("api:company-list"), {"q": "유일무이"}).json()

    assert (capped["count"], capped["count_is_exact"], len(capped["results"])) == (5, False, 2)
    assert capped["next"] is not None
    assert (exact["count"], exact["count_is_exact"]) == (1, True)
