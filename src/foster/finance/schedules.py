"""Loan arithmetic in integer won, with no Django and no database: repayment schedules and
interest accrued by the day. ``finance.services`` turns agreements into these inputs and the
results into ``ScheduleItem`` rows.

Conventions (docs/finance.md):

- **Periods** are months. Instalment ``k`` (1-based) falls due ``k`` months after the start
  date, on the same day of the month or the month's last day when it has no such day.
- **Scheduled interest** of a period is the outstanding principal times the annual rate / 12,
  rounded down to the won (amounts below one won are not charged).
- **Grace period**: the first ``grace_months`` instalments are interest only; the principal is
  repaid over the remaining ``term_months - grace_months`` instalments.
- **Equal principal**: each amortising instalment repays ``principal // n`` won; the remainder
  of the division is added to the last instalment.
- **Equal instalment (annuity)**: principal plus interest is the same every amortising month,
  ``P r / (1 - (1 + r)^-n)`` with ``r`` the monthly rate, rounded to the nearest won; the
  principal part is that payment less the period's interest, and the last instalment repays
  whatever principal is left (the rounding remainder), so principal always sums to ``P``.
- **Bullet**: interest only every month; the whole principal on the last instalment.
- **Accrued interest** (a repayment whose interest the official does not type) is actual/365:
  the outstanding principal of each day times the annual rate / 365, summed over the days from
  the start date (included) to the end date (excluded), rounded down to the won once at the end.
  Leap years still divide by 365, as Korean won loans do.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

EQUAL_PRINCIPAL = "equal_principal"
ANNUITY = "annuity"
BULLET = "bullet"
METHODS = (EQUAL_PRINCIPAL, ANNUITY, BULLET)
BASIS_POINTS = 10_000
DAYS_IN_YEAR = 365
MAX_TERM_MONTHS = 600


class ScheduleError(ValueError):
    """The loan's terms cannot make a schedule (the message says which term)."""


@dataclass(frozen=True)
class LoanTerms:
    """What a loan schedule is made from: ``principal_krw`` lent on ``start_on``, repaid by
    ``method`` over ``term_months`` monthly instalments, the first ``grace_months`` interest only."""

    principal_krw: int
    annual_rate_basis_points: int
    term_months: int
    start_on: dt.date
    method: str = EQUAL_PRINCIPAL
    grace_months: int = 0


