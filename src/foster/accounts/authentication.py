"""API authentication: session (with both factors) or a token, but never a token for an account
that must log in with two factors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from foster.accounts.two_factor import two_factor_is_needed


class SingleFactorTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refused for users who need a second factor.

    A token is a single secret that never expires; for ministry planners, agency officials, staff
    and everyone who turned two-factor log-in on, it would skip the second factor. They use the API
    through their logged-in session (the browser, or a client that logs in both steps). Tokens stay
    for company members', reviewers' and the public's integrations; staff issue them in the admin.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if two_factor_is_needed(user):
            raise AuthenticationFailed(
                _("This account logs in with two factors; API tokens are refused for it. Use a logged-in session.")
            )
        return user, token
