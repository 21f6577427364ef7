"""Fixtures of the process tests: a working directory, the test database shared with child
processes, and an agency official (with an authenticator) who may move a program's money."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.accounts.two_factor import two_factor_demo_enrol
from foster.programs.models import Program
from tests.factories import ProgramFactory
from tests.ops.processes import SharedDatabase, shared_database


@pytest.fixture
def official(make_user: Callable[[str], User]) -> User:
    return make_user(Role.AGENCY_OFFICIAL)


@pytest.fixture
def totp_secret(official: User) -> str:
    """The official's authenticator secret: officials log in with two factors (and may not use an
    API token), so the clients of these tests log in through the pages with the current code."""
    return two_factor_demo_enrol(user=official).secret


@pytest.fixture
def program(agency: Agency) -> Program:
    return ProgramFactory(agency=agency)


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    return tmp_path


@pytest.fixture
def shared_db(work_dir: Path, official: User, totp_secret: str, program: Program) -> SharedDatabase:
    """The test database, with the official, their authenticator and the program, as child
    processes see it."""
    return shared_database(work_dir)
