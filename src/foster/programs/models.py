"""Programs run by agencies, their calls (rounds), versioned application forms and rubrics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foster.accounts.models import Agency
from foster.core.choices import NotificationKind
from foster.core.i18n import in_language
from foster.programs.choices import ProgramType


class Program(models.Model):
    """A support program of one agency (a policy loan line, an R&D program, a designation, ...).

    ``policy_tags`` (list of PolicyTag values) say which quotas of the plan its money counts toward.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="programs")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    program_type = models.CharField(_("program type"), max_length=32, choices=ProgramType.choices)
    policy_tags = models.JSONField(_("policy tags"), default=list, blank=True)
    description_ko = models.TextField(_("Korean description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    private_matching_ratio = models.DecimalField(
        _("private matching ratio"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For high-risk R&D: private investment required per won of public funds."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["agency__code", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ko, self.name_en)


class Rubric(models.Model):
    """Weighted scoring criteria. ``criteria`` is a list of
    ``{"key", "label_ko", "label_en", "weight", "scale_min", "scale_max"}``."""

    name = models.CharField(_("name"), max_length=200)
    criteria = models.JSONField(_("criteria"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name


# The notifications of a call that its officials switch on or off, each stored in the field
# ``notify_<kind>`` of the call (``Call.sends_notification``).
CALL_NOTIFICATION_KINDS: tuple[str, ...] = (
    NotificationKind.SUBMISSION_RECEIVED,
    NotificationKind.SCREENING_RESULT,
    NotificationKind.REVIEW_ASSIGNMENT,
    NotificationKind.REVIEW_REMINDER,
    NotificationKind.DECISION,
)


def call_notification_field(kind: str) -> str:
    """The ``Call`` field that switches notifications of ``kind`` on or off."""
    return f"notify_{kind}"


class Call(models.Model):
    """One round of a program: when it is open, its money, its form, rubric and eligibility rules.

    ``eligibility_rules`` holds the rule list in ``foster.engines.eligibility``'s JSON format;
    officials edit it as data. The ``notify_*`` switches say which notifications the call sends
    to applicants and reviewers (all on by default); each recipient's own preferences apply on top.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_ko = models.CharField(_("Korean title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    summary_ko = models.TextField(_("Korean summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    budget_krw = models.BigIntegerField(_("budget (KRW)"))
    max_award_krw = models.BigIntegerField(_("maximum award (KRW)"))
    reviewers_per_application = models.PositiveSmallIntegerField(_("reviewers per application"), default=3)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="calls", null=True, blank=True)
    eligibility_rules = models.JSONField(_("eligibility rules"), default=list, blank=True)
    notify_submission_received = models.BooleanField(_("tell applicants their submission was received"), default=True)
    notify_screening_result = models.BooleanField(_("tell applicants the screening result"), default=True)
    notify_review_assignment = models.BooleanField(_("tell reviewers of new assignments"), default=True)
    notify_review_reminder = models.BooleanField(_("remind reviewers of the review deadline"), default=True)
    notify_decision = models.BooleanField(_("tell applicants the selection decision"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "id"]
        indexes = [models.Index(fields=["closes_at", "opens_at"], name="programs_call_window_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="programs_call_closes_after_opens"
            ),
            models.CheckConstraint(condition=models.Q(budget_krw__gt=0), name="programs_call_budget_gt_0"),
            models.CheckConstraint(
                condition=models.Q(max_award_krw__gt=0) & models.Q(max_award_krw__lte=models.F("budget_krw")),
                name="programs_call_max_award_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_ko, self.title_en)

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at

    def current_form(self) -> ApplicationForm | None:
        return self.forms.order_by("-version").first()

    def sends_notification(self, kind: str) -> bool:
        """Whether this call sends notifications of ``kind``; a kind the call does not switch is sent."""
        if kind not in CALL_NOTIFICATION_KINDS:
            return True
        return bool(getattr(self, call_notification_field(kind)))

    def notification_settings(self) -> dict[str, bool]:
        """``{kind: sent}`` for every kind the call switches (``CALL_NOTIFICATION_KINDS``)."""
        return {kind: self.sends_notification(kind) for kind in CALL_NOTIFICATION_KINDS}


class ApplicationForm(models.Model):
    """One version of a call's application form. Never edited once an application uses it:
    a change to a live call's form creates a new version; submitted applications keep theirs.

    ``schema`` is ``{"sections": [{"key", "title_ko", "title_en", "show_if": {"field", "equals"} | null,
    "fields": [{"key", "type", "label_ko", "label_en", "help_ko", "help_en", "required", "choices": [...],
    "min", "max", "max_length"}]}]}``.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="forms")
    version = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("schema"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")
        ordering = ["call", "-version"]
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="programs_form_call_version_unique")]

    def __str__(self) -> str:
        return f"{self.call} v{self.version}"
