"""The audit trail becomes a hash chain (docs/adr/0011-audit-hash-chain.md).

Adds ``previous_hash`` and ``record_hash``, seals every existing event in id order with a frozen
copy of ``foster.core.audit_chain``'s hash (migrations never import app code), and on PostgreSQL
adds a trigger that refuses UPDATE and DELETE of audit events. Reversing drops the trigger and the
hashes.
"""

import datetime as dt
import hashlib
import json


import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on core_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


def _record_hash(event, previous_hash):
    """Frozen copy of foster.core.audit_chain.chain_hash (version 1 of the chain)."""
    content = {
        "action": event.action,
        "actor": event.actor_id,
        "changes": json.loads(json.dumps(event.changes, cls=DjangoJSONEncoder)),
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "object_id": event.object_id,
        "object_type": event.object_type,
        "previous": previous_hash,
        "reason": event.reason,
    }
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()


def seal_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    alias = schema_editor.connection.alias
    previous = ""
    batch = []
    for event in AuditEvent.objects.using(alias).order_by("id").iterator(chunk_size=2000):
        event.previous_hash = previous
        event.record_hash = previous = _record_hash(event, previous)
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.using(alias).bulk_update(batch, ["previous_hash", "record_hash"])
            batch = []
    if batch:
        AuditEvent.objects.using(alias).bulk_update(batch, ["previous_hash", "record_hash"])


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_notification_kinds_learning"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="hash of the previous event"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="record_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
