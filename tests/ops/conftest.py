"""Fixtures of the process tests: a working directory, the test database shared with child
processes, and an agency official (with an API token) who may move a program's money."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.programs.models import Program
from tests.factories import ProgramFactory
from tests.ops.processes import SharedDatabase, shared_database


@pytest.fixture
def official(make_user: Callable[[str], User]) -> User:
    return make_user(Role.AGENCY_OFFICIAL)


@pytest.fixture
def token(official: User) -> str:
    return Token.objects.create(user=official).key


@pytest.fixture
def program(agency: Agency) -> Program:
    return ProgramFactory(agency=agency)


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    return tmp_path


@pytest.fixture
def shared_db(work_dir: Path, official: User, token: str, program: Program) -> SharedDatabase:
    """The test database, with the official, the token and the program, as child processes see it."""
    return shared_database(work_dir)
