"""Trigram indexes for partial-match company search on PostgreSQL.

``name__icontains`` compiles to ``UPPER(name::text) LIKE UPPER(%s)``; a GIN index with
``gin_trgm_ops`` on the same expression serves it. SQLite has no equivalent and scans.
"""

from django.db import migrations

INDEXES = {
    "registry_company_name_ko_trgm": 'UPPER("name_ko"::text)',
    "registry_company_name_en_trgm": 'UPPER("name_en"::text)',
    "registry_company_brn_trgm": '"business_registration_number"',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON registry_company USING gin (({expression}) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
