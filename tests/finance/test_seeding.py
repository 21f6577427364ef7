"""The demo ledger: agreements for demo companies, idempotent, reconciling."""

from __future__ import annotations

import pytest

from foster.accounts.seeding import agencies_seed
from foster.core.demo import demo_users_seed
from foster.finance.models import Agreement, Entry
from foster.finance.reconcile import ledger_reconcile
from foster.finance.seeding import finance_seed
from foster.programs.seeding import programs_seed
from foster.registry.seeding import companies_seed

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_is_seeded_once_and_reconciles() -> None:
    agencies_seed()
    companies_seed(count=30, seed=3)
    demo_users_seed()
    programs_seed()

    created = finance_seed(seed=3)
    entries = Entry.objects.count()
    again = finance_seed(seed=3)

    assert created == Agreement.objects.count() >= 12
    assert again == 0 and Entry.objects.count() == entries
    assert Agreement.objects.filter(instrument="guarantee").exists()
    assert ledger_reconcile() == []
