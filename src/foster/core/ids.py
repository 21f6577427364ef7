"""Row ids read from query strings and forms."""

from __future__ import annotations

# The largest value an id column holds (a signed 64-bit integer, on SQLite and PostgreSQL alike).
MAX_ID = 2**63 - 1


def id_from_text(value: object) -> int | None:
    """The row id ``value`` names, or None when it is not a whole number in ASCII digits.

    ``str.isdigit`` alone lets "²" through (``int`` then fails), and an id beyond ``MAX_ID`` makes
    the database driver fail: such a number becomes 0, an id no row has, so a filter on it finds
    nothing instead of raising a server error."""
    text = str(value if value is not None else "")
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else 0
