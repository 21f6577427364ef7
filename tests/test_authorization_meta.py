"""The test of the authorization test: a route without a matrix row, or a row without a route, fails it."""

from __future__ import annotations

import re

import pytest

from tests import test_authorization as authorization_tests
from tests.authorization_matrix import (
    MATRIX_PATH,
    ROLES,
    MatrixError,
    matrix_diff,
    matrix_parse,
    matrix_rows,
    url_route_names,
)

UNLISTED_URLCONF = "tests.urls_with_unlisted_route"
UNNAMED_URLCONF = "tests.urls_with_unnamed_route"


def _matrix_lines() -> tuple[list[str], int]:
    lines = MATRIX_PATH.read_text(encoding="utf-8").splitlines()
    return lines, next(number for number, line in enumerate(lines) if line.startswith("| `portal:home`"))


def _matrix_with_row(row: str) -> str:
    """The real matrix with one more row (after the front page's)."""
    lines, index = _matrix_lines()
    lines.insert(index + 1, row)
    return "\n".join(lines)


def _matrix_without_front_page() -> str:
    lines, index = _matrix_lines()
    del lines[index]
    return "\n".join(lines)


def test_a_route_without_a_row_is_reported_and_only_it() -> None:
    project = matrix_diff(url_route_names(), matrix_rows())
    extended = matrix_diff(url_route_names(UNLISTED_URLCONF), matrix_rows())

    assert extended.missing - project.missing == {"unlisted-route"}
    assert extended.unknown == project.unknown


@pytest.mark.urls(UNLISTED_URLCONF)
def test_the_authorization_test_fails_for_a_route_without_a_row() -> None:
    with pytest.raises(
        AssertionError, match=re.escape("routes without a row in docs/authorization.md: unlisted-route")
    ):
        authorization_tests.test_every_route_has_a_matrix_row()


@pytest.mark.urls(UNNAMED_URLCONF)
def test_the_authorization_test_fails_for_a_route_without_a_name() -> None:
    with pytest.raises(AssertionError, match="<unnamed nameless/>"):
        authorization_tests.test_every_route_has_a_matrix_row()


def test_a_row_for_a_route_that_does_not_exist_is_reported() -> None:
    ghost = "| `registry:no-such-route` | GET | – | login | ok | ok | ok | ok | ok | ok |"
    rows = matrix_parse(_matrix_with_row(ghost))

    diff = matrix_diff(url_route_names(), rows)
    project = matrix_diff(url_route_names(), matrix_rows())

    assert diff.unknown - project.unknown == {"registry:no-such-route"}
    assert "registry:no-such-route" in diff.describe()


def test_a_deleted_row_is_reported_as_missing() -> None:
    rows = matrix_parse(_matrix_without_front_page())

    diff = matrix_diff(url_route_names(), rows)

    assert "portal:home" in diff.missing
    assert "portal:home" not in matrix_diff(url_route_names(), matrix_rows()).missing


def test_route_names_are_namespaced_without_admin_or_format_suffixes() -> None:
    names = url_route_names()

    assert {"portal:home", "registry:company-detail", "api:company-list", "api-schema", "set_language"} <= names
    assert not any(name.startswith("admin:") for name in names)
    assert not any(name.startswith("<unnamed") for name in names)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("| `portal:home` | GET | – | ok | ok | ok | ok | ok | ok |", "cells"),
        ("| `portal:home` | FETCH | – | ok | ok | ok | ok | ok | ok | ok |", "unknown method"),
        ("| `portal:home` | POST | – | ok | ok | ok | ok | ok | ok | maybe |", "unknown cell"),
        ("| `portal:home` | POST | some company | ok | ok | ok | ok | ok | ok | ok |", "object"),
        ("| `portal:home` | GET | – | ok | ok | ok | ok | ok | ok | ok |", "a second row"),
    ],
)
def test_a_malformed_matrix_is_refused(bad_line: str, message: str) -> None:
    with pytest.raises(MatrixError, match=message):
        matrix_parse(_matrix_with_row(bad_line))


def test_every_cell_except_not_applicable_is_one_test_case() -> None:
    rows = matrix_rows()
    cells = sum(1 for row in rows for role in ROLES if row.expected[role] != "n/a")

    assert len(authorization_tests.CASES) == cells
    assert {case.values[1] for case in authorization_tests.CASES} == set(ROLES)
