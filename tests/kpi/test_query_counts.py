"""The plan's KPI dashboard (a ministry planner's page in the load scenario, bench/load/) runs a
bounded number of queries on a cold cache, and none of its figures' queries once they are cached
until the ledger, the registry or a survey changes (``foster.kpi.figures.plan_figures``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from foster.core.caching import area_changed
from foster.core.demo import DEMO_USERS
from tests.core.load_scenario import client_of, load_scenario_seed, queries_of

pytestmark = pytest.mark.django_db

DASHBOARD = 34
SESSION_AND_USER = 2


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_dashboard_queries_are_bounded_and_cached_until_a_change(django_capture_on_commit_callbacks: Any) -> None:
    load_scenario_seed()
    cache.clear()
    planner = client_of(next(user.email for user in DEMO_USERS if user.agency == "mss"))
    cold, response = queries_of(planner, "get", "/kpi/")
    assert response.status_code == 200
    warm, response = queries_of(planner, "get", "/kpi/")
    assert response.status_code == 200
    assert cold <= DASHBOARD
    assert warm <= SESSION_AND_USER + 2  # session, user and the page's own permission reads
    for area in ("ledger", "registry", "surveys"):
        with django_capture_on_commit_callbacks(execute=True):
            area_changed(area)
        recomputed, _response = queries_of(planner, "get", "/kpi/")
        assert recomputed == cold, area
