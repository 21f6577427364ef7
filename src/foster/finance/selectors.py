"""Reads of the finance ledger: the exposure headroom the eligibility rules use, the scoping
selectors every page and API query starts from, and the policy monitors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.permissions import agency_ids_of, is_agency_official, is_ministry_planner
from foster.finance.choices import EXPOSURE_INSTRUMENTS, AccountKind, FundingSource, Instrument, TransferKind
from foster.finance.models import (
    DEFAULT_EXPOSURE_CAP_KRW,
    Account,
    Agreement,
    CompanyExposure,
    ExposureCapGroup,
    ExposureImport,
    Transfer,
)
from foster.programs.choices import PolicyTag, ProgramType
from foster.programs.models import Program
from foster.registry.models import Company, CompanyMembership

AI_FUND_TARGET_KRW = 3_000_000_000_000
INNOVATIVE_GROWTH_SHARE_TARGET = 0.60
STRATEGIC_RND_SHARE_TARGET = 0.50
INNOVATIVE_GROWTH_TAGS = frozenset({PolicyTag.INNOVATIVE_GROWTH, PolicyTag.AI, PolicyTag.SEMICONDUCTOR})
STRATEGIC_TECHNOLOGY_TAGS = frozenset({PolicyTag.STRATEGIC_TECHNOLOGY, PolicyTag.AI})
RND_TYPES = frozenset({ProgramType.RND, ProgramType.HIGH_RISK_RND})


def exposure_cap_for_program(program: Program | None) -> int:
    """The per-company cap that applies to approvals under ``program``: the lowest cap of the
    groups it belongs to, else the default KRW 10 billion."""
    if program is None:
        return DEFAULT_EXPOSURE_CAP_KRW
    cap = ExposureCapGroup.objects.filter(programs=program).aggregate(cap=Min("cap_krw"))["cap"]
    return DEFAULT_EXPOSURE_CAP_KRW if cap is None else int(cap)


def company_exposure_krw(company: Company) -> int:
    """The company's exposure: outstanding loans and guarantees (posted and pending) at every
    agency, including exposure imported from other agencies' files."""
    total = CompanyExposure.objects.filter(company_id=company.pk).values_list("total_krw", flat=True).first()
    return int(total or 0)


def company_exposure_headroom_krw(company: Company, program: Program | None = None) -> int:
    """How much more loan and guarantee exposure ``company`` may take on under ``program``'s cap."""
    return max(0, exposure_cap_for_program(program) - company_exposure_krw(company))


# --- Scoping ----------------------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def company_ids_of_member(user: Any) -> QuerySet[Any]:
    return CompanyMembership.objects.filter(user=user).values("company_id")


def agreement_queryset_for(user: Any) -> QuerySet[Agreement]:
    """Agreements ``user`` may see: their agency's programs' (officials), every one (planners),
    their own companies' (company members); nothing for anyone else."""
    if not _signed_in(user):
        return Agreement.objects.none()
    agreements = Agreement.objects.select_related("program", "program__agency", "company", "reservation")
    if is_ministry_planner(user):
        return agreements
    if is_agency_official(user):
        return agreements.filter(program__agency_id__in=agency_ids_of(user))
    if user.role in (Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER):
        return agreements.filter(company_id__in=company_ids_of_member(user))
    return Agreement.objects.none()


def transfer_queryset_for(user: Any) -> QuerySet[Transfer]:
    """Transfers ``user`` may see: officials see their agency's programs' transfers and every
    exposure transfer of a company (exposure is shared across agencies); planners see all;
    company members see their companies' agreements' transfers."""
    if not _signed_in(user):
        return Transfer.objects.none()
    transfers = Transfer.objects.select_related("program", "company", "agreement")
    if is_ministry_planner(user):
        return transfers
    if is_agency_official(user):
        return transfers.filter(Q(program__agency_id__in=agency_ids_of(user)) | Q(kind=TransferKind.EXTERNAL_EXPOSURE))
    if user.role in (Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER):
        return transfers.filter(agreement__company_id__in=company_ids_of_member(user))
    return Transfer.objects.none()


def finance_company_queryset_for(user: Any) -> QuerySet[Company]:
    """Companies whose finance page ``user`` may open: every company for officials and planners
    (the exposure is shared), their own for company members."""
    if not _signed_in(user):
        return Company.objects.none()
    if is_ministry_planner(user) or is_agency_official(user):
        return Company.objects.all()
    if user.role in (Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER):
        return Company.objects.filter(pk__in=company_ids_of_member(user))
    return Company.objects.none()


def finance_program_queryset_for(user: Any) -> QuerySet[Program]:
    """Programs whose ledger ``user`` may read: their agency's (officials), every one (planners)."""
    if not _signed_in(user):
        return Program.objects.none()
    if is_ministry_planner(user):
        return Program.objects.select_related("agency")
    if is_agency_official(user):
        return Program.objects.select_related("agency").filter(agency_id__in=agency_ids_of(user))
    return Program.objects.none()


def exposure_import_queryset_for(user: Any) -> QuerySet[ExposureImport]:
    """The exposure imports ``user`` may see: their own uploads, while they may still import."""
    if not _signed_in(user) or not user.has_perm("finance.import_exposures"):
        return ExposureImport.objects.none()
    return ExposureImport.objects.filter(created_by=user)


def suggested_agreement_reference(program: Program, on: dt.date | None = None) -> str:
    """The next free agreement number of ``program`` in ``on``'s year: ``2026-P12-0003``."""
    prefix = f"{(on or timezone.localdate()).year}-P{program.pk}-"
    taken = set(Agreement.objects.filter(reference__startswith=prefix).values_list("reference", flat=True))
    number = len(taken) + 1
    while f"{prefix}{number:04d}" in taken:
        number += 1
    return f"{prefix}{number:04d}"


