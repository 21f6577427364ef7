"""The company registry: companies, who belongs to them, and their valuation history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from foster.core.i18n import in_language
from foster.registry.choices import AIAdoption, ImportStatus, MembershipRole, Region, SizeClass, ValuationSource


class Company(models.Model):
    """A company known to the platform, identified by its Korean business registration number.

    ``business_registration_number`` holds the ten digits without dashes; its check digit is
    validated by the services (python-stdnum's ``kr.brn``) before any row is written.
    """

    business_registration_number = models.CharField(_("business registration number"), max_length=10, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    ksic_section = models.CharField(_("KSIC section"), max_length=1)
    ksic_division = models.CharField(_("KSIC division"), max_length=2)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices)
    founded_on = models.DateField(_("founding date"))
    employees = models.PositiveIntegerField(_("employees"), default=0)
    revenue_krw = models.BigIntegerField(_("annual revenue (KRW)"), default=0)
    ai_adoption = models.CharField(_("AI adoption"), max_length=16, choices=AIAdoption.choices, default=AIAdoption.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name_ko", "id"]
        indexes = [
            models.Index(fields=["name_ko", "id"], name="registry_company_name_idx"),
            models.Index(fields=["region", "name_ko"], name="registry_company_region_idx"),
            models.Index(fields=["ksic_section", "name_ko"], name="registry_company_section_idx"),
            models.Index(fields=["size_class", "name_ko"], name="registry_company_size_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(revenue_krw__gte=0), name="registry_company_revenue_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name_ko

    @property
    def formatted_registration_number(self) -> str:
        number = self.business_registration_number
        return f"{number[:3]}-{number[3:5]}-{number[5:]}"

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Korean."""
        return in_language(self.name_ko, self.name_en)

    # Django's generated get_FOO_display() translates every label of the field's choices on each
    # call; the company list calls these 150 times a page (a third of its rendering time).
    def get_region_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(Region, self.region)

    def get_size_class_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(SizeClass, self.size_class)

    def get_ai_adoption_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(AIAdoption, self.ai_adoption)


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` in the active language, or ``value`` itself if it is not a choice."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# Expression indexes for partial-match search on PostgreSQL (pg_trgm); see migration 0002.
SEARCH_EXPRESSIONS = {"name_ko": Upper("name_ko"), "name_en": Upper("name_en")}


class CompanyMembership(models.Model):
    """A user belongs to a company and may act for it (apply, edit its registry entry)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company membership")
        verbose_name_plural = _("company memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="registry_companymembership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class ValuationRecord(models.Model):
    """One valuation of a company at a date, with its source; the unicorn KPI reads these."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="valuations")
    valued_on = models.DateField(_("valuation date"))
    amount_krw = models.BigIntegerField(_("valuation (KRW)"))
    amount_usd = models.BigIntegerField(_("valuation (USD)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, choices=ValuationSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        ordering = ["company", "-valued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_krw__gt=0), name="registry_valuation_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.valued_on}: {self.amount_krw:,} KRW"


class CompanyImport(models.Model):
    """A company file uploaded for bulk import: the stored file, its checked plan, and the outcome.

    The plan (counts, the first changes with before and after, every error up to a limit) is
    written by the dry run and again when the file is applied; see ``foster.registry.importing``.
    ``owner`` is empty when the import was run from the command line without ``--as``.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="registry/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    language = models.CharField(_("language of the messages"), max_length=8, default="ko")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    plan = models.JSONField(_("plan"), default=dict, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company import")
        verbose_name_plural = _("company imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"
