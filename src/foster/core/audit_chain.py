"""The hash chain of the audit trail (docs/adr/0011-audit-hash-chain.md).

Every audit event stores ``record_hash = SHA-256(canonical JSON of its content and previous_hash)``
and ``previous_hash`` is the ``record_hash`` of the event before it (by id; ``""`` for the first).
A changed field, a removed row or a row slipped in breaks the chain, which ``chain_verify`` finds.
Writers take one lock while they read the last hash and insert (a PostgreSQL advisory transaction
lock; SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at a time), so concurrent writers
extend a single chain.

The content hashed is fixed (``chain_content``); migration 0007 of core keeps a frozen copy of
these functions to seal the rows that existed before the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections

# pg_advisory_xact_lock key of the audit chain: any 64-bit number no other lock of Foster uses.
CHAIN_LOCK_KEY = 0x466F73746572_01  # "Foster" + 1


def chain_lock(using: str = "default") -> None:
    """Serialise chain writers until the end of the current transaction (PostgreSQL).

    Must be called inside ``transaction.atomic``. SQLite runs Foster's transactions as
    ``BEGIN IMMEDIATE`` (settings), which already admits one writer at a time.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def chain_content(
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    changes: Any,
    created_at: dt.datetime,
    previous_hash: str,
) -> bytes:
    """The bytes hashed for one event: canonical JSON (sorted keys, no spaces, UTF-8).

    ``changes`` goes through JSON first, as the database stores it, so the hash of a row read back
    equals the hash computed before it was written.
    """
    stored_changes = json.loads(json.dumps(changes, cls=DjangoJSONEncoder))
    content = {
        "action": action,
        "actor": actor_id,
        "changes": stored_changes,
        "created_at": _timestamp(created_at),
        "object_id": object_id,
        "object_type": object_type,
        "previous": previous_hash,
        "reason": reason,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(event: Any, previous_hash: str) -> str:
    """The ``record_hash`` of ``event`` (an AuditEvent, saved or not) after ``previous_hash``."""
    content = chain_content(
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        reason=event.reason,
        changes=event.changes,
        created_at=event.created_at,
        previous_hash=previous_hash,
    )
    return hashlib.sha256(content).hexdigest()


def chain_seal(event: Any, previous_hash: str) -> str:
    """Fill ``previous_hash`` and ``record_hash`` of a new event; returns its hash (the next one's previous)."""
    event.previous_hash = previous_hash
    event.record_hash = chain_hash(event, previous_hash)
    return str(event.record_hash)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a walk along the chain: how many rows were checked and the first broken one."""

    checked: int
    head_hash: str
    broken_id: int | None = None
    problem: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_id is None


def chain_verify(events: Iterable[Any]) -> ChainReport:
    """Walk ``events`` in id order; report the first row whose link or content does not match."""
    previous = ""
    checked = 0
    for event in events:
        if event.previous_hash != previous:
            return ChainReport(checked, previous, event.pk, "link")
        if chain_hash(event, previous) != event.record_hash:
            return ChainReport(checked, previous, event.pk, "content")
        previous = event.record_hash
        checked += 1
    return ChainReport(checked, previous)


def chain_rows(queryset: Any, chunk_size: int = 2000) -> Iterator[Any]:
    """Every event of ``queryset`` in id order, read in chunks (millions of rows fit in memory one chunk at a time)."""
    return iter(queryset.order_by("id").iterator(chunk_size=chunk_size))
