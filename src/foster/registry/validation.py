"""Field-level validation shared by forms, the API and bulk import, with messages that say what to fix."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from foster.registry import brn, ksic


def clean_business_registration_number(value: str) -> str:
    """Return the ten digits of a valid business registration number, or raise with the reason."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Enter the business registration number (10 digits, e.g. 123-45-67890)."))
    try:
        return str(brn.validate(raw))
    except InvalidLength:
        raise ValidationError(
            _("A business registration number has 10 digits; “%(value)s” does not.") % {"value": raw}
        ) from None
    except InvalidFormat:
        raise ValidationError(
            _("“%(value)s” is not a business registration number: use digits and dashes only.") % {"value": raw}
        ) from None
    except InvalidComponent:
        raise ValidationError(
            _("“%(value)s” cannot be a business registration number: its tax-office, type or serial part is zero.")
            % {"value": raw}
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of “%(value)s” is wrong; please check the number on the registration certificate.")
            % {"value": raw}
        ) from None


def clean_ksic_division(value: str) -> str:
    """Return a valid two-digit KSIC division code (a longer KSIC code is cut to its division)."""
    code = (value or "").strip()
    if code[:1].isalpha():  # e.g. "C26" or "C 26"
        code = code[1:].strip()
    code = code[:2]
    if code not in ksic.divisions():
        raise ValidationError(
            _("“%(value)s” is not a KSIC (10th revision) division; use a two-digit code such as 26 or 62.")
            % {"value": value}
        )
    return code
