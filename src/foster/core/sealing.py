"""Secrets kept sealed in the database: AES-256-GCM (``cryptography``) with a random 96-bit nonce
per write, the field's name as associated data (a sealed value copied into another field does not
open there), and a version prefix (``sealed:v1:``) so the scheme can change later.

The key is ``settings.SEALING_KEY`` (``FOSTER_SEALING_KEY``: 32 bytes, URL-safe base64) or, when it
is unset, derived from ``SECRET_KEY`` with HKDF-SHA256. A database or a backup read without the key
shows no secret. ``SealedCharField`` seals on write and opens on read; a value without the prefix
(written before sealing) is read as it is and sealed at its next save (the migration that turns a
field sealed re-saves every row). A value that does not open (another key, or tampered with) raises
``SealBroken``, never returns garbage.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "sealed:v1:"
NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed value does not open with this deployment's key (the key changed, or the value was altered)."""


def key_from(sealing_key_text: str, secret_key: str, name: str = "FOSTER_SEALING_KEY") -> bytes:
    """The 32-byte key given as URL-safe base64 (``sealing_key_text``), or, when that is empty,
    derived from ``secret_key`` with HKDF-SHA256."""
    if sealing_key_text:
        try:
            key = base64.urlsafe_b64decode(sealing_key_text.encode("ascii") + b"=" * (-len(sealing_key_text) % 4))
        except (ValueError, UnicodeEncodeError) as error:
            raise ImproperlyConfigured(f"{name} must be URL-safe base64.") from error
        if len(key) != 32:
            raise ImproperlyConfigured(f"{name} must be 32 bytes (44 characters of base64).")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"foster.core.sealing", info=b"v1").derive(
        secret_key.encode("utf-8")
    )


def sealing_key() -> bytes:
    """This deployment's key: ``settings.SEALING_KEY`` decoded, or derived from ``SECRET_KEY``."""
    return key_from(getattr(settings, "SEALING_KEY", ""), settings.SECRET_KEY)


def sealed_fields() -> list[SealedCharField]:
    """Every ``SealedCharField`` of the installed models."""
    from django.apps import apps

    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, SealedCharField) and field.model is model
    ]


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plain: str, purpose: str, key: bytes | None = None) -> str:
    """``plain`` sealed for ``purpose`` (the associated data): ``sealed:v1:`` + base64(nonce ‖ ciphertext ‖ tag)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key or sealing_key()).encrypt(nonce, plain.encode("utf-8"), purpose.encode("utf-8"))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(value: str, purpose: str, key: bytes | None = None) -> str:
    """The plain text of a ``seal``ed value; a value without the prefix is returned as it is."""
    if not is_sealed(value):
        return value
    try:
        raw = base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
        return (
            AESGCM(key or sealing_key())
            .decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode("utf-8"))
            .decode("utf-8")
        )
    except (InvalidTag, ValueError) as error:
        raise SealBroken(
            f"A sealed {purpose} does not open with this deployment's key: was SECRET_KEY or "
            "FOSTER_SEALING_KEY changed? Run `foster rekey` with the old key (docs/deployment.md), or the "
            "owner enrols again (staff can reset the device)."
        ) from error


class SealedCharField(models.CharField):
    """A text column stored sealed (``seal``/``unseal``, the associated data being ``app.model.field``).
    Its ``max_length`` counts the sealed form: about 4/3 × (plain bytes + 28) + 10 characters.
    Lookups by value cannot work (every write seals with a new nonce) and are not supported."""

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.purpose = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value, self.purpose)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_sealed(value):
            return value
        return seal(value, self.purpose)
