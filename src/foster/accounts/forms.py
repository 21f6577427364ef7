from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foster.accounts.models import User
from foster.accounts.throttling import ADDRESS, Lockout, attempt_failed, attempt_locked
from foster.core.security import client_address, request_security_event


def lockout_message(lockout: Lockout) -> str:
    """Says when the next attempt will be taken, in local time and in minutes from now."""
    values = {"time": timezone.localtime(lockout.until).strftime("%H:%M"), "minutes": lockout.minutes_left}
    if lockout.scope == ADDRESS:
        return (
            _("Too many failed log-ins from your network. Try again after %(time)s (in %(minutes)d minutes).") % values
        )
    return _("Too many failed log-ins for this account. Try again after %(time)s (in %(minutes)d minutes).") % values


class ThrottledLoginMixin:
    """Counts and throttles failed log-ins (``accounts.throttling``) and records them as security
    events; for Django's ``AuthenticationForm`` and the admin site's."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request) if self.request is not None else ""

        def record(action: str, **details: object) -> None:
            if self.request is not None:
                request_security_event(self.request, action, user=None, email=email, **details)

        lockout = attempt_locked(email=email, address=address, record=record)
        if lockout is not None:
            raise forms.ValidationError(lockout_message(lockout), code="locked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login" and email:
                record("auth.login_failed")
                lockout = attempt_failed(email=email, address=address, record=record)
                if lockout is not None:
                    raise forms.ValidationError(lockout_message(lockout), code="locked") from error
            raise
        return cleaned


class EmailAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """Log-in form that asks for an e-mail address; failures are counted and throttled."""

    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct. Check both and try again."),
        "inactive": _("This account is inactive."),
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's log-in, throttled and recorded like Foster's own."""


class TwoFactorCodeForm(forms.Form):
    """The six-digit code of the authenticator app (or, when verifying, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, allow_recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("The six digits your authenticator app shows now, or one of your recovery codes.")
            if allow_recovery
            else _("The six digits your authenticator app shows now.")
        )
        if not allow_recovery:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class SignupForm(forms.Form):
    """A member of the public creates an account; registering a company comes next."""

    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters (up to 128; a phrase of several words is good), not a common password, "
            "not like your e-mail address or name."
        ),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address exists already; log in instead."))
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned
