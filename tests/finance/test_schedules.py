"""finance.schedules: loan schedules and accrued interest, exact to the won (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foster.finance.schedules import (
    ANNUITY,
    BULLET,
    EQUAL_PRINCIPAL,
    LoanTerms,
    ScheduleError,
    accrued_interest_krw,
    add_months,
    annuity_payment_krw,
    loan_schedule,
    remaining_schedule,
)

START = dt.date(2026, 1, 31)


def rows(terms: LoanTerms) -> list[tuple[dt.date, int, int, int]]:
    return [(item.due_on, item.principal_krw, item.interest_krw, item.outstanding_krw) for item in loan_schedule(terms)]


def test_equal_principal_puts_the_remainder_on_the_last_instalment() -> None:
    # 12% a year is 1% a month: 10,000 on 1,000,000; 6,666.67 and 3,333.34 rounded down.
    terms = LoanTerms(1_000_000, 1_200, 3, START, EQUAL_PRINCIPAL)
    assert rows(terms) == [
        (dt.date(2026, 2, 28), 333_333, 10_000, 666_667),
        (dt.date(2026, 3, 31), 333_333, 6_666, 333_334),
        (dt.date(2026, 4, 30), 333_334, 3_333, 0),
    ]


def test_annuity_pays_the_same_each_month_but_the_rounding_on_the_last() -> None:
    # 1,000,000 × 0.01 × 1.01³ / (1.01³ − 1) = 340,022.11 → 340,022 a month.
    assert annuity_payment_krw(1_000_000, 1_200, 3) == 340_022
    terms = LoanTerms(1_000_000, 1_200, 3, START, ANNUITY)
    assert rows(terms) == [
        (dt.date(2026, 2, 28), 330_022, 10_000, 669_978),
        (dt.date(2026, 3, 31), 333_323, 6_699, 336_655),
        (dt.date(2026, 4, 30), 336_655, 3_366, 0),
    ]


def test_bullet_is_interest_only_until_the_end() -> None:
    terms = LoanTerms(1_200_000, 600, 3, dt.date(2026, 1, 15), BULLET)
    assert rows(terms) == [
        (dt.date(2026, 2, 15), 0, 6_000, 1_200_000),
        (dt.date(2026, 3, 15), 0, 6_000, 1_200_000),
        (dt.date(2026, 4, 15), 1_200_000, 6_000, 0),
    ]


def test_a_grace_period_is_interest_only() -> None:
    terms = LoanTerms(1_000_000, 1_200, 4, START, EQUAL_PRINCIPAL, grace_months=1)
    assert [(item.principal_krw, item.interest_krw) for item in loan_schedule(terms)] == [
        (0, 10_000),
        (333_333, 10_000),
        (333_333, 6_666),
        (333_334, 3_333),
    ]


def test_no_interest_annuity_is_equal_principal() -> None:
    terms = LoanTerms(1_000, 0, 3, START, ANNUITY)
    assert [(item.principal_krw, item.interest_krw) for item in loan_schedule(terms)] == [(334, 0), (334, 0), (332, 0)]


@pytest.mark.parametrize(
    "terms",
    [
        LoanTerms(0, 100, 12, START),
        LoanTerms(1_000, -1, 12, START),
        LoanTerms(1_000, 100, 0, START),
        LoanTerms(1_000, 100, 12, START, grace_months=12),
        LoanTerms(1_000, 100, 12, START, method="balloon"),
    ],
)
def test_impossible_terms_are_refused(terms: LoanTerms) -> None:
    with pytest.raises(ScheduleError):
        loan_schedule(terms)


def test_add_months_clips_to_the_end_of_the_month() -> None:
    assert [add_months(dt.date(2027, 11, 30), months) for months in (1, 3, 14)] == [
        dt.date(2027, 12, 30),
        dt.date(2028, 2, 29),
        dt.date(2029, 1, 30),
    ]


def test_remaining_schedule_keeps_the_dates() -> None:
    dates = [dt.date(2026, 5, 31), dt.date(2026, 6, 30)]
    again = remaining_schedule(outstanding_krw=101, annual_rate_basis_points=0, due_dates=dates, method=EQUAL_PRINCIPAL)
    assert [(item.due_on, item.principal_krw) for item in again] == [(dates[0], 50), (dates[1], 51)]
    assert remaining_schedule(outstanding_krw=0, annual_rate_basis_points=0, due_dates=dates, method=ANNUITY) == []


def test_accrued_interest_is_actual_over_365() -> None:
    # 10,000,000 at 3.65% for 10 days is exactly 10,000; the next 5 days on 4,000,000 are 2,000.
    changes = [(dt.date(2026, 3, 1), 10_000_000), (dt.date(2026, 3, 11), -6_000_000)]
    assert (
        accrued_interest_krw(
            principal_changes=changes, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 16), annual_rate_basis_points=365
        )
        == 12_000
    )
    # A leap year still divides by 365: 29 February counts as a day like any other.
    leap = accrued_interest_krw(
        principal_changes=[(dt.date(2028, 2, 1), 365_000)],
        start=dt.date(2028, 2, 1),
        end=dt.date(2028, 3, 1),
        annual_rate_basis_points=10_000,
    )
    assert leap == 29_000
    assert accrued_interest_krw(principal_changes=changes, start=START, end=START, annual_rate_basis_points=365) == 0


terms_strategy = st.builds(
    LoanTerms,
    principal_krw=st.integers(1, 10**13),
    annual_rate_basis_points=st.integers(0, 5_000),
    term_months=st.integers(1, 240),
    start_on=st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31)),
    method=st.sampled_from([EQUAL_PRINCIPAL, ANNUITY, BULLET]),
).flatmap(
    lambda terms: st.integers(0, terms.term_months - 1).map(
        lambda grace: LoanTerms(
            terms.principal_krw,
            terms.annual_rate_basis_points,
            terms.term_months,
            terms.start_on,
            terms.method,
            grace,
        )
    )
)


@given(terms_strategy)
def test_every_schedule_repays_exactly_the_principal(terms: LoanTerms) -> None:
    schedule = loan_schedule(terms)
    assert len(schedule) == terms.term_months
    assert sum(item.principal_krw for item in schedule) == terms.principal_krw
    assert all(item.principal_krw >= 0 and item.interest_krw >= 0 for item in schedule)
    assert schedule[-1].outstanding_krw == 0
    assert all(item.principal_krw == 0 for item in schedule[: terms.grace_months])
    assert [item.due_on for item in schedule] == sorted({item.due_on for item in schedule})
    outstanding = terms.principal_krw
    for item in schedule:  # each month's interest is on what was outstanding before it, rounded down
        assert item.interest_krw == outstanding * terms.annual_rate_basis_points // 120_000
        outstanding -= item.principal_krw
        assert item.outstanding_krw == outstanding


annuity_strategy = st.tuples(
    st.integers(1_000_000, 10**13), st.integers(0, 2_000), st.integers(2, 120), st.integers(0, 118)
).map(
    lambda values: LoanTerms(
        principal_krw=values[0],
        annual_rate_basis_points=values[1],
        term_months=values[2],
        start_on=START,
        method=ANNUITY,
        grace_months=min(values[3], values[2] - 2),
    )
)


@given(annuity_strategy)
def test_annuity_instalments_are_equal_but_the_last(terms: LoanTerms) -> None:
    amortising = loan_schedule(terms)[terms.grace_months :]
    payment = annuity_payment_krw(terms.principal_krw, terms.annual_rate_basis_points, len(amortising))
    # Each month rounds by less than 1.5 won (half a won on the payment, under a won of interest);
    # the last instalment carries those errors, grown at the monthly rate.
    rate = terms.annual_rate_basis_points / 120_000
    periods = len(amortising)
    drift = 1.5 * (((1 + rate) ** periods - 1) / rate if rate else periods) + 1
    assert all(item.total_krw == payment for item in amortising[:-1])
    assert abs(amortising[-1].total_krw - payment) <= drift


@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(-(10**9), 10**10)), max_size=8),
    st.integers(0, 400),
    st.integers(0, 400),
    st.integers(0, 5_000),
)
def test_accrued_interest_adds_up_over_a_split(
    events: list[tuple[int, int]], first: int, second: int, rate: int
) -> None:
    """Interest to a date equals the interest to a middle date plus from there, within the rounding."""
    base = dt.date(2026, 1, 1)
    changes = [(base + dt.timedelta(days=day), change) for day, change in events]
    start, end = base, base + dt.timedelta(days=max(first, second))
    middle = base + dt.timedelta(days=min(first, second))

    def accrued(since: dt.date, until: dt.date) -> int:
        return accrued_interest_krw(principal_changes=changes, start=since, end=until, annual_rate_basis_points=rate)

    whole, halves = accrued(start, end), accrued(start, middle) + accrued(middle, end)
    assert 0 <= whole - halves <= 1
