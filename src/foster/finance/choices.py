"""Stable choice values of the finance ledger. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """What an account holds. Amounts are signed: a debit is positive, a credit negative."""

    APPROPRIATION = "appropriation", _("Appropriation (money put into programs, by source)")
    PROGRAM_BUDGET = "program_budget", _("Program budget")
    FUND_COMMITMENT = "fund_commitment", _("Fund commitment (by source)")
    FUND_PAID_IN = "fund_paid_in", _("Fund capital paid in (by source)")
    FUND_INVESTMENT = "fund_investment", _("Fund investments held (per company, by source)")
    LOAN_RECEIVABLE = "loan_receivable", _("Loan receivable (per company)")
    GUARANTEE_EXPOSURE = "guarantee_exposure", _("Guarantee exposure (per company)")
    EXTERNAL_EXPOSURE = "external_exposure", _("Exposure at other agencies (per company, imported)")
    EXTERNAL_SOURCE = "external_source", _("Other agencies' reported exposure (counterpart)")
    GRANT_DISBURSED = "grant_disbursed", _("Grants and R&D funds paid (per company)")
    DISBURSEMENT_CLEARING = "disbursement_clearing", _("Disbursement clearing")
    REPAYMENTS = "repayments", _("Repayments received")
    INTEREST_INCOME = "interest_income", _("Interest income")


EXPOSURE_KINDS = frozenset({AccountKind.LOAN_RECEIVABLE, AccountKind.GUARANTEE_EXPOSURE, AccountKind.EXTERNAL_EXPOSURE})
"""The accounts whose balances (posted plus pending) make up a company's exposure under the cap."""


class FundingSource(models.TextChoices):
    NONE = "", _("—")
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private")


class EntryPhase(models.TextChoices):
    PENDING = "pending", _("Pending (reserved)")
    POSTED = "posted", _("Posted")


class TransferKind(models.TextChoices):
    BUDGET_FUND = "budget_fund", _("Budget funded")
    RESERVE = "reserve", _("Approval (reserved)")
    POST = "post", _("Posting of a reservation")
    VOID = "void", _("Cancellation of a reservation")
    REPAYMENT = "repayment", _("Repayment")
    GUARANTEE_RELEASE = "guarantee_release", _("Guarantee released")
    GUARANTEE_CLAIM = "guarantee_claim", _("Guarantee claim paid")
    SETTLEMENT = "settlement", _("Settlement of unspent money")
    FUND_COMMIT = "fund_commit", _("Fund commitment")
    CAPITAL_CALL = "capital_call", _("Capital call")
    FUND_INVEST = "fund_invest", _("Fund investment into a company")
    EXTERNAL_EXPOSURE = "external_exposure", _("Exposure reported by another agency")
    REVERSAL = "reversal", _("Reversal")


class Instrument(models.TextChoices):
    LOAN = "loan", _("Loan")
    GUARANTEE = "guarantee", _("Guarantee")
    GRANT = "grant", _("Grant")
    RND = "rnd", _("R&D fund")
    HIGH_RISK_RND = "high_risk_rnd", _("High-risk R&D fund")


EXPOSURE_INSTRUMENTS = frozenset({Instrument.LOAN, Instrument.GUARANTEE})


class AgreementStatus(models.TextChoices):
    APPROVED = "approved", _("Approved (reserved)")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ScheduleKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Disbursement")
    REPAYMENT = "repayment", _("Repayment")


class RepaymentMethod(models.TextChoices):
    """How a loan's schedule is computed (``finance.schedules``); empty: a schedule typed by hand or none."""

    NONE = "", _("—")
    EQUAL_PRINCIPAL = "equal_principal", _("Equal principal")
    ANNUITY = "annuity", _("Equal instalment (annuity)")
    BULLET = "bullet", _("Bullet (principal at the end)")
