"""The authorization matrix of docs/authorization.md, read as data, and the routes it must cover.

Used by tests/test_authorization.py (which checks every row over HTTP) and by
tests/test_authorization_meta.py (which shows that a route without a row is caught).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from foster.accounts.choices import Role

MATRIX_PATH = Path(__file__).resolve().parent.parent / "docs" / "authorization.md"
ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, *(role.value for role in Role))
OUTCOMES = frozenset({"ok", "login", "deny", "hidden", "invalid", "n/a"})
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
VARIANTS = frozenset({"own", "other", "any"})
NO_OBJECT = frozenset({"–", "-", ""})
ADMIN_NAMESPACE = "admin"


class MatrixError(ValueError):
    """The matrix in the document is malformed; the message names the line."""


@dataclass(frozen=True)
class MatrixRow:
    """One row: what each role gets for ``method`` on ``route`` naming ``object``."""

    route: str
    method: str
    object: str  # "" (no object), or "<variant> <kind>", e.g. "own company"
    expected: dict[str, str]
    line: int

    @property
    def variant(self) -> str:
        return self.object.split(" ", 1)[0] if self.object else ""

    @property
    def object_kind(self) -> str:
        return self.object.split(" ", 1)[1] if self.object else ""

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api:")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def matrix_parse(text: str) -> list[MatrixRow]:
    """Parse the table under the ``## Matrix`` heading; raise ``MatrixError`` on anything unexpected."""
    lines = text.splitlines()
    try:
        start = next(index for index, line in enumerate(lines) if line.strip() == "## Matrix")
    except StopIteration:
        raise MatrixError("no '## Matrix' heading") from None
    table: list[tuple[int, str]] = []
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line.startswith("|"):
            table.append((number, line))
        elif table:
            break
    if len(table) < 3:
        raise MatrixError("the matrix table is missing or empty")
    header = _cells(table[0][1])
    expected_header = ["route", "method", "object", *ROLES]
    if sorted(header) != sorted(expected_header) or header[:3] != expected_header[:3]:
        raise MatrixError(f"line {table[0][0]}: the header must be {' | '.join(expected_header)} (roles in any order)")
    rows: list[MatrixRow] = []
    seen: set[tuple[str, str, str]] = set()
    for number, line in table[2:]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise MatrixError(f"line {number}: {len(cells)} cells, the header has {len(header)}")
        values = dict(zip(header, cells, strict=True))
        route = values["route"].strip("`")
        method = values["method"].upper()
        obj = "" if values["object"] in NO_OBJECT else values["object"]
        if method not in METHODS:
            raise MatrixError(f"line {number}: unknown method {values['method']!r}")
        if obj and (len(obj.split(" ")) != 2 or obj.split(" ")[0] not in VARIANTS):
            raise MatrixError(f"line {number}: object {obj!r} must be '<own|other|any> <kind>' or '–'")
        expected = {role: values[role] for role in ROLES}
        unknown = {cell for cell in expected.values() if cell not in OUTCOMES}
        if unknown:
            raise MatrixError(f"line {number}: unknown cell value(s) {sorted(unknown)}; use {sorted(OUTCOMES)}")
        key = (route, method, obj)
        if key in seen:
            raise MatrixError(f"line {number}: a second row for {route} {method} {obj or '–'}")
        seen.add(key)
        rows.append(MatrixRow(route=route, method=method, object=obj, expected=expected, line=number))
    return rows


def matrix_rows() -> list[MatrixRow]:
    """The rows of docs/authorization.md."""
    return matrix_parse(MATRIX_PATH.read_text(encoding="utf-8"))


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    """Yield ``(namespaced name or "", full route string, pattern)`` for every endpoint."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield name, prefix + str(entry.pattern), entry


def _is_format_suffix(pattern: URLPattern) -> bool:
    """REST framework's ``.json`` duplicates of a route: same view, same name, same rules."""
    return "format" in pattern.pattern.regex.groupindex


def _is_admin(name: str, route: str) -> bool:
    return name.split(":", 1)[0] == ADMIN_NAMESPACE or route.startswith("admin/")


def url_route_names(urlconf: str | None = None) -> set[str]:
    """Every route the matrix must cover: named routes, namespaced, outside the admin site.

    A route without a name cannot be listed in the matrix, so it is returned as
    ``<unnamed PATTERN>`` and shows up as missing.
    """
    names: set[str] = set()
    for name, route, pattern in _walk(get_resolver(urlconf).url_patterns):
        if _is_admin(name, route) or _is_format_suffix(pattern):
            continue
        names.add(name or f"<unnamed {route}>")
    return names


def admin_routes(urlconf: str | None = None) -> list[tuple[str, str, dict[str, str]]]:
    """The admin site's routes as ``(name or "", route string, group names)``."""
    return [
        (name, route, dict.fromkeys(pattern.pattern.regex.groupindex, ""))
        for name, route, pattern in _walk(get_resolver(urlconf).url_patterns)
        if _is_admin(name, route)
    ]


@dataclass(frozen=True)
class RouteDiff:
    """Routes without a matrix row, and matrix rows naming no route."""

    missing: frozenset[str]
    unknown: frozenset[str]

    def describe(self) -> str:
        parts = []
        if self.missing:
            parts.append("routes without a row in docs/authorization.md: " + ", ".join(sorted(self.missing)))
        if self.unknown:
            parts.append(
                "rows in docs/authorization.md for routes that do not exist: " + ", ".join(sorted(self.unknown))
            )
        return "; ".join(parts)


def matrix_diff(route_names: set[str], rows: list[MatrixRow]) -> RouteDiff:
    listed = {row.route for row in rows}
    return RouteDiff(missing=frozenset(route_names - listed), unknown=frozenset(listed - route_names))


def assert_matrix_covers_routes(urlconf: str | None = None) -> None:
    """Fail, naming them, if a route has no row in the matrix or a row names no route."""
    diff = matrix_diff(url_route_names(urlconf), matrix_rows())
    assert not diff.missing and not diff.unknown, diff.describe()


def route_string_sample(route: str, samples: dict[str, str]) -> str:
    """A concrete path for an unnamed ``path()`` route string: each ``<converter:name>`` replaced."""
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: samples[match.group(1)], route)
