from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from foster.accounts.forms import EmailAuthenticationForm, SignupForm
from foster.accounts.models import User
from foster.accounts.selectors import agencies_of
from foster.accounts.services import user_signup
from foster.registry.selectors import company_queryset_for


class FosterLoginView(LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class FosterLogoutView(LogoutView):
    pass


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
