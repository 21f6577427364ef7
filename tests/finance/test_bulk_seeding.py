"""The load test's data set (``foster seed --applications --ledger-entries --load-users``): refused
with a clear message where it cannot run, and on PostgreSQL a bulk ledger that reconciles."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from foster.finance.models import Agreement, Entry, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.seeding import ENTRIES_PER_LOAN
from foster.registry.models import Company


@pytest.mark.django_db
def test_seed_without_anything_to_add_says_what_to_give() -> None:
    with pytest.raises(CommandError, match="--companies, --applications, --ledger-entries or --load-users"):
        call_command("seed", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal elsewhere than on PostgreSQL")
def test_bulk_ledger_is_refused_without_postgresql_and_changes_nothing() -> None:
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command("seed", ledger_entries=100, stdout=io.StringIO())
    assert not Entry.objects.exists() and not Company.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk ledger is loaded with generate_series")
@pytest.mark.django_db(transaction=True)
def test_bulk_data_set_reconciles_and_keeps_the_ledger_balanced() -> None:
    output = io.StringIO()
    call_command("seed", companies=200, stdout=output, verbosity=0)
    call_command("seed", applications=3_000, load_users=2, ledger_entries=1_000, stdout=output, verbosity=0)

    assert ledger_reconcile() == []
    bulk = Agreement.objects.filter(reference__startswith="LOAD-")
    assert bulk.count() == 1_000 // ENTRIES_PER_LOAN
    assert Entry.objects.filter(transfer__agreement__in=bulk).count() == 1_000
    assert Transfer.objects.filter(agreement__in=bulk, kind="reserve").values("program").distinct().count() == 2
    assert "Added 1000 ledger entries" in output.getvalue()
