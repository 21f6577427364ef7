"""The one way money moves: ``transfer_execute`` records a transfer of balanced entries under a
client-supplied idempotency key, atomically, with the exposure cap and budget floors enforced by
conditional updates in the database (ADR 0006).

Order of locks in every transaction, so that concurrent transfers never deadlock:
1. the idempotency key row (a unique insert: a second request with the same key waits for the
   first to commit or roll back);
2. the row of an agreement whose reservation is being settled (``select_for_update``, taken by
   the caller's plan);
3. the company's exposure counter (conditional ``UPDATE``);
4. the accounts' running totals, in ascending id order (``UPDATE ... SET x = x + amount``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F
from django.utils.translation import gettext as _

from foster.core.caching import area_changed
from foster.core.services import audit_event_record
from foster.finance.choices import AccountKind, EntryPhase
from foster.finance.models import Account, Agreement, CompanyExposure, Entry, IdempotencyKey, Transfer
from foster.programs.models import Program
from foster.registry.models import Company

MAX_KEY_LENGTH = 200
MAX_AMOUNT_KRW = 10**15  # a thousand trillion won: far above any real figure, far below the column's limit


class TransferRefused(ValidationError):
    """The ledger's state refuses the transfer (cap, budget, nothing left to post). Recorded as the
    key's outcome: a retry with the same key gets the same refusal."""


class IdempotencyConflict(Exception):
    """The key was used before for a different request (409 in the API)."""


class LedgerError(Exception):
    """A programming error: a plan whose entries do not balance. Never shown to users."""


@dataclass(frozen=True)
class Line:
    """One entry to write: signed ``amount_krw`` (debit positive) on ``account`` in ``phase``."""

    account: Account
    amount_krw: int
    phase: str = EntryPhase.POSTED


@dataclass
class TransferPlan:
    """What a transfer writes. ``exposure_krw`` changes ``company``'s exposure counter; an increase
    is refused beyond ``cap_krw`` (None: no cap, for facts reported by other agencies).
    ``floor_accounts`` must keep posted plus pending at zero or more (budgets, commitments)."""

    kind: str
    amount_krw: int
    lines: list[Line]
    company: Company | None = None
    program: Program | None = None
    agreement: Agreement | None = None
    pending_of: Transfer | None = None
    reverses: Transfer | None = None
    description: str = ""
    exposure_krw: int = 0
    cap_krw: int | None = None
    floor_accounts: frozenset[int] = field(default_factory=frozenset)
    after: Callable[[Transfer], None] | None = None  # runs in the transaction once the transfer exists


@dataclass(frozen=True)
class Outcome:
    """A transfer and whether it was recorded now (False: the first outcome of the key, replayed)."""

    transfer: Transfer
    is_new: bool


def content_hash(request: dict[str, Any]) -> str:
    """SHA-256 of the request in canonical JSON (sorted keys): what the key promises to mean."""
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def clean_key(key: Any) -> str:
    text = key.strip() if isinstance(key, str) else ""
    if not text or len(text) > MAX_KEY_LENGTH:
        raise ValidationError({"idempotency_key": [_("Give an idempotency key of 1 to 200 characters.")]})
    return text


def clean_amount(value: Any, name: str = "amount_krw", *, allow_zero: bool = False) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or (value == 0 and not allow_zero):
        raise ValidationError({name: [_("Enter a whole number of won above zero.")]})
    if value > MAX_AMOUNT_KRW:
        raise ValidationError({name: [_("The amount is too large.")]})
    return value


def account_code(kind: str, *, program_id: object = None, company_id: object = None, source: str = "") -> str:
    """The unique code of the account of ``kind`` for that program, company and source (ids, or
    placeholders that SQL fills in for a bulk load)."""
    program_part = "-" if program_id is None else program_id
    company_part = "-" if company_id is None else company_id
    return f"{kind}:p{program_part}:c{company_part}:{source or '-'}"


def account_for(
    kind: str, *, program: Program | None = None, company: Company | None = None, source: str = ""
) -> Account:
    """The account of ``kind`` for that program, company and source, created on first use."""
    code = account_code(
        kind, program_id=program.pk if program else None, company_id=company.pk if company else None, source=source
    )
    account, _created = Account.objects.get_or_create(
        code=code, defaults={"kind": kind, "program": program, "company": company, "source": source}
    )
    return account


def _replay(key: str, digest: str) -> Outcome | None:
    row = IdempotencyKey.objects.filter(key=key).select_related("transfer").first()
    if row is None:
        return None
    if row.content_hash != digest:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different request; use a new key for a new request.")
        )
    if row.transfer is None:
        raise TransferRefused(row.refusal_message)
    return Outcome(row.transfer, is_new=False)


class _KeyTaken(Exception):
    pass


