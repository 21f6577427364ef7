"""Reconciliation: recompute every running total from the entries and report what differs.

Checks, each one aggregate query (a GROUP BY over the entries), so the cost grows with the
number of entries and nothing is loaded row by row:
- every transfer balances in each phase (posted entries sum to zero, pending entries too);
- every account's ``posted_krw`` and ``pending_krw`` equal the sums of its entries;
- every company's exposure counter equals the sum of its exposure accounts' entries
  (loans, guarantees and imported exposure; posted and pending).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from foster.finance.choices import EXPOSURE_KINDS, EntryPhase
from foster.finance.models import Account, CompanyExposure, Entry


@dataclass(frozen=True)
class Difference:
    """One figure that does not match its entries."""

    what: str  # "transfer", "account posted", "account pending", "exposure"
    key: str
    stored: int
    from_entries: int

    def __str__(self) -> str:
        return f"{self.what} {self.key}: stored {self.stored:,}, entries say {self.from_entries:,}"


def ledger_reconcile() -> list[Difference]:
    """Every difference between the stored totals and the entries (empty: the ledger is clean)."""
    differences: list[Difference] = []
    unbalanced = (
        Entry.objects.values("transfer_id", "phase")
        .annotate(total=Sum("amount_krw"))
        .exclude(total=0)
        .order_by("transfer_id", "phase")
    )
    for row in unbalanced:
        differences.append(Difference("transfer", f"#{row['transfer_id']} {row['phase']}", 0, int(row["total"])))

    sums: dict[tuple[int, str], int] = {
        (row["account_id"], row["phase"]): int(row["total"])
        for row in Entry.objects.values("account_id", "phase").annotate(total=Sum("amount_krw")).order_by()
    }
    exposure_from_entries: dict[int, int] = defaultdict(int)
    for account_id, code, kind, company_id, posted, pending in (
        Account.objects.values_list("pk", "code", "kind", "company_id", "posted_krw", "pending_krw")
        .order_by("pk")
        .iterator(chunk_size=5_000)
    ):
        entry_posted = sums.get((account_id, EntryPhase.POSTED), 0)
        entry_pending = sums.get((account_id, EntryPhase.PENDING), 0)
        if posted != entry_posted:
            differences.append(Difference("account posted", code, posted, entry_posted))
        if pending != entry_pending:
            differences.append(Difference("account pending", code, pending, entry_pending))
        if kind in EXPOSURE_KINDS and company_id is not None:
            exposure_from_entries[company_id] += entry_posted + entry_pending

    stored = dict(CompanyExposure.objects.values_list("company_id", "total_krw"))
    for company_id in sorted(set(stored) | set(exposure_from_entries)):
        if stored.get(company_id, 0) != exposure_from_entries.get(company_id, 0):
            differences.append(
                Difference(
                    "exposure",
                    f"company {company_id}",
                    stored.get(company_id, 0),
                    exposure_from_entries.get(company_id, 0),
                )
            )
    return differences
