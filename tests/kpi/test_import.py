"""A wave file is imported all or nothing: every problem is listed with its row, and a refused file
changes nothing (a wave already imported keeps its responses)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from foster.accounts.choices import Role
from foster.kpi.models import Response, Survey, Wave
from foster.kpi.services import WaveImportRefused, wave_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "AI활용여부,층,가중치,모집단수\n"


def good_rows() -> str:
    return "".join(f"{i % 2},S{i % 3},{10 + i % 4},{200}\n" for i in range(30))


def run(survey: Survey, text: str, *, year: int = 2027, user: object = None) -> Wave:
    return wave_import(user=user, survey=survey, year=year, handle=io.BytesIO(text.encode()), filename="w.csv")


def refusal(survey: Survey, text: str) -> list[tuple[int | None, str]]:
    before = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    with pytest.raises(WaveImportRefused) as caught:
        run(survey, text, year=2024)
    assert list(Response.objects.order_by("pk").values_list("pk", flat=True)) == before
    return [(error.row, error.message) for error in caught.value.errors]


def test_a_good_file_is_imported_with_its_estimate(headline: Survey) -> None:
    wave = run(headline, HEADER + good_rows())
    assert wave.response_count == 30
    assert wave.estimate == pytest.approx(
        sum((10 + i % 4) * (i % 2) for i in range(30)) / sum(10 + i % 4 for i in range(30))
    )
    assert wave.ci_low < wave.estimate < wave.ci_high


def test_an_xlsx_file_is_read_like_a_csv(headline: Survey) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["answer", "stratum", "weight"])
    for i in range(12):
        sheet.append(["yes" if i % 3 == 0 else "no", f"S{i % 2}", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    wave = wave_import(user=None, survey=headline, year=2027, handle=buffer, filename="w.xlsx")
    assert wave.response_count == 12
    assert wave.estimate == pytest.approx(4 / 12)


def test_zero_and_negative_weights_are_refused_with_their_rows(headline: Survey) -> None:
    text = HEADER + good_rows().replace("0,S0,10,200\n", "0,S0,0,200\n", 1).replace("1,S1,11,200\n", "1,S1,-3,200\n", 1)
    messages = refusal(headline, text)
    assert messages[0][0] == 2 and "0" in messages[0][1]
    assert any(row == 3 for row, _message in messages)


def test_a_stratum_of_one_respondent_is_refused_naming_it(headline: Survey) -> None:
    messages = refusal(headline, HEADER + good_rows() + "1,LONELY,5,100\n")
    assert len(messages) == 1
    assert messages[0][0] == 32
    assert "LONELY" in messages[0][1]


def test_fpc_smaller_than_the_sample_is_refused(headline: Survey) -> None:
    text = HEADER + "".join(f"{i % 2},S{i % 3},{10},{5 if i % 3 == 0 else 200}\n" for i in range(30))
    messages = refusal(headline, text)
    assert len(messages) == 1 and "S0" in messages[0][1] and "10" in messages[0][1]


def test_unclear_answers_are_refused_and_missing_ones_are_kept_as_no_answer(headline: Survey) -> None:
    messages = refusal(headline, HEADER + good_rows() + "maybe,S1,5,200\n2,S2,5,200\n")
    assert messages == [(32, messages[0][1])]
    assert "maybe" in messages[0][1] and "33" in messages[0][1]
    wave = run(headline, HEADER + good_rows() + ",S1,5,200\n")
    assert wave.response_count == 31
    assert wave.result["missing_answers"] == 1
    assert Response.objects.get(wave=wave, row_number=32).answer is None


def test_unknown_and_missing_columns_are_refused(headline: Survey) -> None:
    messages = refusal(headline, "answer,colour\n1,red\n")
    assert len(messages) == 2
    assert "colour" in messages[0][1]


def test_a_refused_reimport_keeps_the_wave_as_it_was(headline: Survey) -> None:
    wave = headline.waves.get(year=2024)
    before = (wave.response_count, wave.estimate, wave.sha256)
    refusal(headline, HEADER + "1,S1,-1,200\n0,S1,1,200\n")
    wave.refresh_from_db()
    assert (wave.response_count, wave.estimate, wave.sha256) == before


def test_only_planners_import(headline: Survey) -> None:
    official = UserFactory(role=Role.AGENCY_OFFICIAL)
    with pytest.raises(PermissionDenied):
        run(headline, HEADER + good_rows(), user=official)
    assert not headline.waves.filter(year=2027).exists()
