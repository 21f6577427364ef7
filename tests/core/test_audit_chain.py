"""The audit trail as a hash chain: appended rows are chained, changes and deletions are refused
(by the model, and on PostgreSQL by a trigger), tampering is found by ``foster audit verify``,
the migration seals existing rows, and concurrent writers keep one chain (PostgreSQL)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from foster.accounts.models import User
from foster.core.audit_chain import chain_hash, chain_rows, chain_verify
from foster.core.models import AuditEvent, AuditEventImmutableError
from foster.core.services import audit_event_record
from tests.factories import UserFactory
from tests.finance.test_concurrency import run_at_once

ON_POSTGRES = connection.vendor == "postgresql"


@contextlib.contextmanager
def tampering() -> Iterator[None]:
    """Let a test change rows behind the application's back, as a database superuser could: on
    PostgreSQL the session stops firing triggers (``session_replication_role = replica``)."""
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if ON_POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def three_events() -> list[AuditEvent]:
    user: User = UserFactory()
    return [
        audit_event_record(actor=user, action="test.first", target=user, changes={"b": [1, 2], "a": "가"}),
        audit_event_record(actor=None, action="test.second", target=user, reason="이유"),
        audit_event_record(actor=user, action="test.third", target=user, changes={"amount": 10**12}),
    ]


@pytest.mark.django_db
def test_appended_events_form_a_chain_and_verify_says_ok() -> None:
    events = three_events()

    stored = list(AuditEvent.objects.order_by("id"))
    assert stored[0].previous_hash == ""
    assert [event.previous_hash for event in stored[1:]] == [event.record_hash for event in stored[:-1]]
    assert all(len(event.record_hash) == 64 for event in stored)
    assert [event.record_hash for event in stored] == [event.record_hash for event in events]
    assert all(chain_hash(event, event.previous_hash) == event.record_hash for event in stored)
    status, output = verify()
    assert status == 0
    assert output.startswith(f"OK: 3 audit events, chain intact; head hash {stored[-1].record_hash}")


@pytest.mark.django_db
def test_bulk_created_events_are_chained_too() -> None:
    user: User = UserFactory()
    audit_event_record(actor=user, action="test.before", target=user)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(actor=user, action=f"test.bulk{index}", object_type="x", object_id=str(index))
            for index in range(5)
        ]
    )

    assert chain_verify(chain_rows(AuditEvent.objects.all())).checked == 6
    assert verify()[0] == 0


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_delete_an_event() -> None:
    event = three_events()[0]
    event.reason = "changed"

    with pytest.raises(AuditEventImmutableError):
        event.save()
    with pytest.raises(AuditEventImmutableError):
        event.delete()
    with pytest.raises(AuditEventImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(AuditEventImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_a_user_who_has_acted_cannot_be_deleted() -> None:
    from django.db.models import ProtectedError

    user: User = UserFactory()
    audit_event_record(actor=user, action="test.acted", target=user)

    with pytest.raises(ProtectedError):
        user.delete()


@pytest.mark.django_db
def test_a_changed_event_is_reported_with_its_id() -> None:
    events = three_events()
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["다른 이유", events[1].pk])

    status, output = verify()

    assert status == 1
    assert output.startswith(f"BROKEN at audit event {events[1].pk}: its content does not match its hash")
    assert "1 events before it are intact" in output


@pytest.mark.django_db
def test_a_removed_event_is_reported_at_the_next_one() -> None:
    events = three_events()
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])

    status, output = verify()

    assert status == 1
    assert output.startswith(f"BROKEN at audit event {events[2].pk}: its previous_hash is not the hash")


@pytest.mark.django_db
def test_the_migration_seals_the_events_that_existed_before_the_chain() -> None:
    """The migration's sealing step, run on rows without hashes, gives the chain the app verifies."""
    three_events()
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET previous_hash = '', record_hash = ''")
    assert verify()[0] == 1
    migration = MigrationExecutor(connection).loader.get_migration("core", "0007_audit_hash_chain")
    state = MigrationExecutor(connection).loader.project_state(("core", "0007_audit_hash_chain"))
    seal = next(
        op for op in migration.operations if getattr(op, "code", None) and op.code.__name__ == "seal_existing_events"
    )

    with tampering():
        seal.code(state.apps, SimpleNamespace(connection=connection))  # the step reads only the connection

    status, output = verify()
    assert status == 0, output
    assert output.startswith("OK: 3 audit events")


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the trigger exists on PostgreSQL only")
@pytest.mark.django_db
def test_on_postgresql_a_trigger_refuses_update_and_delete_in_sql() -> None:
    event = three_events()[0]

    for statement in (
        "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="a race needs separate connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain() -> None:
    users = [UserFactory() for _ in range(12)]

    def write(index: int) -> int:
        with transaction.atomic():
            for step in range(5):
                audit_event_record(actor=users[index], action=f"test.concurrent{step}", target=users[index])
        return index

    results = run_at_once(12, write)

    assert not [result for result in results if isinstance(result, BaseException)], results
    report = chain_verify(chain_rows(AuditEvent.objects.all()))
    assert report.is_intact
    assert report.checked == AuditEvent.objects.count() >= 60
    assert AuditEvent.objects.values("previous_hash").distinct().count() == AuditEvent.objects.count()
