"""``foster kpi estimate`` on the R reference files: the JSON has exactly the documented keys and R's
numbers; bad input writes nothing and names its rows or strata."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

REFERENCE = Path(__file__).parent.parent / "engines" / "survey_reference"
CASES = {(case["name"], case["ci"]): case for case in json.loads((REFERENCE / "reference.json").read_text())["cases"]}


def run(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "result.json"
    call_command("kpi", "estimate", *args, "--out", str(out))
    return json.loads(out.read_text())


@pytest.mark.parametrize(
    ("name", "ci", "options"),
    [
        ("stratified_weights_fpc", "logit", ["--stratum", "stratum", "--weight", "w", "--fpc", "N_h"]),
        ("stratified_fpc_no_weights", "korn-graubard", ["--stratum", "stratum", "--fpc", "N_h"]),
        ("unstratified_weights", "logit", ["--weight", "w"]),
        (
            "lonely_adjust_fpc",
            "korn-graubard",
            ["--stratum", "stratum", "--weight", "w", "--fpc", "N_h", "--lonely", "adjust"],
        ),
        ("missing_na_rm", "logit", ["--stratum", "stratum", "--weight", "w", "--fpc", "N_h", "--drop-missing"]),
    ],
)
def test_command_gives_rs_numbers(tmp_path: Path, name: str, ci: str, options: list[str]) -> None:
    case = CASES[(name, ci)]
    domain = case["domain"]
    result = run(
        tmp_path, "--responses", str(REFERENCE / case["file"]), "--y", "y", "--ci", ci, "--domain", domain, *options
    )
    assert list(result) == ["estimate", "se", "ci", "deff", "n", "domains"]
    assert result["estimate"] == pytest.approx(case["estimate"], rel=1e-6)
    assert result["se"] == pytest.approx(case["se"], rel=1e-6)
    assert result["ci"] == pytest.approx([case["ci_low"], case["ci_high"]], rel=1e-6)
    assert result["deff"] == pytest.approx(case["deff"], rel=1e-6)
    assert result["n"] == case["n"]
    for value, expected in case["domains"].items():
        domain_result = result["domains"][value]
        assert list(domain_result) == ["estimate", "se", "ci", "n"]
        assert domain_result["ci"] == pytest.approx([expected["ci_low"], expected["ci_high"]], rel=1e-6)
        assert domain_result["n"] == expected["n"]


def test_equal_weights_give_a_null_design_effect(tmp_path: Path) -> None:
    result = run(tmp_path, "--responses", str(REFERENCE / "unstratified.csv"), "--y", "y")
    assert result["deff"] is None
    assert result["domains"] == {}


def test_xlsx_gives_the_same_result_as_csv(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in (REFERENCE / "stratified.csv").read_text().splitlines():
        sheet.append([cell.strip('"') for cell in line.split(",")])
    workbook.save(tmp_path / "stratified.xlsx")
    options = ["--y", "y", "--stratum", "stratum", "--weight", "w", "--fpc", "N_h"]
    from_xlsx = run(tmp_path, "--responses", str(tmp_path / "stratified.xlsx"), *options)
    from_csv = run(tmp_path, "--responses", str(REFERENCE / "stratified.csv"), *options)
    assert from_xlsx == from_csv


@pytest.mark.parametrize(
    ("edit", "options", "expected"),
    [
        (lambda text: text, ["--stratum", "stratum"], "Stratum “S02” has only one respondent (row 32)"),
        (
            lambda text: text.replace(",1.", ",0.", 1),
            ["--stratum", "stratum", "--weight", "w", "--lonely", "certainty"],
            "",
        ),
        (lambda text: text, ["--stratum", "stratum", "--weight", "nope", "--lonely", "adjust"], "no column “nope”"),
    ],
)
def test_bad_input_writes_nothing(tmp_path: Path, edit, options: list[str], expected: str, capsys) -> None:
    source = tmp_path / "lonely.csv"
    source.write_text(edit((REFERENCE / "lonely.csv").read_text()))
    out = tmp_path / "result.json"
    if not expected:
        call_command("kpi", "estimate", "--responses", str(source), "--y", "y", *options, "--out", str(out))
        assert out.exists()
        return
    with pytest.raises(CommandError):
        call_command("kpi", "estimate", "--responses", str(source), "--y", "y", *options, "--out", str(out))
    assert not out.exists()
    assert expected in capsys.readouterr().err


def test_zero_weight_and_small_fpc_are_named(tmp_path: Path, capsys) -> None:
    source = tmp_path / "bad.csv"
    shutil.copy(REFERENCE / "stratified.csv", source)
    lines = source.read_text().splitlines()
    cells = lines[1].split(",")
    cells[2] = "0"
    lines[1] = ",".join(cells)
    source.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError):
        call_command(
            "kpi",
            "estimate",
            "--responses",
            str(source),
            "--y",
            "y",
            "--stratum",
            "stratum",
            "--weight",
            "w",
            "--fpc",
            "N_h",
            "--out",
            str(tmp_path / "r.json"),
        )
    err = capsys.readouterr().err
    assert "Rows 2: the weight is 0" in err
