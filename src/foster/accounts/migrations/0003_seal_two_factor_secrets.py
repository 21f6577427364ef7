"""Authenticators' TOTP secrets are sealed in the database (foster.core.sealing): the column widens
for the sealed form and every existing secret is sealed. Backwards, the secrets are opened again."""

from __future__ import annotations

from typing import Any

from django.db import migrations

import foster.core.sealing

PURPOSE = "accounts.twofactordevice.secret"


def seal_existing(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("accounts", "TwoFactorDevice")._meta.db_table
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {quote(table)}")  # nosec B608: names from the model
        for pk, secret in cursor.fetchall():
            if not foster.core.sealing.is_sealed(secret):
                cursor.execute(
                    f"UPDATE {quote(table)} SET secret = %s WHERE id = %s",  # nosec B608: names from the model
                    [foster.core.sealing.seal(secret, PURPOSE), pk],
                )


def open_existing(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("accounts", "TwoFactorDevice")._meta.db_table
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {quote(table)}")  # nosec B608: names from the model
        for pk, secret in cursor.fetchall():
            cursor.execute(
                f"UPDATE {quote(table)} SET secret = %s WHERE id = %s",  # nosec B608: names from the model
                [foster.core.sealing.unseal(secret, PURPOSE), pk],
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_two_factor_and_login_failures")]

    operations = [
        migrations.AlterField(
            model_name="twofactordevice",
            name="secret",
            field=foster.core.sealing.SealedCharField(max_length=255, verbose_name="secret"),
        ),
        migrations.RunPython(seal_existing, open_existing),
    ]
