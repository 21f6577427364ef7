"""``foster datalab synth``: any reasonable table in, a synthetic CSV and a report out; a bad file gets a
clear message and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.datalab.conftest import quality_csv


def _synth(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("datalab", "synth", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_cp949_csv_with_personal_data_gives_a_synthetic_csv_and_a_report(tmp_path: Path) -> None:
    source = tmp_path / "quality.csv"
    source.write_bytes(quality_csv(300))
    out, report = tmp_path / "synthetic.csv", tmp_path / "report.json"
    stdout, stderr = _synth(
        "--in", str(source), "--out", str(out), "--report", str(report), "--seed", "7", "--rows", "500"
    )
    assert stderr.splitlines() == [
        "Column “검사자” looks like Person's name: pseudonymised.",
        "Column “연락처” looks like Phone number: dropped.",
    ]
    assert stdout.startswith(f"500 synthetic rows written to {out} (method cart, seed 7)")
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:3] == ["로트번호", "라인", "교대"] and "연락처" not in rows[0]
    assert len(rows) == 501
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["input"] == {"file": "quality.csv", "format": "csv", "encoding": "cp949", "rows": 300, "columns": 17}
    assert data["personal_data"] == [
        {"column": "검사자", "kind": "person_name", "handling": "pseudonymise"},
        {"column": "연락처", "kind": "phone", "handling": "drop"},
    ]
    assert data["parameters"]["seed"] == 7 and data["seed"] == 7 and data["rows_synthetic"] == 500
    assert set(data) >= {"fidelity", "utility", "privacy", "gate", "charts", "warnings", "attempts"}
    # The same seed gives the same file.
    again = tmp_path / "again.csv"
    _synth("--in", str(source), "--out", str(again), "--seed", "7", "--rows", "500")
    assert again.read_bytes() == out.read_bytes()


def test_the_dp_method_and_a_rule_and_a_condition(tmp_path: Path) -> None:
    source = tmp_path / "quality.csv"
    source.write_bytes(quality_csv(300, encoding="utf-8-sig", personal=False))
    out, report = tmp_path / "dp.csv", tmp_path / "dp.json"
    _synth(
        "--in",
        str(source),
        "--out",
        str(out),
        "--report",
        str(report),
        "--method",
        "dp",
        "--epsilon",
        "10",
        "--seed",
        "1",
        "--rule",
        "온도 between 170 and 200",
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["parameters"]["epsilon"] == 10 and data["dp"]["rho"] > 0
    temperatures = [
        float(row["온도"]) for row in csv.DictReader(out.read_text(encoding="utf-8").splitlines()) if row["온도"]
    ]
    assert min(temperatures) >= 170 and max(temperatures) <= 200
    boosted = tmp_path / "boosted.csv"
    _synth("--in", str(source), "--out", str(boosted), "--seed", "1", "--condition", "불량=Y:0.4")
    rows = list(csv.DictReader(boosted.read_text(encoding="utf-8").splitlines()))
    assert 0.3 < sum(row["불량"] == "Y" for row in rows) / len(rows) < 0.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty or has no data rows under its header."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "This is not a table: its content is binary"),
        (b"a,b\n1,2\n3,4,5\n" + b"1,2\n" * 30, "Some rows do not have as many cells as the header (line 3)."),
        (b"only\n1\n2\n", "Only one column was found."),
        (b"a,b\n\xff\xfe,1\n" + b"1,2\n" * 30, "The text is neither UTF-8 nor CP949/EUC-KR"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    out, report = tmp_path / "out.csv", tmp_path / "report.json"
    with pytest.raises(CommandError) as caught:
        _synth("--in", str(source), "--out", str(out), "--report", str(report))
    assert str(caught.value).startswith(message)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.csv"]


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "quality.csv"
    source.write_bytes(quality_csv(60, personal=False))
    for arguments, message in (
        (["--in", str(tmp_path / "missing.csv")], "There is no file at"),
        (["--in", str(source), "--condition", "불량"], "--condition is COLUMN=VALUE:SHARE"),
        (["--in", str(source), "--rule", "색깔 > 1"], "Rule “색깔 > 1”: there is no column “색깔”."),
        (["--in", str(source), "--method", "dp", "--epsilon", "0"], "--epsilon must be a positive number."),
        (["--in", str(source), "--target", "없음"], "The column “없음” to predict does not exist or was dropped."),
    ):
        with pytest.raises(CommandError) as caught:
            _synth(*arguments, "--out", str(tmp_path / "out.csv"))
        assert str(caught.value).startswith(message)
    assert not (tmp_path / "out.csv").exists()
