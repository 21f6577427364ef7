"""Bulk loading helpers for the synthetic data sets of benchmarks and load tests (PostgreSQL).

Loading millions of rows is several times faster when the table's secondary indexes are built
once at the end instead of updated row by row, and when foreign keys are checked in one pass
(``ALTER TABLE ... ADD CONSTRAINT`` validates every row with a single join) instead of one trigger
per inserted row. ``load_constraints_deferred`` drops both for the duration of a ``with`` block and
re-creates them, in one transaction: nobody else ever sees the table without them (other sessions
wait for the table meanwhile), and a failed load leaves the table as it was.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def load_constraints_deferred(tables: Sequence[str], *, foreign_keys: bool = False) -> Iterator[list[str]]:
    """PostgreSQL: without the secondary indexes (and, with ``foreign_keys``, the foreign keys) of
    ``tables`` inside the block; they are re-created (and re-validated) when it ends.

    The primary keys and unique indexes stay (they keep the load honest). Yields the names of what
    was deferred; elsewhere than on PostgreSQL it does nothing and yields an empty list.
    """
    if connection.vendor != "postgresql":
        yield []
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        indexes: list[tuple[str, str]] = []
        constraints: list[tuple[str, str, str]] = []
        for table in tables:
            cursor.execute(
                """
                SELECT index_class.relname, pg_get_indexdef(pg_index.indexrelid)
                FROM pg_index JOIN pg_class AS index_class ON index_class.oid = pg_index.indexrelid
                WHERE pg_index.indrelid = %s::regclass AND NOT pg_index.indisprimary AND NOT pg_index.indisunique
                ORDER BY index_class.relname
                """,
                [table],
            )
            indexes += cursor.fetchall()
            if foreign_keys:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                constraints += [(table, name, definition) for name, definition in cursor.fetchall()]
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        yield [name for name, _definition in indexes] + [name for _table, name, _definition in constraints]
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def statistics_refresh(tables: Sequence[str]) -> None:
    """PostgreSQL: VACUUM ANALYZE ``tables`` after a bulk load, so that the planner knows the new row
    counts and index-only scans need not visit the table (only ANALYZE inside a transaction, where
    VACUUM cannot run). Elsewhere it does nothing."""
    if connection.vendor != "postgresql" or not tables:
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {', '.join(connection.ops.quote_name(table) for table in tables)}")
