"""The platform's matching indexes: startup profiles (ranked for a challenge or any problem text)
and open challenges (ranked for a startup's profile), over ``foster.engines.matching``.

Persistence: each index lives in ``settings.MATCHING_INDEX_DIR / <name> / <version>/`` (written by
``MatchingIndex.save``), and ``<name>/CURRENT`` names the version in use. A change writes a new
version and then replaces ``CURRENT`` atomically, under a file lock, so the web processes and the
task worker never see half an index.

Per process, the loaded index is cached and reused until ``CURRENT`` names another version (one
small file read per search). Loading costs little; the first analysed query of a process starts
Kiwi (seconds, once). A cached index is never changed in place: an update loads the current
version, applies ``upsert``/``delete`` (only the changed row is analysed) and saves a new version.

``*_index_upsert`` / ``*_index_delete`` are called by the services after their transaction
commits; ``matching_index_rebuild`` (the background task, nightly) rebuilds from the database.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from foster.engines.matching import MatchingIndex, Profile
from foster.innovation.choices import ChallengeState
from foster.innovation.models import Challenge, StartupProfile

logger = logging.getLogger(__name__)

PROFILES = "profiles"
CHALLENGES = "challenges"
INDEX_NAMES = (PROFILES, CHALLENGES)
BUILD_WORKERS = 1


def index_directory() -> Path:
    """Where the indexes are stored (``MATCHING_INDEX_DIR``, by default ``var/matching``)."""
    configured = getattr(settings, "MATCHING_INDEX_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "matching"


# --- Rows as engine profiles ------------------------------------------------------------------


def profile_document(profile: StartupProfile) -> Profile:
    """A startup profile as the engine's ``Profile`` (its solution in both languages, tags, customers)."""
    company = profile.company
    text = "\n".join(
        part
        for part in (
            profile.solution_ko,
            profile.solution_en,
            " ".join(profile.technology_tags or []),
            profile.reference_customers,
        )
        if part
    )
    sectors = profile.sectors or [company.ksic_section]
    return Profile(
        id=str(profile.pk),
        text=text,
        name=company.name_en or company.name_ko,
        sector=sectors[0] if sectors else "",
        region=company.region,
        size_class=company.size_class,
    )


def challenge_text(challenge: Challenge) -> str:
    return "\n".join(part for part in (challenge.title, challenge.problem, challenge.data_available) if part)


def challenge_document(challenge: Challenge) -> Profile:
    """An open challenge as the engine's ``Profile`` (title, problem and data available)."""
    return Profile(
        id=str(challenge.pk),
        text=challenge_text(challenge),
        name=challenge.title,
        sector=challenge.sector,
        region=challenge.region,
    )


def _documents(name: str) -> list[Profile]:
    if name == PROFILES:
        return [profile_document(profile) for profile in StartupProfile.objects.select_related("company")]
    return [
        challenge_document(challenge)
        for challenge in Challenge.objects.filter(state=ChallengeState.OPEN).order_by("pk")
    ]


# --- Storage ----------------------------------------------------------------------------------


@dataclass
class _Loaded:
    version: str
    index: MatchingIndex


_cache: dict[tuple[str, str], _Loaded] = {}
_cache_lock = threading.Lock()


def _current_version(directory: Path) -> str:
    try:
        return (directory / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


@contextmanager
def _write_lock(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _save(directory: Path, index: MatchingIndex) -> str:
    """Write ``index`` as a new version and make it current; keep the previous one for readers
    that are loading it right now, remove older ones. Call under ``_write_lock``."""
    previous = _current_version(directory)
    version = f"v{time.time_ns()}"
    index.save(directory / version)
    temporary = directory / "CURRENT.tmp"
    temporary.write_text(version, encoding="utf-8")
    os.replace(temporary, directory / "CURRENT")
    for old in directory.iterdir():
        if old.is_dir() and old.name not in {version, previous}:
            shutil.rmtree(old, ignore_errors=True)
    with _cache_lock:
        _cache[(str(directory.parent), directory.name)] = _Loaded(version, index)
    return version


def _build(name: str) -> MatchingIndex:
    return MatchingIndex.build(_documents(name), workers=BUILD_WORKERS)


def matching_index(name: str) -> MatchingIndex:
    """The current index ``name`` for searching (do not change it): the process's cached copy,
    reloaded when another process has stored a newer version; built from the database if none is
    stored yet."""
    base = index_directory()
    directory = base / name
    version = _current_version(directory)
    with _cache_lock:
        loaded = _cache.get((str(base), name))
    if loaded is not None and version and loaded.version == version:
        return loaded.index
    if not version:
        with _write_lock(directory):
            if not _current_version(directory):
                _save(directory, _build(name))
        return matching_index(name)
    index = MatchingIndex.load(directory / version)
    with _cache_lock:
        _cache[(str(base), name)] = _Loaded(version, index)
    return index


def _change(name: str, change: Callable[[MatchingIndex], None]) -> None:
    """Apply ``change`` to a fresh copy of the stored index and store it as the next version."""
    directory = index_directory() / name
    with _write_lock(directory):
        version = _current_version(directory)
        if not version:
            _save(directory, _build(name))  # the first build already holds the change
            return
        index = MatchingIndex.load(directory / version)
        change(index)
        _save(directory, index)


def matching_index_rebuild(name: str) -> int:
    """Rebuild index ``name`` from the database (the nightly task); returns its number of entries."""
    directory = index_directory() / name
    index = _build(name)
    with _write_lock(directory):
        _save(directory, index)
    return len(index)


def _logged(action: Callable[[], None], what: str) -> None:
    """Index updates run after the commit: a failure must not undo or hide the saved change, and
    the nightly rebuild repairs the index, so it is logged."""
    try:
        action()
    except Exception:
        logger.exception("matching index: %s failed; the nightly rebuild will repair it", what)


def _delete(index: MatchingIndex, entry_id: str) -> None:
    index.delete(entry_id)


def profile_index_upsert(profile_id: int) -> None:
    """Put one startup profile's current text in the profile index (only that row is analysed)."""
    profile = StartupProfile.objects.select_related("company").filter(pk=profile_id).first()
    if profile is None:
        _logged(lambda: _change(PROFILES, lambda index: _delete(index, str(profile_id))), "profile delete")
        return
    document = profile_document(profile)
    _logged(lambda: _change(PROFILES, lambda index: index.upsert(document)), "profile upsert")


def challenge_index_sync(challenge_id: int) -> None:
    """Keep one challenge in the challenge index while it is open, out of it otherwise."""
    challenge = Challenge.objects.filter(pk=challenge_id).first()
    if challenge is not None and challenge.state == ChallengeState.OPEN:
        document = challenge_document(challenge)
        _logged(lambda: _change(CHALLENGES, lambda index: index.upsert(document)), "challenge upsert")
    else:
        _logged(lambda: _change(CHALLENGES, lambda index: _delete(index, str(challenge_id))), "challenge delete")


def matching_cache_clear() -> None:
    """Forget the indexes loaded by this process (tests)."""
    with _cache_lock:
        _cache.clear()
