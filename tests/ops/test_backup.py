"""``foster backup`` and ``foster restore`` round-trip a populated installation (companies, a funded
program, loans approved and disbursed, a guarantee, uploaded files) on the database the suite runs on
(SQLite or PostgreSQL): the restored copy has the same row count in every table, the same ledger
totals per account kind and the same files. A damaged backup and a non-empty target are refused
before anything changes (issue 10, part 6)."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Sum

from foster.accounts.models import User
from foster.finance.choices import Instrument
from foster.finance.models import Account
from foster.finance.reconcile import ledger_reconcile
from foster.finance.services import agreement_approve, agreement_disburse, budget_fund
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from foster.registry.importing import company_import_create
from tests.factories import CompanyFactory, ProgramFactory
from tests.ops.processes import postgres_url

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "사업자등록번호,기업명,영문명,업종코드,지역,기업규모,설립일,종업원수,매출액,AI도입현황\r\n"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(official: User, program: Program, media: Path) -> None:
    """Demo-like data: companies, a funded loan program, loans approved and partly disbursed, a
    guarantee, budget top-ups, and two uploaded company files (one in a sub-directory)."""
    companies = CompanyFactory.create_batch(12)
    loans = ProgramFactory(agency=program.agency, program_type=ProgramType.LOAN)
    guarantees = ProgramFactory(agency=program.agency, program_type=ProgramType.GUARANTEE)
    for number, target in enumerate([loans, guarantees, program]):
        budget_fund(user=official, key=f"fund-{number}", program=target, amount_krw=50_000_000_000 + number)
    for number, company in enumerate(companies[:6]):
        outcome = agreement_approve(
            user=official,
            key=f"approve-{number}",
            program=loans,
            company=company,
            instrument=Instrument.LOAN,
            amount_krw=300_000_000 + number * 1_000,
        )
        agreement = outcome.transfer.agreement
        assert agreement is not None
        agreement_disburse(user=official, key=f"disburse-{number}", agreement=agreement, amount_krw=100_000_000)
    agreement_approve(
        user=official,
        key="guarantee",
        program=guarantees,
        company=companies[7],
        instrument=Instrument.GUARANTEE,
        amount_krw=700_000_000,
    )
    for name in ("companies.csv", "기업목록.csv"):
        company_import_create(user=official, file=io.BytesIO(HEADER.encode()), filename=name, language="ko")
    (media / "finance" / "imports").mkdir(parents=True)
    (media / "finance" / "imports" / "agency.csv").write_bytes(b"source,amount\nkodit,1\n")
    assert ledger_reconcile() == []


def _source_counts() -> dict[str, int]:
    """Rows per table of every installed model, through the ORM (independent of core.backup's SQL)."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    }


def _source_ledger() -> dict[str, tuple[int, int, int]]:
    return {
        row["kind"]: (row["accounts"], row["posted"], row["pending"])
        for row in Account.objects.values("kind")
        .annotate(accounts=Count("id"), posted=Sum("posted_krw"), pending=Sum("pending_krw"))
        .order_by()
    }


@pytest.fixture
def restore_target(tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's kind: a new SQLite file, or a new PostgreSQL database on
    the test server (named after the test database, so CI's clean-up of test databases drops it)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield postgres_url({**connection.settings_dict, "NAME": name})
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _target_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as restored:
            return restored.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as restored:
        return restored.execute(sql).fetchall()  # type: ignore[arg-type]  # the test's own statements


@pytest.mark.usefixtures("populated")
def test_backup_and_restore_round_trip_counts_ledger_totals_and_files(
    tmp_path: Path, media: Path, restore_target: str
) -> None:
    out = io.StringIO()
    call_command("backup", out=tmp_path / "backup", stdout=out)
    assert "backed up" in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    counts, ledger = _source_counts(), _source_ledger()
    assert {table: manifest["tables"][table] for table in counts} == counts
    assert {
        kind: (v["accounts"], v["posted_krw"], v["pending_krw"]) for kind, v in manifest["ledger"].items()
    } == ledger
    assert len(manifest["media"]) == 3

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore", source=tmp_path / "backup", database_url=restore_target, media_root=restored_media, stdout=out
    )

    assert "row counts and ledger totals match the backup" in out.getvalue()
    # Checked again here, independently of the command: every table's rows, the ledger, the files.
    for table, count in counts.items():
        assert _target_rows(restore_target, f'SELECT COUNT(*) FROM "{table}"') == [(count,)], table  # noqa: S608
    restored_ledger = _target_rows(
        restore_target,
        "SELECT kind, COUNT(*), SUM(posted_krw), SUM(pending_krw) FROM finance_account GROUP BY kind",
    )
    assert {kind: (accounts, posted, pending) for kind, accounts, posted, pending in restored_ledger} == ledger
    originals = sorted(path.relative_to(media) for path in media.rglob("*") if path.is_file())
    assert sorted(path.relative_to(restored_media) for path in restored_media.rglob("*") if path.is_file()) == originals
    for relative in originals:
        assert (restored_media / relative).read_bytes() == (media / relative).read_bytes()


@pytest.mark.usefixtures("populated")
def test_restore_refuses_a_target_that_is_not_empty_and_a_damaged_backup(tmp_path: Path, restore_target: str) -> None:
    call_command("backup", out=tmp_path / "backup", stdout=io.StringIO())
    call_command(
        "restore",
        source=tmp_path / "backup",
        database_url=restore_target,
        media_root=tmp_path / "first",
        stdout=io.StringIO(),
    )
    before = _target_rows(restore_target, "SELECT COUNT(*) FROM finance_entry")

    with pytest.raises(CommandError, match=r"already has \d+ tables; restore into an empty database"):
        call_command("restore", source=tmp_path / "backup", database_url=restore_target, media_root=tmp_path / "second")
    assert not (tmp_path / "second").exists()

    damaged = next(path for path in (tmp_path / "backup" / "media").rglob("*.csv"))
    damaged.write_bytes(damaged.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match=r"The backup is damaged; nothing was restored: media/.* does not match"):
        call_command(
            "restore",
            source=tmp_path / "backup",
            database_url=restore_target,
            media_root=tmp_path / "third",
            force=True,
        )
    assert not (tmp_path / "third").exists()
    assert _target_rows(restore_target, "SELECT COUNT(*) FROM finance_entry") == before


def test_backup_refuses_a_directory_that_is_not_empty(tmp_path: Path, media: Path) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("yesterday")
    with pytest.raises(CommandError, match="is not empty; give a new or empty directory"):
        call_command("backup", out=tmp_path / "backup")
    assert [path.name for path in (tmp_path / "backup").iterdir()] == ["old.txt"]
