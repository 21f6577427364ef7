"""Fixtures of the data LAB tests: an SME with its member, a startup with its member, uploaded files in a
temporary MEDIA_ROOT, and CSV files as an SME's Excel would save them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.engines.synthesis.samples import manufacturing_quality_rows
from foster.registry.choices import SizeClass
from foster.registry.models import Company
from foster.registry.seeding import registration_number
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory


@dataclass
class Member:
    user: User
    company: Company

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client


def member(size_class: str, number: int, role: str = Role.COMPANY_MEMBER) -> Member:
    user = UserFactory(role=role, preferred_language="en")
    company = CompanyFactory(size_class=size_class, business_registration_number=registration_number(number))
    CompanyMembershipFactory(user=user, company=company)
    return Member(user, company)


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages asserted are English (pages get the language cookie, services this override)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def sme(db: None) -> Member:
    return member(SizeClass.SMALL, 70_001)


@pytest.fixture
def startup(db: None) -> Member:
    return member(SizeClass.STARTUP, 70_002)


def quality_csv(rows: int = 400, *, encoding: str = "cp949", personal: bool = True, seed: int = 7) -> bytes:
    """The generated quality table with Korean headers, plus an inspector's name and phone number."""
    header, body = manufacturing_quality_rows(rows, seed=seed, korean_headers=True)
    names = ["김민수", "이영희", "박철수", "최지우", "정다은", "한상우"]
    if personal:
        header = [*header, "검사자", "연락처"]
        body = [
            [*row, names[index % len(names)], f"010-{1000 + index % 9000:04d}-{(index * 37) % 10000:04d}"]
            for index, row in enumerate(body)
        ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "품질검사.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
