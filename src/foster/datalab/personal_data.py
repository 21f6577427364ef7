"""Finding personal data in an uploaded table, and dropping or pseudonymising it before synthesis.

A column is flagged when enough of its non-empty cells are (or, for free text, contain) one of:

- a resident registration number (주민등록번호) with a valid check digit and birth date (``stdnum.kr.rrn``);
- a Korean phone number (mobile 010-…, area codes 02/031…/070, +82 forms);
- an e-mail address;
- a business registration number with a valid check digit (``foster.registry.brn``);
- a person's name: the header says so (이름, 성명, 고객명, 담당자, name, …) *and* the cells look like
  names (two to four Hangul syllables starting with a common surname, or two or three capitalised words).

A whole-cell match must hold for ``COLUMN_SHARE`` of the cells; a match inside longer text (a remark with
a phone number in it) for ``CONTAINED_SHARE``. What happens by default: numbers that identify a person
directly (resident numbers, phones, e-mails) are dropped; names and business numbers are pseudonymised
with a keyed hash (HMAC-SHA256 under the dataset's own secret key), which keeps which rows belong to the
same person or company without saying who. The owner may choose otherwise per column.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from stdnum.kr import rrn

from foster.datalab.choices import PersonalDataHandling, PersonalDataKind
from foster.registry import brn

COLUMN_SHARE = 0.6
CONTAINED_SHARE = 0.3
SAMPLE_CELLS = 5_000
MIN_CELLS = 3

_RRN = re.compile(r"(?<!\d)(\d{6})-?([1-8]\d{6})(?!\d)")
_PHONE = re.compile(r"(?<![\d-])(?:\+82[ -]?|0)(?:1[016789]|2|[3-6][1-5]|70)[ -.)]?\d{3,4}[ -.]?\d{4}(?![\d-])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BRN = re.compile(r"(?<!\d)(\d{3})-?(\d{2})-?(\d{5})(?!\d)")
_HANGUL_NAME = re.compile(r"^[가-힣]{2,4}$")
_LATIN_NAME = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}$")
SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈서시견당화창옹"
)
NAME_HEADERS = (
    "이름",
    "성명",
    "성함",
    "고객명",
    "환자명",
    "담당자",
    "작업자",
    "대표자",
    "신청자",
    "직원명",
    "사원명",
    "검사자",
    "작성자",
    "확인자",
    "승인자",
    "점검자",
    "고객",
    "환자",
    "name",
    "fullname",
    "firstname",
    "lastname",
    "customername",
    "employeename",
    "patientname",
    "surname",
)
DEFAULT_HANDLING = {
    PersonalDataKind.RESIDENT_NUMBER: PersonalDataHandling.DROP,
    PersonalDataKind.PHONE: PersonalDataHandling.DROP,
    PersonalDataKind.EMAIL: PersonalDataHandling.DROP,
    PersonalDataKind.PERSON_NAME: PersonalDataHandling.PSEUDONYMISE,
    PersonalDataKind.BUSINESS_NUMBER: PersonalDataHandling.PSEUDONYMISE,
}


@dataclass(frozen=True)
class Finding:
    kind: PersonalDataKind
    share: float  # of the non-empty cells checked


def _is_rrn(text: str) -> bool:
    return rrn.is_valid(text)


def _is_brn(text: str) -> bool:
    return brn.is_valid(text)


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-()]", "", text).lower()


def _looks_like_name(text: str) -> bool:
    if _HANGUL_NAME.match(text):
        return text[0] in SURNAMES
    return bool(_LATIN_NAME.match(text))


def _share(cells: Sequence[str], test: object) -> float:
    assert callable(test)
    return sum(1 for cell in cells if test(cell)) / len(cells)


def detect_column(header: str, cells: Sequence[str]) -> Finding | None:
    """The personal data found in a column, if any (the strongest kind first)."""
    present = [cell.strip() for cell in cells if cell.strip()][:SAMPLE_CELLS]
    if len(present) < MIN_CELLS:
        return None
    whole_tests: list[tuple[PersonalDataKind, object]] = [
        (PersonalDataKind.RESIDENT_NUMBER, lambda text: bool(_RRN.fullmatch(text)) and _is_rrn(text)),
        (PersonalDataKind.EMAIL, lambda text: bool(_EMAIL.fullmatch(text))),
        (PersonalDataKind.PHONE, lambda text: bool(_PHONE.fullmatch(text))),
        (PersonalDataKind.BUSINESS_NUMBER, lambda text: bool(_BRN.fullmatch(text)) and _is_brn(text)),
    ]
    for kind, test in whole_tests:
        share = _share(present, test)
        if share >= COLUMN_SHARE:
            return Finding(kind, share)
    key = _header_key(header)
    if any(name in key for name in NAME_HEADERS):
        share = _share(present, _looks_like_name)
        if share >= COLUMN_SHARE:
            return Finding(PersonalDataKind.PERSON_NAME, share)
    contained_tests: list[tuple[PersonalDataKind, object]] = [
        (
            PersonalDataKind.RESIDENT_NUMBER,
            lambda text: any(_is_rrn(match.group(0)) for match in _RRN.finditer(text)),
        ),
        (PersonalDataKind.EMAIL, lambda text: bool(_EMAIL.search(text))),
        (PersonalDataKind.PHONE, lambda text: bool(_PHONE.search(text))),
    ]
    for kind, test in contained_tests:
        share = _share(present, test)
        if share >= CONTAINED_SHARE:
            return Finding(kind, share)
    return None


def pseudonym(key: str, text: str) -> str:
    """A stable pseudonym for ``text`` under ``key``: ``P-`` and 12 hexadecimal digits of HMAC-SHA256."""
    if not text.strip():
        return ""
    digest = hmac.new(key.encode(), text.strip().encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"