def program_accounts(program: Program) -> QuerySet[Account]:
    return Account.objects.filter(program=program).order_by("kind", "source")


def company_accounts(company: Company) -> QuerySet[Account]:
    return Account.objects.filter(company=company).order_by("kind", "source")


# --- Policy monitors --------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareMonitor:
    """A share of money against a target; ``transfer_ids`` are the transfers behind the figure."""

    label: str
    numerator_krw: int
    denominator_krw: int
    target: float
    transfer_ids: list[int]

    @property
    def share(self) -> float:
        return self.numerator_krw / self.denominator_krw if self.denominator_krw else 0.0

    @property
    def share_percent(self) -> float:
        return round(self.share * 100, 1)

    @property
    def is_on_target(self) -> bool:
        return self.share >= self.target


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
    return start, start.replace(year=year + 1)


def _share(reservations: QuerySet[Transfer], tags: frozenset[str], label: str, target: float) -> ShareMonitor:
    """The share of ``reservations`` (approvals) under programs tagged ``tags``, each approval
    counted net of what was voided from it since (``VOID`` transfers settling it, whenever they
    were made), so that a cancelled approval does not count.

    Summed in the database by program (a year holds hundreds of thousands of approvals; reading
    them row by row took seconds), less the voids by program (few), then split by the programs'
    tags; only the ids of the tagged approvals are read."""
    gross = dict(
        reservations.order_by()
        .values("program_id")
        .annotate(total=Sum("amount_krw"))
        .values_list("program_id", "total")
    )
    voids = list(
        Transfer.objects.filter(kind=TransferKind.VOID, pending_of__in=reservations.values("pk"))
        .order_by()
        .values("pending_of", "pending_of__program_id", "pending_of__amount_krw")
        .annotate(total=Sum("amount_krw"))
        .values_list("pending_of", "pending_of__program_id", "pending_of__amount_krw", "total")
    )
    by_program = {program_id: int(total or 0) for program_id, total in gross.items()}
    for _pk, program_id, _amount, voided in voids:
        by_program[program_id] -= int(voided or 0)
    cancelled = {pk for pk, _program_id, amount, voided in voids if int(voided or 0) >= amount}
    tagged = [
        pk
        for pk, program_tags in Program.objects.filter(pk__in=[pk for pk in by_program if pk is not None]).values_list(
            "pk", "policy_tags"
        )
        if tags & set(program_tags or [])
    ]
    ids = [pk for pk in reservations.filter(program_id__in=tagged).values_list("pk", flat=True) if pk not in cancelled]
    return ShareMonitor(label, sum(by_program[pk] for pk in tagged), sum(by_program.values()), target, ids)


def liquidity_share_monitor(*, year: int) -> ShareMonitor:
    """New liquidity of the year: loan and guarantee approvals made in the year, each net of what
    was cancelled from it (reserved, then posted or still pending, and not voided), and the share
    going to innovative growth areas (programs tagged AI, semiconductor or innovative growth),
    against 60%."""
    start, end = _year_range(year)
    approvals = Transfer.objects.filter(
        kind=TransferKind.RESERVE,
        created_at__gte=start,
        created_at__lt=end,
        agreement__instrument__in=list(EXPOSURE_INSTRUMENTS),
    )
    return _share(approvals, INNOVATIVE_GROWTH_TAGS, "liquidity", INNOVATIVE_GROWTH_SHARE_TARGET)


def rnd_share_monitor(*, year: int) -> ShareMonitor:
    """R&D money approved in the year (net of cancellations, as the liquidity monitor) and the
    share going to strategic technology, against 50%."""
    start, end = _year_range(year)
    approvals = Transfer.objects.filter(
        kind=TransferKind.RESERVE,
        created_at__gte=start,
        created_at__lt=end,
        agreement__instrument__in=[Instrument.RND, Instrument.HIGH_RISK_RND],
    )
    return _share(approvals, STRATEGIC_TECHNOLOGY_TAGS, "rnd", STRATEGIC_RND_SHARE_TARGET)


@dataclass(frozen=True)
class FundMonitor:
    by_source: dict[str, int]
    target_krw: int
    transfer_ids: list[int]

    @property
    def total_krw(self) -> int:
        return sum(self.by_source.values())


def ai_fund_monitor() -> FundMonitor:
    """Fund commitments (net of reversals) by source against the KRW 3 trillion AI fund: committed,
    paid in and invested money all count (a capital call and an investment only move it along)."""
    by_source: dict[str, int] = {
        str(source): int(
            Account.objects.filter(kind=AccountKind.FUND_COMMITMENT, source=source).aggregate(total=Sum("posted_krw"))[
                "total"
            ]
            or 0
        )
        + int(
            Account.objects.filter(
                kind__in=(AccountKind.FUND_PAID_IN, AccountKind.FUND_INVESTMENT), source=source
            ).aggregate(total=Sum("posted_krw"))["total"]
            or 0
        )
        for source in (FundingSource.GOVERNMENT, FundingSource.PRIVATE)
    }
    ids = list(Transfer.objects.filter(kind=TransferKind.FUND_COMMIT).values_list("pk", flat=True)[:500])
    return FundMonitor(by_source, AI_FUND_TARGET_KRW, ids)


def exposure_league(*, limit: int = 50) -> list[tuple[Company, int, int]]:
    """The companies with the largest exposure: (company, exposure, cap headroom under the default cap)."""
    rows = CompanyExposure.objects.filter(total_krw__gt=0).select_related("company").order_by("-total_krw")[:limit]
    return [(row.company, row.total_krw, max(0, DEFAULT_EXPOSURE_CAP_KRW - row.total_krw)) for row in rows]
