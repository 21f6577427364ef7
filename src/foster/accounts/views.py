from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from foster.accounts.forms import EmailAuthenticationForm, SignupForm, TwoFactorCodeForm, lockout_message
from foster.accounts.models import TwoFactorDevice, User
from foster.accounts.selectors import agencies_of
from foster.accounts.services import user_signup
from foster.accounts.throttling import login_failures_clear
from foster.accounts.two_factor import (
    confirmed_device,
    demo_code_for,
    qr_code_svg,
    recovery_codes_left,
    recovery_codes_replace,
    session_is_verified,
    two_factor_check,
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
    two_factor_is_needed,
    two_factor_is_required,
    two_factor_login_check,
    two_factor_session_verify,
)
from foster.core.security import client_address, request_security_event
from foster.registry.selectors import company_queryset_for


class FosterLoginView(LoginView):
    """The first step of the log-in: e-mail address and password. A user who needs a second factor
    goes on to the verification page (or enrolment), keeping ``next``."""

    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if not two_factor_is_needed(user):
            login_failures_clear(email=user.email)
            return response
        route = "accounts:two-factor-verify" if confirmed_device(user) else "accounts:two-factor-enrol"
        return redirect(f"{reverse(route)}?{urlencode({'next': self.get_success_url()})}")


class FosterLogoutView(LogoutView):
    pass


def _next_url(request: HttpRequest) -> str:
    """The page to go to after the second factor: ``next`` if it is on this site, else the front page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has already sent anonymous visitors to the log-in page
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the log-in: a code of the authenticator app or a recovery code.

    A wrong code changes nothing but the failure count (``accounts.throttling``); the same code
    twice is refused the second time."""
    user = _signed_in_user(request)
    if session_is_verified(request):
        return redirect(_next_url(request))
    if confirmed_device(user) is None:
        return redirect(f"{reverse('accounts:two-factor-enrol')}?{urlencode({'next': _next_url(request)})}")
    form = TwoFactorCodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        check = two_factor_login_check(
            user=user,
            code=form.cleaned_data["code"],
            address=client_address(request),
            record=functools.partial(request_security_event, request),
        )
        if check.lockout is not None:
            form.add_error("code", lockout_message(check.lockout))
        elif check.method is None:
            form.add_error("code", _("The code is not correct or was used already. Type the code your app shows now."))
        else:
            two_factor_session_verify(request)
            if check.method == "recovery":
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(count)d are left. "
                        "Make new ones on your two-factor page when few are left."
                    )
                    % {"count": check.recovery_codes_left},
                )
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "demo_code": demo_code_for(user)}
    return render(request, "accounts/two_factor_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: a QR code (and the secret to type in), confirmed with a code; the
    recovery codes are shown once. Already set up: the status, and new recovery codes on request."""
    user = _signed_in_user(request)
    device = confirmed_device(user)
    if device is not None:
        if not session_is_verified(request):
            return redirect(f"{reverse('accounts:two-factor-verify')}?{urlencode({'next': _next_url(request)})}")
        return _two_factor_status(request, user)
    device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        device = two_factor_enrolment_start(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        if codes is not None:
            two_factor_session_verify(request)
            request_security_event(request, "auth.two_factor.enrol")
            return _show_codes_once(request, codes, enrolled=True)
        request_security_event(request, "auth.two_factor.failure", step="enrol")
        form.add_error(
            "code", _("The code is not correct. Check the time on your phone and type the code your app shows now.")
        )
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(qr_code_svg(device)),  # noqa: S308  # nosec B308 B703  # segno draws it from our URI
        "secret": " ".join(device.secret[index : index + 4] for index in range(0, len(device.secret), 4)),
        "is_required": two_factor_is_required(user),
        "demo_code": demo_code_for(user),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


def _two_factor_status(request: HttpRequest, user: User) -> HttpResponse:
    """Two-factor log-in is on; a valid code gives a new set of recovery codes."""
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_check(user=user, code=form.cleaned_data["code"]) == "totp":
            codes = recovery_codes_replace(user=user)
            request_security_event(request, "auth.recovery_code.replace")
            return _show_codes_once(request, codes, enrolled=False)
        request_security_event(request, "auth.two_factor.failure", step="recovery_codes")
        form.add_error("code", _("The code is not correct or was used already. Type the code your app shows now."))
    context = {"form": form, "codes_left": recovery_codes_left(user)}
    return render(request, "accounts/two_factor_status.html", context)


RECOVERY_CODES_SESSION_KEY = "foster_recovery_codes_to_show"


def _show_codes_once(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    """Keep the new codes in the session for the one page that shows them (reloading it or going back
    does not send the code again)."""
    request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": _next_url(request), "enrolled": enrolled}
    return redirect("accounts:two-factor-codes")


@login_required
@require_GET
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: they leave the session as the page is drawn."""
    shown = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not shown:
        return redirect("accounts:two-factor-enrol")
    return render(request, "accounts/two_factor_codes.html", shown)


class FosterPasswordChangeView(PasswordChangeView):
    """Change one's password (the old one first); every other session of the account ends."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        request_security_event(self.request, "auth.password_change")
        messages.success(self.request, _("Your password has been changed. Other sessions of your account have ended."))
        return response


def signup(request: HttpRequest) -> HttpResponse:
    """Create a public account and log in; next step is registering a company."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_signup(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("registry:company-register")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account, agencies and companies."""
    user = request.user
    if not isinstance(user, User):  # login_required has already sent anonymous visitors to the log-in page
        raise PermissionDenied
    context = {
        "agencies": agencies_of(user),
        "companies": company_queryset_for(user).filter(memberships__user=user),
    }
    return render(request, "accounts/profile.html", context)
