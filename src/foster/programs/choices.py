"""Stable choice values of programs and calls. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramType(models.TextChoices):
    LOAN = "loan", _("Policy loan")
    GUARANTEE = "guarantee", _("Credit guarantee")
    GRANT = "grant", _("Grant")
    RND = "rnd", _("R&D")
    HIGH_RISK_RND = "high_risk_rnd", _("High-risk, high-performance R&D (matched by private investment)")
    FUND_INVESTMENT = "fund_investment", _("Fund investment")
    DESIGNATION = "designation", _("Designation")
    SMART_FACTORY = "smart_factory", _("Smart factory construction")
    EDUCATION = "education", _("Education")
    CONSULTING = "consulting", _("Consulting")
    DATA_VOUCHER = "data_voucher", _("Data voucher")
    ACCELERATOR = "accelerator", _("Accelerator")
    OVERSEAS = "overseas", _("Overseas joint research and expansion")


class PolicyTag(models.TextChoices):
    AI = "ai", _("AI")
    SEMICONDUCTOR = "semiconductor", _("Semiconductor")
    STRATEGIC_TECHNOLOGY = "strategic_technology", _("Strategic technology")
    MANUFACTURING_AI = "manufacturing_ai", _("Manufacturing AI")
    FINANCE_AI = "finance_ai", _("Finance AI")
    INNOVATIVE_GROWTH = "innovative_growth", _("Innovative growth")
    DATA = "data", _("Data")
    GLOBAL = "global", _("Global")


class FieldType(models.TextChoices):
    """Kinds of question an application form can ask."""

    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount in KRW")
    CHOICE = "choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    DATE = "date", _("Date")
    FILE = "file", _("File")


class DocumentKind(models.TextChoices):
    """Kinds of supporting document a call can require. A form's file field whose key is one of
    these values supplies that document (the ``required_documents`` eligibility rule checks them)."""

    BUSINESS_REGISTRATION = "business_registration", _("Business registration certificate")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    BUSINESS_PLAN = "business_plan", _("Business plan")
    TAX_CLEARANCE = "tax_clearance", _("Tax payment certificate")
    RESEARCH_PLAN = "research_plan", _("Research plan")
    INVESTMENT_CERTIFICATE = "investment_certificate", _("Private investment certificate")
    AI_ADOPTION_PLAN = "ai_adoption_plan", _("AI adoption plan")
    PARTNER_AGREEMENT = "partner_agreement", _("Partner agreement")
    PORTFOLIO = "portfolio", _("Product or service portfolio")


class DeadlineWindow(models.TextChoices):
    """Portal filter: how soon an open call closes."""

    WITHIN_7_DAYS = "7", _("Closing within 7 days")
    WITHIN_14_DAYS = "14", _("Closing within 14 days")
    WITHIN_30_DAYS = "30", _("Closing within 30 days")
