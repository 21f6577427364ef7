"""Education (courses, sessions, enrolments with attendance and certificates), consulting (a pool of
consultants, requests, sessions, a closing report, feedback) and the AI readiness diagnostic."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foster.core.i18n import in_language
from foster.learning.choices import (
    ACTIVE_ENROLMENT_STATUSES,
    Area,
    Audience,
    ConsultingStatus,
    CourseLevel,
    CourseTopic,
    Delivery,
    EnrolmentStatus,
)
from foster.registry.choices import Region


class Diagnostic(models.Model):
    """One completed AI readiness questionnaire of a company: the answers (question key to points),
    the levels they scored to (``foster.learning.questionnaire``) and the problem the owner typed.
    Written whole or not at all; a retake is a new row, so progress over time is the company's rows."""

    company = models.ForeignKey("registry.Company", on_delete=models.CASCADE, related_name="diagnostics")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    questionnaire_version = models.PositiveSmallIntegerField(_("questionnaire version"))
    language = models.CharField(_("language"), max_length=8, default="ko")
    answers = models.JSONField(_("answers"))
    area_levels = models.JSONField(_("levels per area"))
    area_means = models.JSONField(_("mean points per area"))
    overall_level = models.PositiveSmallIntegerField(_("overall level"))
    overall_mean = models.FloatField(_("overall mean points"))
    problem = models.TextField(_("problem to solve"), blank=True)
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("AI readiness diagnostic")
        verbose_name_plural = _("AI readiness diagnostics")
        ordering = ["company", "-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"], name="learning_diag_company_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_level__gte=1) & Q(overall_level__lte=5), name="learning_diag_level_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.created_at:%Y-%m-%d}: {self.overall_level}"


class Course(models.Model):
    """A course an agency offers SME executives or staff, online or on site in a region; ``area`` is
    the diagnostic area it strengthens (the diagnostic recommends courses by the weakest areas)."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="courses")
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_ko = models.CharField(_("Korean title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    summary_ko = models.TextField(_("Korean summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    topic = models.CharField(_("topic"), max_length=32, choices=CourseTopic.choices)
    area = models.CharField(_("diagnostic area"), max_length=16, choices=Area.choices)
    level = models.CharField(_("level"), max_length=16, choices=CourseLevel.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), default=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title_ko", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_ko, self.title_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_ko, self.summary_en)


class CourseSession(models.Model):
    """One run of a course at a time and place with ``capacity`` seats; beyond them people wait.
    ``seated_count`` is kept by the enrolment services under the session's row lock."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    seated_count = models.PositiveIntegerField(_("seats taken"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="learning_session_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="learning_session_ends_after"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="learning_session_capacity_gt_0"),
            models.CheckConstraint(
                condition=Q(seated_count__lte=models.F("capacity")), name="learning_session_seats_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seated_count)


class Enrolment(models.Model):
    """A person's place in a session: seated, waiting (in ``created_at`` order), cancelled, or after
    the session completed (attended; ``certificate_code`` set) or absent."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    company = models.ForeignKey(
        "registry.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    seated_at = models.DateTimeField(_("seated at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate_code = models.CharField(_("certificate code"), max_length=20, null=True, blank=True, unique=True)
    certificate_issued_at = models.DateTimeField(_("certificate issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=ACTIVE_ENROLMENT_STATUSES),
                name="learning_enrolment_one_active_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session} ({self.status})"


class Consultant(models.Model):
    """An expert in an agency's consulting pool: areas of expertise, sectors (KSIC sections) and
    regions served, and how many open requests they take at once."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="consultants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant_roles")
    expertise_areas = models.JSONField(_("areas of expertise"), default=list)
    sectors = models.JSONField(_("sectors (KSIC sections)"), default=list, blank=True)
    regions = models.JSONField(_("regions served"), default=list, blank=True)
    load_limit = models.PositiveSmallIntegerField(_("open requests at most"), default=3)
    bio = models.TextField(_("profile"), blank=True)
    is_active = models.BooleanField(_("takes new requests"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["agency", "user__full_name", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="learning_consultant_unique")]

    def __str__(self) -> str:
        return str(self.user)


class ConsultingRequest(models.Model):
    """An SME's request for consulting to an agency: topic, problem, preferred time; assigned to one
    consultant of the agency's pool by the assignment engine, closed with a report, rated by the SME."""

    company = models.ForeignKey("registry.Company", on_delete=models.CASCADE, related_name="consulting_requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="consulting_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    diagnostic = models.ForeignKey(Diagnostic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.CharField(_("topic"), max_length=16, choices=Area.choices)
    problem = models.TextField(_("problem"))
    preferred_time = models.CharField(_("preferred time"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=ConsultingStatus.choices, default=ConsultingStatus.REQUESTED
    )
    consultant = models.ForeignKey(Consultant, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    assignment_fit = models.FloatField(_("expertise fit"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closing_report = models.TextField(_("closing report"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consulting request")
        verbose_name_plural = _("consulting requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="learning_request_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.get_topic_display()})"


class ConsultingSession(models.Model):
    """A meeting of a consultant with the company, with the consultant's notes."""

    request = models.ForeignKey(ConsultingRequest, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consulting session")
        verbose_name_plural = _("consulting sessions")
        ordering = ["request", "held_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="learning_cs_duration_gt_0")]

    def __str__(self) -> str:
        return f"{self.request} {self.held_on}"
