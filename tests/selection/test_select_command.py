"""`foster select`: problem file in, result file out; bad files refused with nothing written."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

REPO = Path(__file__).resolve().parents[2]

# Two problems in the OR-Library mknap format (written for this test; numbers wrap across lines
# as in the published files). Known optima 30 and 50.5, checked by exhaustive search below.
MKNAP_TEXT = """2
 6 2 30
 10 13 7 8
 12 6
 3 4 2 3 4 2
 2 3 1 4 3 1
 9 7

 5 3 50.5
 20 18 17 15 15.5
 8 7 6 5 5
 5 6 7 3 4 1 1 1 1 1
 18 15 3
"""


def orlib_mknap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("orlib_mknap", REPO / "bench" / "orlib_mknap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def problem() -> dict[str, object]:
    return {
        "candidates": [
            {"id": "a", "value": 80, "costs": {"amount_krw": 300}, "attributes": {"sector": "ai", "region": "Busan"}},
            {"id": "b", "value": 75, "costs": {"amount_krw": 200}, "attributes": {"sector": "bio", "region": "Seoul"}},
            {"id": "c", "value": 70, "costs": {"amount_krw": 250}, "attributes": {"sector": "ai", "region": "Seoul"}},
            {"id": "d", "value": 65, "costs": {"amount_krw": 100}, "attributes": {"sector": "bio", "region": "Busan"}},
        ],
        "constraints": [
            {"name": "budget", "type": "sum", "cost": "amount_krw", "max": 600},
            {"name": "AI share", "type": "share", "cost": "amount_krw", "where": {"sector": "ai"}, "min": 0.5},
            {"name": "regional minimum Busan", "type": "count", "where": {"region": "Busan"}, "min": 1},
        ],
        "overrides": [{"id": "d", "decision": "in", "reason": "regional balance"}],
        "seed": 3,
    }


def run(tmp_path: Path, data: object, *extra: str) -> tuple[Path, dict[str, object], str]:
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    out = tmp_path / "result.json"
    stdout = StringIO()
    call_command("select", "--problem", str(problem_path), "--out", str(out), *extra, stdout=stdout)
    return out, json.loads(out.read_text(encoding="utf-8")), stdout.getvalue()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The command's messages are checked in English (the interface's default language is Korean)."""
    with translation.override("en"):
        yield


def test_writes_the_result(tmp_path: Path) -> None:
    _, result, stdout = run(tmp_path, problem())
    assert result["status"] == "optimal"
    assert result["selected"] == ["a", "b", "d"]
    assert result["objective"] == 220.0
    assert result["bound"] == 220.0
    assert set(result["explanations"]) == {"a", "b", "c", "d"}  # type: ignore[arg-type]
    assert result["explanations"]["d"]["code"] == "override_in"  # type: ignore[index]
    assert result["overrides"]["objective_lost"] == 0.0  # type: ignore[index]
    assert [point["factor"] for point in result["sensitivity"]["points"]][:3] == [0.5, 0.6, 0.7]  # type: ignore[index]
    assert {cost["constraint"] for cost in result["quota_costs"]} == {"budget", "AI share", "regional minimum Busan"}  # type: ignore[union-attr]
    assert "Optimal portfolio of 3 candidates, total value 220" in stdout


def test_re_running_gives_the_same_result(tmp_path: Path) -> None:
    _, first, _ = run(tmp_path, problem())
    _, again, _ = run(tmp_path, problem(), "--time-limit", "30")
    del first["statistics"], again["statistics"]
    assert first == again


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2."),
        ("[]", "The problem file has 1 error(s), listed above; nothing was written."),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(tmp_path: Path, content: str, message: str) -> None:
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(content, encoding="utf-8")
    out = tmp_path / "result.json"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call_command("select", "--problem", str(problem_path), "--out", str(out), stderr=StringIO())
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [problem_path]


def test_every_mistake_is_listed_with_its_element(tmp_path: Path) -> None:
    data = problem()
    data["constraints"][2]["min"] = "one"  # type: ignore[index]
    data["overrides"][0]["reason"] = " "  # type: ignore[index]
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "result.json"
    stderr = StringIO()
    with pytest.raises(CommandError, match=r"2 error\(s\)"):
        call_command("select", "--problem", str(problem_path), "--out", str(out), stderr=stderr)
    assert stderr.getvalue().splitlines() == [
        "constraints[2] (regional minimum Busan): 'min' must be a number, not the text 'one'",
        "overrides[0] (d): 'reason' is required: say why the committee decided so",
    ]
    assert not out.exists()


def test_missing_problem_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no problem file at"):
        call_command("select", "--problem", str(tmp_path / "nope.json"), "--out", str(tmp_path / "r.json"))
    assert not (tmp_path / "r.json").exists()


def test_infeasible_problem_names_the_conflict(tmp_path: Path) -> None:
    data = problem()
    data["constraints"].append({"name": "at most one", "type": "count", "max": 1})  # type: ignore[attr-defined]
    _, result, stdout = run(tmp_path, data)
    assert result["status"] == "infeasible"
    assert result["selected"] == []
    assert result["conflict"] == {
        "constraints": ["AI share", "at most one"],
        "locks": ["d"],
        "is_irreducible": True,
        "text": "No portfolio meets the constraints 'AI share' and 'at most one' together with the lock on 'd'; "
        "relax one of them.",
    }
    assert "see 'conflict' in the result" in stdout


def test_orlib_mknap_files_are_solved_to_their_known_optima(tmp_path: Path) -> None:
    converter = orlib_mknap()
    problems = converter.parse_mknap(MKNAP_TEXT)
    assert [(p["n"], p["m"], p["optimum"]) for p in problems] == [(6, 2, 30.0), (5, 3, 50.5)]
    assert problems[1]["weights"][2] == [1.0, 1.0, 1.0, 1.0, 1.0]
    for number, parsed in enumerate(problems):
        data = converter.problem_json(parsed)
        assert data["constraints"][0] == {
            "name": "resource 0",
            "type": "sum",
            "cost": "r0",
            "max": 9 if number == 0 else 18,
        }
        _, result, _ = run(tmp_path, data)
        assert result["status"] == "optimal"
        assert result["objective"] == parsed["optimum"]


def test_orlib_converter_rejects_a_truncated_file() -> None:
    converter = orlib_mknap()
    with pytest.raises(converter.MknapFormatError, match=r"problem 2 \(n=5, m=3\): the file ends 23 numbers too early"):
        converter.parse_mknap(MKNAP_TEXT.rsplit("\n 5 6 7", 1)[0])
