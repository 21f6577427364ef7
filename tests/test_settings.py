"""Settings from the environment: production-like variables pass `check --deploy`; a missing secret fails clearly."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

FOSTER = Path(sys.executable).with_name("foster")
# Variables of the surrounding shell that the settings read; each run starts without them.
SETTINGS_VARIABLES = (
    "FOSTER_MODE",
    "FOSTER_VAR_DIR",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "TASK_BACKEND",
    "REDIS_URL",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
)


def foster(*arguments: str, tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run ``.venv/bin/foster`` in a fresh process with only ``variables`` set for the settings."""
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    environment.update({"FOSTER_VAR_DIR": str(tmp_path / "var"), **variables})
    return subprocess.run(
        [str(FOSTER), *arguments], env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def production_variables() -> dict[str, str]:
    return {
        "FOSTER_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "foster.example.kr,www.foster.example.kr",
        "DATABASE_URL": "postgres://foster:secret@db.internal:5432/foster",
        "TASK_BACKEND": "rq",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }


def test_check_deploy_prints_no_warning_with_production_variables(tmp_path: Path) -> None:
    result = foster("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production_variables())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_does_warn_when_debug_is_on(tmp_path: Path) -> None:
    """The check above can fail: switching DEBUG on is reported."""
    result = foster(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **{**production_variables(), "DEBUG": "true"}
    )

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


@pytest.mark.parametrize("secret_key", [None, "", "too-short"])
def test_a_missing_or_short_secret_key_outside_demo_and_test_fails_clearly(
    tmp_path: Path, secret_key: str | None
) -> None:
    variables = production_variables()
    del variables["SECRET_KEY"]
    if secret_key is not None:
        variables["SECRET_KEY"] = secret_key

    result = foster("check", tmp_path=tmp_path, **variables)

    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: SECRET_KEY must be set to a random string of at least 50 characters "
        "(or set FOSTER_MODE=demo for the embedded demo)." in result.stderr
    )


def test_production_is_the_default_mode(tmp_path: Path) -> None:
    result = foster("check", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("mode", ["demo", "test"])
def test_demo_and_test_modes_need_no_secret(tmp_path: Path, mode: str) -> None:
    result = foster("check", tmp_path=tmp_path, FOSTER_MODE=mode)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    result = foster("check", tmp_path=tmp_path, FOSTER_MODE="staging")

    assert result.returncode != 0
    assert "FOSTER_MODE must be one of production, demo, test." in result.stderr


def test_production_cookies_are_host_prefixed_and_the_security_headers_are_set(tmp_path: Path) -> None:
    """With production variables: ``__Host-`` session and CSRF cookies (HTTPS only, this host, every
    path), HSTS, Referrer-Policy, and a Content Security Policy without inline script or eval."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session': [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH],"
        "'csrf': [s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_DOMAIN, s.CSRF_COOKIE_PATH],"
        "'hsts': s.SECURE_HSTS_SECONDS, 'referrer': s.SECURE_REFERRER_POLICY,"
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES'], 'middleware': s.MIDDLEWARE}))"
    )
    result = foster("shell", "-c", code, tmp_path=tmp_path, **production_variables())

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["session"] == ["__Host-sessionid", True, None, "/"]
    assert values["csrf"] == ["__Host-csrftoken", True, None, "/"]
    assert values["hsts"] == 31536000
    assert values["referrer"] == "same-origin"
    assert values["csp"]["script-src"] == ["'self'"]
    assert values["csp"]["object-src"] == ["'none'"] and values["csp"]["frame-ancestors"] == ["'none'"]
    assert "csp.middleware.CSPMiddleware" in values["middleware"]


def test_the_embedded_mode_keeps_plain_cookie_names_for_plain_http(tmp_path: Path) -> None:
    """``__Host-`` cookies need HTTPS; the demo serves plain HTTP on 127.0.0.1, so it keeps Django's names."""
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"

    result = foster("shell", "-c", code, tmp_path=tmp_path, FOSTER_MODE="demo")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["sessionid", "csrftoken"]
