"""The public pages of the load scenario (bench/load/) run a fixed, small number of queries.

Measured on the demo data set (``tests.core.load_scenario``); the bounds are today's counts. The
statistics page's figures are computed from a dozen tables on a cold cache (tests run without a
cache) and the front page's registry counts are one GROUP BY; neither grows with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from foster.programs.models import Call
from tests.core.load_scenario import client_of, load_scenario_seed, queries_of

pytestmark = pytest.mark.django_db

BOUNDS = {"home": 6, "open calls": 2, "call page": 1, "statistics": 30, "success cases": 2}


def test_public_pages_run_a_bounded_number_of_queries() -> None:
    load_scenario_seed()
    now = timezone.now()
    call = Call.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("code").first()
    assert call is not None
    pages = {
        "home": "/",
        "open calls": "/calls/",
        "call page": f"/calls/{call.code}/",
        "statistics": "/statistics/",
        "success cases": "/success-cases/",
    }
    anonymous = client_of(None)
    counts = {}
    for label, url in pages.items():
        counts[label], response = queries_of(anonymous, "get", url)
        assert response.status_code == 200, label
    assert {label: min(count, BOUNDS[label]) for label, count in counts.items()} == counts


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_statistics_and_counts_come_from_the_cache_until_the_registry_changes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from foster.core.caching import area_changed

    load_scenario_seed()
    cache.clear()
    anonymous = client_of(None)
    first, _response = queries_of(anonymous, "get", "/statistics/")
    again, response = queries_of(anonymous, "get", "/statistics/")
    assert response.status_code == 200
    assert again == 0 < first  # served from the cache: not even a session is read
    home_first, _response = queries_of(anonymous, "get", "/")
    home_again, _response = queries_of(anonymous, "get", "/")
    assert home_again == home_first - 1  # the registry's GROUP BY is cached
    with django_capture_on_commit_callbacks(execute=True):
        area_changed("registry")  # takes effect when the transaction commits
    recomputed, _response = queries_of(anonymous, "get", "/statistics/")
    assert recomputed == first
