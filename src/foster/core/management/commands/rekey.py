"""``foster rekey``: re-seal every sealed secret (``foster.core.sealing``) under this deployment's key,
after ``FOSTER_SEALING_KEY`` or ``SECRET_KEY`` changed.

The old key comes from the environment, never the command line (it would stay in the shell's
history): ``OLD_FOSTER_SEALING_KEY``, or ``OLD_SECRET_KEY`` when the old key was derived from the
old secret key. All rows are re-sealed in one transaction: a value that opens with neither the old
nor the new key stops the command (exit status 1) with its table and row, and nothing is changed.
Values already sealed under the new key, or never sealed, are left as they are, so it can run twice.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from foster.core.sealing import SealBroken, is_sealed, key_from, seal, sealed_fields, sealing_key, unseal


def _opens(value: str, purpose: str, key: bytes) -> bool:
    try:
        unseal(value, purpose, key)
    except SealBroken:
        return False
    return True


class Command(BaseCommand):
    help = (
        "Re-seal every secret sealed in the database under the current key (FOSTER_SEALING_KEY or SECRET_KEY), "
        "reading the old key from OLD_FOSTER_SEALING_KEY or OLD_SECRET_KEY."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        old_text, old_secret = os.environ.get("OLD_FOSTER_SEALING_KEY", ""), os.environ.get("OLD_SECRET_KEY", "")
        if not old_text and not old_secret:
            raise CommandError(
                "Set OLD_FOSTER_SEALING_KEY (or OLD_SECRET_KEY) to the key the secrets were sealed with."
            )
        old, new = key_from(old_text, old_secret, name="OLD_FOSTER_SEALING_KEY"), sealing_key()
        resealed = unchanged = 0
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for field in sealed_fields():
                table, column = quote(field.model._meta.db_table), quote(field.column)
                lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""  # SQLite locks the whole file
                select = f"SELECT id, {column} FROM {table} ORDER BY id{lock}"  # noqa: S608  # nosec B608  # quoted identifiers from the model
                update = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608  # nosec B608  # quoted identifiers from the model
                cursor.execute(select)
                for pk, value in cursor.fetchall():
                    if value is None or not is_sealed(value) or _opens(value, field.purpose, new):
                        unchanged += 1
                        continue
                    try:
                        plain = unseal(value, field.purpose, old)
                    except SealBroken:
                        raise CommandError(
                            f"{field.model._meta.db_table} row {pk}: the {field.name} opens with neither the old "
                            "nor the new key; nothing was changed."
                        ) from None
                    cursor.execute(update, [seal(plain, field.purpose, new), pk])
                    resealed += 1
        self.stdout.write(f"Re-sealed {resealed} secrets under the current key; {unchanged} needed nothing.")
