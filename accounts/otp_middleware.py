"""Keep a user whose role requires two factors to the setup page until they have one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import User
from accounts.otp import two_factor_required

# Paths a user without a required second factor may still open: setting one up, leaving.
_OPEN_PATHS = ("accounts:two_factor_setup", "accounts:logout", "accounts:login")


class TwoFactorMiddleware:
    """Sessions only: an API token is checked by ``TokenAuthentication`` itself.

    Baton's login asks for the code before it logs in a user who has a second factor, and
    setting one up ends the user's other sessions, so a session is verified whenever its user
    has a factor. What is left to catch is a user whose role requires two factors and who has
    none yet (kept to the setup page), and a session from before the requirement.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TWO_FACTOR_REQUIRED_ROLES:
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or user.is_verified():  # type: ignore[attr-defined]
            return None
        path = request.path
        if path.startswith(settings.STATIC_URL) or path in {reverse(n) for n in _OPEN_PATHS}:
            return None
        api = path.startswith("/api/")
        # The user row loaded for this request carries the stamp of its confirmed second
        # factors ("" for none): no device query on every request (accounts.signals).
        if user.two_factor_stamp:
            # A session that never gave the code (made before the factor existed): start over.
            logout(request)
            if api:
                detail = "Log in again with your code."
                return JsonResponse({"detail": detail, "code": "not_authenticated"}, status=401)
            return redirect("accounts:login")
        if not two_factor_required(user):
            return None
        detail = "Your role requires two-factor sign-in: set up an authenticator app first."
        if api:
            return JsonResponse({"detail": detail, "code": "two_factor_required"}, status=403)
        return redirect("accounts:two_factor_setup")