@dataclass(frozen=True)
class Instalment:
    """One scheduled repayment: ``number`` counts from 1; ``outstanding_krw`` is the principal left after it."""

    number: int
    due_on: dt.date
    principal_krw: int
    interest_krw: int
    outstanding_krw: int

    @property
    def total_krw(self) -> int:
        return self.principal_krw + self.interest_krw


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` moved ``months`` months on, clipped to the last day of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _check(terms: LoanTerms) -> None:
    if terms.method not in METHODS:
        raise ScheduleError(f"method must be one of {', '.join(METHODS)}")
    if not isinstance(terms.principal_krw, int) or terms.principal_krw <= 0:
        raise ScheduleError("principal_krw must be a whole number of won above zero")
    if not isinstance(terms.annual_rate_basis_points, int) or terms.annual_rate_basis_points < 0:
        raise ScheduleError("annual_rate_basis_points must be zero or more")
    if not isinstance(terms.term_months, int) or not 1 <= terms.term_months <= MAX_TERM_MONTHS:
        raise ScheduleError(f"term_months must be between 1 and {MAX_TERM_MONTHS}")
    if not isinstance(terms.grace_months, int) or not 0 <= terms.grace_months < terms.term_months:
        raise ScheduleError("grace_months must be zero or more and less than term_months")


def monthly_interest_krw(outstanding_krw: int, annual_rate_basis_points: int) -> int:
    """A month's scheduled interest on ``outstanding_krw``, rounded down to the won."""
    return outstanding_krw * annual_rate_basis_points // (BASIS_POINTS * 12)


def annuity_payment_krw(principal_krw: int, annual_rate_basis_points: int, periods: int) -> int:
    """The equal monthly payment (principal plus interest) repaying ``principal_krw`` in
    ``periods`` months, rounded to the nearest won (halves up); computed exactly with fractions."""
    if annual_rate_basis_points == 0:
        return -(-principal_krw // periods)
    rate = Fraction(annual_rate_basis_points, BASIS_POINTS * 12)
    growth = (1 + rate) ** periods
    payment = principal_krw * rate * growth / (growth - 1)
    return int(payment + Fraction(1, 2))  # floor(x + 1/2): the nearest won, halves up


def loan_schedule(terms: LoanTerms) -> list[Instalment]:
    """The instalments of a loan, one a month; their principal sums to ``terms.principal_krw``."""
    _check(terms)
    outstanding = terms.principal_krw
    rate = terms.annual_rate_basis_points
    amortising = terms.term_months - terms.grace_months
    payment = annuity_payment_krw(outstanding, rate, amortising) if terms.method == ANNUITY else 0
    instalments: list[Instalment] = []
    for number in range(1, terms.term_months + 1):
        interest = monthly_interest_krw(outstanding, rate)
        is_last = number == terms.term_months
        if number <= terms.grace_months or (terms.method == BULLET and not is_last):
            principal = 0
        elif is_last:
            principal = outstanding
        elif terms.method == EQUAL_PRINCIPAL:
            principal = min(outstanding, terms.principal_krw // amortising)
        else:  # annuity
            principal = min(outstanding, max(0, payment - interest))
        outstanding -= principal
        instalments.append(
            Instalment(
                number=number,
                due_on=add_months(terms.start_on, number),
                principal_krw=principal,
                interest_krw=interest,
                outstanding_krw=outstanding,
            )
        )
    return instalments


def remaining_schedule(
    *,
    outstanding_krw: int,
    annual_rate_basis_points: int,
    due_dates: Sequence[dt.date],
    method: str,
    grace_periods: int = 0,
) -> list[Instalment]:
    """The schedule re-computed after an early repayment: ``outstanding_krw`` repaid over the
    instalments still to come (``due_dates``, in order) by the same method, the first
    ``grace_periods`` of them still interest only. Empty when nothing is outstanding or no
    instalment is left (a loan whose last date has passed is due at once, not re-scheduled)."""
    if outstanding_krw <= 0 or not due_dates:
        return []
    periods = len(due_dates)
    grace = min(max(0, grace_periods), periods - 1)
    start = due_dates[0]
    template = loan_schedule(
        LoanTerms(
            principal_krw=outstanding_krw,
            annual_rate_basis_points=annual_rate_basis_points,
            term_months=periods,
            start_on=start,
            method=method,
            grace_months=grace,
        )
    )
    return [
        Instalment(
            number=item.number,
            due_on=due_dates[index],
            principal_krw=item.principal_krw,
            interest_krw=item.interest_krw,
            outstanding_krw=item.outstanding_krw,
        )
        for index, item in enumerate(template)
    ]


def accrued_interest_krw(
    *,
    principal_changes: Sequence[tuple[dt.date, int]],
    start: dt.date,
    end: dt.date,
    annual_rate_basis_points: int,
) -> int:
    """Interest accrued actual/365 from ``start`` (included) to ``end`` (excluded).

    ``principal_changes`` are the loan's ``(date, change)`` events: disbursements positive,
    principal repaid negative; a change counts from its own date on. Each day's outstanding
    principal (never below zero) earns ``rate / 365``; the sum is rounded down to the won once.
    """
    if end <= start or annual_rate_basis_points <= 0:
        return 0
    events = sorted(principal_changes)
    outstanding = sum(change for date, change in events if date <= start)
    boundaries = sorted({date for date, _change in events if start < date < end})
    by_date: dict[dt.date, int] = {}
    for date, change in events:
        by_date[date] = by_date.get(date, 0) + change
    principal_days = 0
    cursor = start
    for boundary in [*boundaries, end]:
        principal_days += max(0, outstanding) * (boundary - cursor).days
        outstanding += by_date.get(boundary, 0) if boundary != end else 0
        cursor = boundary
    return principal_days * annual_rate_basis_points // (BASIS_POINTS * DAYS_IN_YEAR)
