"""Surveys that measure the plan's indicators, their yearly waves and the responses of each wave.

A rate means nothing without its design: a ``Survey`` fixes the question, the population, the
sampling frame, the strata and the source; a ``Wave`` is one year's fieldwork with its imported
``Response`` rows and the estimate computed from them (``foster.engines.survey``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.core.i18n import in_language
from foster.kpi.choices import Indicator


class Survey(models.Model):
    """A survey and its fixed definition. Two surveys of the same indicator are never mixed: the plan's
    28% (a 500-firm business survey) and 5.3% (300 SMEs, another question) are different surveys."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    question_ko = models.TextField(_("question (Korean)"))
    question_en = models.TextField(_("question (English)"), blank=True)
    yes_definition = models.TextField(_("what counts as yes"), blank=True)
    population = models.TextField(_("population"))
    sampling_frame = models.TextField(_("sampling frame"))
    strata_dimensions = models.JSONField(_("strata made of"), default=list, blank=True)
    strata_definition = models.TextField(_("strata"), blank=True)
    planned_sample_size = models.PositiveIntegerField(_("planned sample size"))
    source = models.CharField(_("source"), max_length=200)
    is_headline = models.BooleanField(
        _("the plan's headline survey"),
        default=False,
        help_text=_(
            "The survey whose rate the plan's target refers to; the dashboard and the public statistics show it."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-is_headline", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ko, self.name_en)

    @property
    def question(self) -> str:
        return in_language(self.question_ko, self.question_en)


class Wave(models.Model):
    """One year of a survey: its responses and the estimate computed from them when they were imported.

    ``result`` holds the engine's output (``estimate_to_json`` for each interval method, the domain
    estimates by sector, size class and region, and the post-stratified estimate); it is derived
    data, recomputed by ``wave_estimate_refresh``.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    year = models.PositiveSmallIntegerField(_("year"))
    fieldwork = models.CharField(_("fieldwork period"), max_length=100, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    response_count = models.PositiveIntegerField(_("responses"), default=0)
    estimate = models.FloatField(_("estimate"), null=True, blank=True)
    se = models.FloatField(_("standard error"), null=True, blank=True)
    ci_low = models.FloatField(_("interval, lower bound"), null=True, blank=True)
    ci_high = models.FloatField(_("interval, upper bound"), null=True, blank=True)
    deff = models.FloatField(_("design effect"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["survey", "year"]
        constraints = [models.UniqueConstraint(fields=["survey", "year"], name="kpi_wave_one_per_year")]

    def __str__(self) -> str:
        return f"{self.survey} {self.year}"


class Response(models.Model):
    """One respondent's answer (``answer`` None: no answer) with its design variables and the domain
    variables the estimate is broken down by."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    row_number = models.PositiveIntegerField(_("row"))
    answer = models.BooleanField(_("answer"), null=True)
    stratum = models.CharField(_("stratum"), max_length=100)
    weight = models.FloatField(_("weight"))
    population_size = models.PositiveIntegerField(_("stratum population size (N_h)"), null=True, blank=True)
    size_class = models.CharField(_("size class"), max_length=16, blank=True)
    ksic_section = models.CharField(_("KSIC section"), max_length=1, blank=True)
    region = models.CharField(_("region"), max_length=16, blank=True)
    company = models.ForeignKey(
        "registry.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["wave", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "row_number"], name="kpi_response_row_unique"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="kpi_response_weight_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.wave} row {self.row_number}"
