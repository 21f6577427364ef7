"""``foster audit verify``: walk the audit trail's hash chain and report OK, or the first broken row
(exit status 1). docs/adr/0011-audit-hash-chain.md explains the chain."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from foster.core.audit_chain import chain_rows, chain_verify
from foster.core.models import AuditEvent

PROBLEMS = {
    "link": "its previous_hash is not the hash of the event before it (an event was removed or inserted)",
    "content": "its content does not match its hash (the event was changed)",
}


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' recomputes the hash chain of every audit event in order and exits "
        "non-zero at the first event that was changed, removed or inserted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="check the hash chain of the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        # argparse admits only "verify" (a required sub-command).
        started = time.perf_counter()
        report = chain_verify(chain_rows(AuditEvent.objects.all()))
        seconds = time.perf_counter() - started
        if not report.is_intact:
            self.stdout.write(
                f"BROKEN at audit event {report.broken_id}: {PROBLEMS[report.problem]}; "
                f"{report.checked} events before it are intact ({seconds:.1f} s)"
            )
            sys.exit(1)
        self.stdout.write(
            f"OK: {report.checked} audit events, chain intact; head hash {report.head_hash or '-'} ({seconds:.1f} s)"
        )
