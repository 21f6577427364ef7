"""Secrets sealed in the database: the authenticator's TOTP secret is never stored as it is, opens
only with this deployment's key and only in its own column, rows written before sealing are sealed
by the migration (and opened again by its reverse), and ``foster rekey`` moves them to a new key."""

from __future__ import annotations

import base64
import importlib
from io import StringIO
from types import SimpleNamespace

import pyotp
import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from foster.accounts.models import TwoFactorDevice
from foster.accounts.two_factor import two_factor_enrolment_start
from foster.core.sealing import PREFIX, SealBroken, is_sealed, seal, sealing_key, unseal
from tests.factories import AgencyMembershipFactory

PURPOSE = "accounts.twofactordevice.secret"
OTHER_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


def _raw_secret(device: TwoFactorDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactordevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_a_sealed_value_opens_only_with_its_key_and_purpose() -> None:
    sealed = seal("JBSWY3DPEHPK3PXP", PURPOSE)
    assert is_sealed(sealed) and "JBSWY3DPEHPK3PXP" not in sealed
    assert sealed != seal("JBSWY3DPEHPK3PXP", PURPOSE)  # a new nonce every time
    assert unseal(sealed, PURPOSE) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SealBroken):
        unseal(sealed, "accounts.user.password")  # copied into another column, it does not open
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealBroken):
        unseal(tampered, PURPOSE)
    with override_settings(SEALING_KEY=OTHER_KEY), pytest.raises(SealBroken, match="FOSTER_SEALING_KEY"):
        unseal(sealed, PURPOSE)
    assert unseal("JBSWY3DPEHPK3PXP", PURPOSE) == "JBSWY3DPEHPK3PXP"  # written before sealing: read as it is


def test_the_key_is_configured_or_derived_from_the_secret_key() -> None:
    with override_settings(SEALING_KEY=OTHER_KEY):
        assert sealing_key() == b"k" * 32
    with override_settings(SEALING_KEY="", SECRET_KEY="a" * 50):
        derived = sealing_key()
    with override_settings(SEALING_KEY="", SECRET_KEY="b" * 50):
        assert sealing_key() != derived and len(derived) == 32
    with override_settings(SEALING_KEY="c2hvcnQ"), pytest.raises(ImproperlyConfigured, match="32 bytes"):
        sealing_key()


@pytest.mark.django_db
def test_the_authenticators_secret_is_stored_sealed_and_still_checks_codes() -> None:
    user = AgencyMembershipFactory().user
    device = two_factor_enrolment_start(user=user)
    raw = _raw_secret(device)
    assert raw.startswith(PREFIX) and device.secret not in raw
    stored = TwoFactorDevice.objects.get(pk=device.pk)
    assert stored.secret == device.secret and len(stored.secret) == 32
    assert pyotp.TOTP(stored.secret).verify(pyotp.TOTP(device.secret).now())


@pytest.mark.django_db
def test_the_migration_seals_old_rows_and_its_reverse_opens_them() -> None:
    migration = importlib.import_module("foster.accounts.migrations.0003_seal_two_factor_secrets")
    device = two_factor_enrolment_start(user=AgencyMembershipFactory().user)
    plain = device.secret
    # What RunPython's functions use of the schema editor (a real one cannot open inside the test's transaction).
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.open_existing(apps, editor)
    assert _raw_secret(device) == plain  # as a row written before sealing
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == plain  # and still read
    migration.seal_existing(apps, editor)
    raw = _raw_secret(device)
    assert is_sealed(raw) and unseal(raw, PURPOSE) == plain
    migration.seal_existing(apps, editor)  # run twice: nothing sealed twice
    assert unseal(_raw_secret(device), PURPOSE) == plain


@pytest.mark.django_db
def test_rekey_re_seals_every_secret_under_the_new_key(monkeypatch: pytest.MonkeyPatch) -> None:
    device = two_factor_enrolment_start(user=AgencyMembershipFactory().user)
    plain = device.secret
    old_raw = _raw_secret(device)  # sealed under the test settings' key (derived from SECRET_KEY)
    with override_settings(SEALING_KEY=OTHER_KEY):
        with pytest.raises(SealBroken):
            TwoFactorDevice.objects.get(pk=device.pk)
        with pytest.raises(CommandError, match="OLD_FOSTER_SEALING_KEY"):
            call_command("rekey")
        monkeypatch.setenv("OLD_SECRET_KEY", settings.SECRET_KEY)
        out = StringIO()
        call_command("rekey", stdout=out)
        assert "Re-sealed 1 secrets" in out.getvalue()
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == plain
        assert _raw_secret(device) != old_raw
        again = StringIO()
        call_command("rekey", stdout=again)  # a second run finds nothing to do
        assert "Re-sealed 0 secrets" in again.getvalue()


@pytest.mark.django_db
def test_a_secret_that_opens_with_neither_key_stops_rekey_and_nothing_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = two_factor_enrolment_start(user=AgencyMembershipFactory().user)  # under the old key: re-sealable
    with override_settings(SEALING_KEY=base64.urlsafe_b64encode(b"w" * 32).decode()):
        second = two_factor_enrolment_start(user=AgencyMembershipFactory().user)  # under a third key
    before = (_raw_secret(first), _raw_secret(second))
    monkeypatch.setenv("OLD_SECRET_KEY", settings.SECRET_KEY)
    with override_settings(SEALING_KEY=OTHER_KEY), pytest.raises(CommandError, match=f"row {second.pk}"):
        call_command("rekey")
    assert (_raw_secret(first), _raw_secret(second)) == before  # the first one's re-sealing was rolled back
