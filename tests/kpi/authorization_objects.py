"""Objects and request bodies of the KPI routes for tests/test_authorization.py.

``any survey``: a survey with no waves; ``any wave``: a wave of such a survey, without responses.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from foster.kpi.models import Survey, Wave


def survey(world: Any, variant: str) -> Survey:
    return Survey.objects.create(
        code=f"authz-survey-{Survey.objects.count() + 1}",
        indicator="ai_utilization",
        name_ko="권한 검사 조사",
        question_ko="AI를 활용하고 있습니까?",
        population="중소기업",
        sampling_frame="레지스트리",
        planned_sample_size=100,
        source="테스트",
    )


def wave(world: Any, variant: str) -> Wave:
    return Wave.objects.create(survey=survey(world, variant), year=2025)


OBJECT_BUILDERS = {"survey": survey, "wave": wave}

SURVEY_FORM = {
    "code": "authz-new-survey",
    "name_ko": "새 조사",
    "name_en": "New survey",
    "question_ko": "AI를 활용하고 있습니까?",
    "question_en": "Do you use AI?",
    "yes_definition": "",
    "population": "중소기업",
    "sampling_frame": "레지스트리",
    "strata_dimensions": ["size_class"],
    "strata_definition": "",
    "planned_sample_size": 200,
    "source": "중기부",
}


def _wave_upload() -> dict[str, Any]:
    content = "AI활용여부,층,가중치\n1,A,2\n0,A,2\n1,B,3\n0,B,3\n".encode()
    return {"year": 2026, "fieldwork": "", "file": SimpleUploadedFile("wave.csv", content, content_type="text/csv")}


def world_payloads() -> dict[tuple[str, str], Any]:
    return {
        ("kpi:survey-create", "POST"): lambda world, obj: dict(SURVEY_FORM),
        ("kpi:wave-import", "POST"): lambda world, obj: _wave_upload(),
    }
