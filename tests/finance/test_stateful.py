"""A Hypothesis state machine drives the ledger (approve, disburse, repay, cancel, retry with the
same key, import another agency's exposure) beside an in-memory model, and checks after every
step: every transfer balances, stored totals equal the sums of the entries, no approval passed
the cap, and no key has two outcomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from foster.finance.choices import Instrument
from foster.finance.ledger import IdempotencyConflict, TransferRefused
from foster.finance.models import Agreement, CompanyExposure, Entry, ExposureCapGroup, IdempotencyKey
from foster.finance.reconcile import ledger_reconcile
from foster.finance.services import (
    agreement_approve,
    agreement_cancel,
    agreement_disburse,
    budget_fund,
    external_exposure_set,
    loan_repay,
)
from foster.programs.choices import ProgramType
from tests.factories import AgencyFactory, AgencyMembershipFactory, CompanyFactory, ProgramFactory

CAP = 1_000  # a small cap (a program group's) so that the machine reaches it often
COMPANIES = 2


@dataclass
class ModelAgreement:
    pk: int
    company: int
    amount: int
    remaining: int  # reserved, not yet posted or voided
    outstanding: int = 0  # posted principal not repaid


@dataclass
class Call:
    """A request made with a key, and the outcome it got (a transfer id or "refused")."""

    operation: str
    arguments: dict[str, Any]
    outcome: Any


@dataclass
class Model:
    exposure: list[int] = field(default_factory=lambda: [0] * COMPANIES)
    external: list[int] = field(default_factory=lambda: [0] * COMPANIES)
    agreements: list[ModelAgreement] = field(default_factory=list)
    calls: dict[str, Call] = field(default_factory=dict)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        agency = AgencyFactory(code="kosme")
        self.official = AgencyMembershipFactory(agency=agency).user
        self.program = ProgramFactory(agency=agency, program_type=ProgramType.LOAN)
        group = ExposureCapGroup.objects.create(code="machine", name_ko="기계", name_en="Machine", cap_krw=CAP)
        group.programs.add(self.program)
        budget_fund(user=self.official, key="machine-budget", program=self.program, amount_krw=10**12)
        self.companies = [CompanyFactory() for _ in range(COMPANIES)]
        self.model = Model()
        self.counter = 0
        self.import_day = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _key(self) -> str:
        self.counter += 1
        return f"machine-{self.counter}"

    def _call(self, operation: str, key: str, **arguments: Any) -> Any:
        """Run a service; the outcome is a transfer id or "refused"."""
        services = {
            "approve": lambda: agreement_approve(
                user=self.official, key=key, program=self.program, instrument=Instrument.LOAN, **arguments
            ),
            "disburse": lambda: agreement_disburse(user=self.official, key=key, **arguments),
            "repay": lambda: loan_repay(user=self.official, key=key, **arguments),
            "cancel": lambda: agreement_cancel(user=self.official, key=key, **arguments),
            "import": lambda: external_exposure_set(key=key, **arguments),
        }
        try:
            return services[operation]().transfer.pk
        except TransferRefused:
            return "refused"

    def _record(self, operation: str, key: str, outcome: Any, **arguments: Any) -> None:
        self.model.calls[key] = Call(operation, arguments, outcome)

    @rule(company=st.integers(0, COMPANIES - 1), amount=st.integers(1, 600))
    def approve(self, company: int, amount: int) -> None:
        key = self._key()
        arguments = {"company": self.companies[company], "amount_krw": amount}
        outcome = self._call("approve", key, **arguments)
        fits = self.model.exposure[company] + amount <= CAP
        assert (outcome != "refused") == fits
        if fits:
            agreement = Agreement.objects.get(reference=key)
            self.model.agreements.append(ModelAgreement(agreement.pk, company, amount, amount))
            self.model.exposure[company] += amount
        self._record("approve", key, outcome, **arguments)

    @precondition(lambda self: self.model.agreements)
    @rule(data=st.data(), amount=st.integers(1, 600))
    def disburse(self, data: st.DataObject, amount: int) -> None:
        agreement = data.draw(st.sampled_from(self.model.agreements))
        key = self._key()
        arguments = {"agreement": Agreement.objects.get(pk=agreement.pk), "amount_krw": amount}
        outcome = self._call("disburse", key, **arguments)
        assert (outcome != "refused") == (amount <= agreement.remaining)
        if outcome != "refused":
            agreement.remaining -= amount
            agreement.outstanding += amount
        self._record("disburse", key, outcome, **arguments)

    @precondition(lambda self: self.model.agreements)
    @rule(data=st.data(), amount=st.integers(1, 600))
    def repay(self, data: st.DataObject, amount: int) -> None:
        agreement = data.draw(st.sampled_from(self.model.agreements))
        key = self._key()
        arguments = {"agreement": Agreement.objects.get(pk=agreement.pk), "principal_krw": amount}
        outcome = self._call("repay", key, **arguments)
        assert (outcome != "refused") == (amount <= agreement.outstanding)
        if outcome != "refused":
            agreement.outstanding -= amount
            self.model.exposure[agreement.company] -= amount
        self._record("repay", key, outcome, **arguments)

    @precondition(lambda self: self.model.agreements)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        agreement = data.draw(st.sampled_from(self.model.agreements))
        key = self._key()
        arguments = {"agreement": Agreement.objects.get(pk=agreement.pk)}
        outcome = self._call("cancel", key, **arguments)
        assert (outcome != "refused") == (agreement.remaining > 0)
        if outcome != "refused":
            self.model.exposure[agreement.company] -= agreement.remaining
            agreement.remaining = 0
        self._record("cancel", key, outcome, **arguments)

    @rule(company=st.integers(0, COMPANIES - 1), amount=st.integers(0, 1_200))
    def import_exposure(self, company: int, amount: int) -> None:
        self.import_day += 1
        key = f"import:kibo:{self.import_day}:{company}"
        arguments = {
            "company": self.companies[company],
            "source": "kibo",
            "as_of": dt.date(2026, 1, 1) + dt.timedelta(days=self.import_day),
            "amount_krw": amount,
        }
        outcome = self._call("import", key, **arguments)
        changed = amount != self.model.external[company]
        assert (outcome != "refused") == changed
        self.model.exposure[company] += amount - self.model.external[company]
        self.model.external[company] = amount
        self._record("import", key, outcome, **arguments)

    @precondition(lambda self: self.model.calls)
    @rule(data=st.data())
    def retry_same_key(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.model.calls)))
        call = self.model.calls[key]
        assert self._call(call.operation, key, **call.arguments) == call.outcome

    @precondition(lambda self: any(call.operation == "approve" for call in self.model.calls.values()))
    @rule(data=st.data())
    def retry_same_key_other_request(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(k for k, c in self.model.calls.items() if c.operation == "approve")))
        call = self.model.calls[key]
        arguments = {**call.arguments, "amount_krw": call.arguments["amount_krw"] + 1}
        with pytest.raises(IdempotencyConflict):
            self._call("approve", key, **arguments)

    @invariant()
    def every_transfer_balances(self) -> None:
        assert (
            not Entry.objects.values("transfer_id", "phase").annotate(total=Sum("amount_krw")).exclude(total=0).exists()
        )

    @invariant()
    def stored_totals_equal_the_entries_and_the_model(self) -> None:
        assert ledger_reconcile() == []
        stored = dict(CompanyExposure.objects.values_list("company_id", "total_krw"))
        assert [stored.get(company.pk, 0) for company in self.companies] == self.model.exposure

    @invariant()
    def no_approval_passed_the_cap(self) -> None:
        # Our own loans (posted and pending) never pass the cap; only facts reported by other
        # agencies may take a company's total over it.
        for index in range(COMPANIES):
            assert self.model.exposure[index] - self.model.external[index] <= CAP
            assert self.model.exposure[index] <= max(CAP, self.model.external[index] + CAP)

    @invariant()
    def no_key_has_two_outcomes(self) -> None:
        rows = dict(IdempotencyKey.objects.values_list("key", "transfer_id"))
        for key, call in self.model.calls.items():
            assert rows[key] == (None if call.outcome == "refused" else call.outcome)


@pytest.mark.django_db
def test_the_ledger_keeps_its_invariants() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
