"""The finance pages of the load scenario (bench/load/) run a fixed number of queries: a program's
ledger, a transfer, a company's finance page (officials) and the monitors (ministry planners).
Measured on the demo data set (``tests.core.load_scenario``); the bounds are today's counts, and
a query per transfer or agreement would break them. The monitors' figures are computed on a cold
cache here (tests run without a cache); in service they come from the cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from foster.core.demo import DEMO_USERS
from foster.finance.models import Transfer
from foster.finance.seeding import LOAN_PROGRAM
from tests.core.load_scenario import client_of, load_scenario_seed, queries_of

pytestmark = pytest.mark.django_db

LEDGER = 9
TRANSFER = 8
COMPANY_FINANCE = 12
MONITORS = 19


def _official() -> Any:
    return client_of(next(user.email for user in DEMO_USERS if user.agency == "kosme"))


def _planner() -> Any:
    return client_of(next(user.email for user in DEMO_USERS if user.agency == "mss"))


def test_finance_pages_run_a_bounded_number_of_queries() -> None:
    load_scenario_seed()
    official = _official()
    transfer = Transfer.objects.filter(program__code=LOAN_PROGRAM, company__isnull=False).order_by("-id").first()
    assert transfer is not None
    assert Transfer.objects.filter(program=transfer.program).count() > 10
    counts = {}
    for label, url in (
        ("ledger", f"/finance/programs/{transfer.program_id}/"),
        ("transfer", f"/finance/transfers/{transfer.pk}/"),
        ("company finance", f"/finance/companies/{transfer.company_id}/"),
    ):
        counts[label], response = queries_of(official, "get", url)
        assert response.status_code == 200, label
    counts["monitors"], response = queries_of(_planner(), "get", "/finance/monitors/")
    assert response.status_code == 200
    assert counts["ledger"] <= LEDGER
    assert counts["transfer"] <= TRANSFER
    assert counts["company finance"] <= COMPANY_FINANCE
    assert counts["monitors"] <= MONITORS


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_monitors_come_from_the_cache_until_a_posting(django_capture_on_commit_callbacks: Any) -> None:
    from foster.finance.services import budget_fund
    from foster.programs.models import Program

    load_scenario_seed()
    cache.clear()
    planner = _planner()
    cold, response = queries_of(planner, "get", "/finance/monitors/")
    assert response.status_code == 200
    warm, response = queries_of(planner, "get", "/finance/monitors/")
    assert warm < cold
    program = Program.objects.get(code=LOAN_PROGRAM)
    official = next(user for user in program.agency.memberships.select_related("user")).user
    with django_capture_on_commit_callbacks(execute=True):
        budget_fund(user=official, key="query-count-fund", program=program, amount_krw=1_000)
    after_posting, response = queries_of(planner, "get", "/finance/monitors/")
    assert after_posting == cold  # the posting made every monitor be recomputed
