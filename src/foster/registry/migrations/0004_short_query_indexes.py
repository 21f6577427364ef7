"""Prefix indexes for one- and two-character company searches on PostgreSQL.

A query shorter than three characters has no trigram, so the GIN indexes of migration 0002
cannot serve it and ``LIKE '%xy%'`` would scan the whole table. The search therefore matches
such a query at the start of a name (``name__istartswith``, which compiles to
``UPPER(name::text) LIKE UPPER('xy%')``); a btree with ``text_pattern_ops`` on the same
expression serves that whatever the database's collation. The start of the registration
number uses the ``varchar_pattern_ops`` index Django already made for the unique column.
SQLite has no equivalent and scans.
"""

from django.db import migrations

INDEXES = {
    "registry_company_name_ko_prefix": 'UPPER("name_ko"::text)',
    "registry_company_name_en_prefix": 'UPPER("name_en"::text)',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON registry_company (({expression}) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_company_import")]
    operations = [migrations.RunPython(create, drop)]
