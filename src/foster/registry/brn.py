"""Korean business registration numbers (사업자등록번호): format and check digit.

python-stdnum's ``kr.brn`` checks length, digits and the office/type/serial components but not
the check digit, so the National Tax Service's check-digit rule is applied here on top of it:
weights 1,3,7,1,3,7,1,3,5 over the first nine digits, plus the tens digit of 5 x the ninth digit;
the check digit brings the sum to a multiple of ten.
"""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum
from stdnum.kr import brn as stdnum_brn

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def calc_check_digit(first_nine: str) -> str:
    """The check digit for the first nine digits of a registration number."""
    digits = [int(char) for char in first_nine]
    total = sum(weight * digit for weight, digit in zip(WEIGHTS, digits, strict=True))
    total += (digits[8] * 5) // 10
    return str((10 - total % 10) % 10)


def validate(number: str) -> str:
    """Return the ten digits of a valid number; raise a ``stdnum`` ValidationError subclass if not."""
    compact = stdnum_brn.validate(number)
    if calc_check_digit(compact[:9]) != compact[9]:
        raise InvalidChecksum()
    return compact


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except Exception:
        return False
    return True


def format_number(number: str) -> str:
    """``1168200276`` -> ``116-82-00276``."""
    return stdnum_brn.format(number)