def transfer_execute(
    *, key: str, request: dict[str, Any], plan: Callable[[], TransferPlan], actor: Any = None, audit_action: str = ""
) -> Outcome:
    """Record the transfer ``plan()`` describes under ``key``, or return the key's first outcome.

    ``request`` is what the caller asked (hashed and stored with the key). ``plan`` runs inside the
    transaction, after the key is claimed: it may read and lock rows, create the agreement, and
    raise ``TransferRefused``. Everything (the key, the transfer, its entries, the totals, the
    plan's own rows and the audit event ``audit_action``) is written in one transaction or nothing is.
    Takes the locks listed in the module docstring.
    """
    key = clean_key(key)
    digest = content_hash(request)
    replayed = _replay(key, digest)
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    key_row = IdempotencyKey.objects.create(key=key, content_hash=digest)
            except IntegrityError:
                raise _KeyTaken from None
            transfer_plan = plan()
            transfer = _write(transfer_plan, actor)
            IdempotencyKey.objects.filter(pk=key_row.pk).update(transfer=transfer)
            if transfer_plan.after is not None:
                transfer_plan.after(transfer)
            area_changed("ledger")  # the monitors and the plan's money figures
            if audit_action:
                audit_event_record(
                    actor=actor,
                    action=audit_action,
                    target=transfer,
                    reason=transfer_plan.description,
                    changes={"request": request, "key": key},
                )
            return Outcome(transfer, is_new=True)
    except _KeyTaken:
        outcome = _replay(key, digest)
        if outcome is None:  # pragma: no cover - the other request rolled back between our insert and read
            return transfer_execute(key=key, request=request, plan=plan, actor=actor)
        return outcome
    except TransferRefused as refusal:
        message = " ".join(refusal.messages)
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(key=key, content_hash=digest, refusal_message=message)
        except IntegrityError:
            outcome = _replay(key, digest)  # someone else's outcome came first: it is the key's
            if outcome is not None:
                return outcome
        raise


def _write(plan: TransferPlan, actor: Any) -> Transfer:
    """Write the transfer, its entries and the running totals. Raises TransferRefused on the cap or a floor."""
    sums: dict[str, int] = defaultdict(int)
    for line in plan.lines:
        if not isinstance(line.amount_krw, int) or line.amount_krw == 0:
            raise LedgerError(f"entry amount must be a non-zero integer: {line!r}")
        sums[line.phase] += line.amount_krw
    if not plan.lines or any(sums.values()):
        raise LedgerError(f"unbalanced transfer {plan.kind}: {dict(sums)}")
    if plan.exposure_krw:
        _exposure_change(plan.company, plan.exposure_krw, plan.cap_krw)
    transfer = Transfer.objects.create(
        kind=plan.kind,
        amount_krw=plan.amount_krw,
        company=plan.company,
        program=plan.program,
        agreement=plan.agreement,
        pending_of=plan.pending_of,
        reverses=plan.reverses,
        exposure_delta_krw=plan.exposure_krw,
        description=plan.description[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Entry.objects.bulk_create(
        Entry(transfer=transfer, account=line.account, phase=line.phase, amount_krw=line.amount_krw)
        for line in plan.lines
    )
    deltas: dict[int, dict[str, int]] = defaultdict(lambda: {EntryPhase.POSTED: 0, EntryPhase.PENDING: 0})
    accounts = {line.account.pk: line.account for line in plan.lines}
    for line in plan.lines:
        deltas[line.account.pk][line.phase] += line.amount_krw
    for account_id in sorted(deltas):
        posted, pending = deltas[account_id][EntryPhase.POSTED], deltas[account_id][EntryPhase.PENDING]
        if not posted and not pending:
            continue
        rows = Account.objects.filter(pk=account_id)
        if account_id in plan.floor_accounts and posted + pending < 0:
            # The sum's type is stated: PostgreSQL's integer-range check would otherwise drop the
            # comparison with an amount above 2**31 as "no row" without asking the database.
            available = ExpressionWrapper(F("posted_krw") + F("pending_krw"), output_field=BigIntegerField())
            rows = rows.alias(available=available).filter(available__gte=-(posted + pending))
        updated = rows.update(posted_krw=F("posted_krw") + posted, pending_krw=F("pending_krw") + pending)
        if not updated:
            account = accounts[account_id]
            raise TransferRefused(
                _("Not enough left in %(account)s for %(amount)s.")
                % {"account": AccountKind(account.kind).label, "amount": _won(-(posted + pending))}
            )
    return transfer


def _won(amount: int) -> str:
    return _("KRW %(amount)s") % {"amount": f"{amount:,}"}


def _exposure_change(company: Company | None, amount: int, cap: int | None) -> None:
    """Change the company's exposure counter by ``amount``: an increase only while the total stays
    within ``cap`` (one conditional UPDATE; no read of the total before it)."""
    if company is None:
        raise LedgerError("an exposure change needs a company")
    CompanyExposure.objects.bulk_create([CompanyExposure(company=company, total_krw=0)], ignore_conflicts=True)
    rows = CompanyExposure.objects.filter(company_id=company.pk)
    if amount > 0 and cap is not None:
        rows = rows.filter(total_krw__lte=cap - amount)
    if rows.update(total_krw=F("total_krw") + amount) == 0:
        total = CompanyExposure.objects.filter(company_id=company.pk).values_list("total_krw", flat=True).first() or 0
        raise TransferRefused(
            _(
                "%(amount)s would take the company's loans and guarantees past the limit of %(cap)s: "
                "it has %(total)s, so %(headroom)s is left."
            )
            % {
                "amount": _won(amount),
                "cap": _won(cap or 0),
                "total": _won(total),
                "headroom": _won(max(0, (cap or 0) - total)),
            }
        )
