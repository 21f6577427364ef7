"""The demo surveys: three stratified waves drawn from the registry, each estimated on import as the
engine estimates the same rows, with domains and the post-stratified estimate."""

from __future__ import annotations

import math

import pytest

from foster.core.models import AuditEvent
from foster.engines.survey import IntervalMethod, estimate_proportion, survey_design
from foster.kpi.figures import AIUtilizationProvider
from foster.kpi.models import Response, Survey
from foster.kpi.seeding import OTHER_CODE, kpi_seed
from foster.kpi.selectors import frame_stratum_sizes

pytestmark = pytest.mark.django_db


def test_seed_imports_three_headline_waves_and_the_other_survey(headline: Survey) -> None:
    waves = list(headline.waves.order_by("year"))
    assert [wave.year for wave in waves] == [2024, 2025, 2026]
    assert all(480 <= wave.response_count <= 560 for wave in waves)
    assert Survey.objects.get(code=OTHER_CODE).waves.get().year == 2024
    assert AuditEvent.objects.filter(action="kpi.wave_import").count() == 4
    assert kpi_seed(seed=11) == 0  # once


def test_the_rate_rises_across_the_waves(headline: Survey) -> None:
    estimates = [wave.estimate for wave in headline.waves.order_by("year")]
    assert estimates[0] < estimates[2]
    assert 0.15 < estimates[0] < 0.45


def test_stored_estimate_is_the_engines_on_the_stored_rows(headline: Survey) -> None:
    wave = headline.waves.get(year=2025)
    rows = list(Response.objects.filter(wave=wave).order_by("row_number"))
    design = survey_design(
        [1.0 if row.answer else 0.0 for row in rows],
        strata=[row.stratum for row in rows],
        weights=[row.weight for row in rows],
        population_sizes=[float(row.population_size or 0) for row in rows],
    )
    expected = estimate_proportion(design, method=IntervalMethod.KORN_GRAUBARD).overall
    assert wave.result["korn-graubard"]["estimate"] == pytest.approx(expected.estimate, rel=1e-12)
    assert wave.result["korn-graubard"]["ci"] == pytest.approx(list(expected.ci or ()), rel=1e-12)
    assert wave.se == pytest.approx(expected.se, rel=1e-12)
    # Weights are N_h / n_h: they add up to the frame's SMEs in the sampled strata.
    frame = frame_stratum_sizes(["size_class", "region"])
    sampled = {row.stratum for row in rows}
    assert sum(row.weight for row in rows) == pytest.approx(sum(frame[label] for label in sampled))


def test_domains_and_poststratification_are_stored(headline: Survey) -> None:
    result = headline.waves.get(year=2026).result
    assert set(result["domains"]) == {"size_class", "ksic_section", "region"}
    assert set(result["domains"]["size_class"]) == {"startup", "small", "medium"}
    by_size = result["domains"]["size_class"]
    assert sum(domain["n"] for domain in by_size.values()) == headline.waves.get(year=2026).response_count
    assert math.isfinite(result["poststratified"]["estimate"])
    assert set(result["poststratified"]["totals"]) == {"startup", "small", "medium"}


def test_forecast_from_three_waves(headline: Survey) -> None:
    figure = AIUtilizationProvider().figure()
    forecast = figure.extra["forecast"]
    assert [point["year"] for point in forecast["fan"]] == [2024, 2025, 2026, 2027]
    assert 0.0 <= forecast["probability"] <= 1.0
    assert figure.status in {"on_track", "at_risk", "behind"}


def test_two_waves_are_too_few_to_forecast(headline: Survey) -> None:
    headline.waves.get(year=2026).delete()
    figure = AIUtilizationProvider().figure()
    assert figure.status == "no_data"
    assert figure.extra["forecast"] == {}
    assert "3" in figure.detail
