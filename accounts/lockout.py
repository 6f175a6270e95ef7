"""How django-axes names an account and answers a locked-out client."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.models import normalize_email


def username_from(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account half of the lockout pair: the email, compared case-insensitively.

    Django's ``user_login_failed`` signal passes ``authenticate``'s keyword (``username``);
    axes's own backend passes the credentials keyed by ``AXES_USERNAME_FORM_FIELD``, which
    defaults to ``USERNAME_FIELD`` (``email``). Both must name the same account, or the backend
    would check a different pair from the one the failures were recorded against.
    """
    given = credentials or {}
    value = (
        given.get("username")
        or given.get("email")
        or request.POST.get("email")
        or request.POST.get("username")  # the admin's login form
    )
    return normalize_email(value) if isinstance(value, str) else None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    cool_off = get_cool_off(request)
    retry_after = str(math.ceil(cool_off.total_seconds())) if cool_off else "900"
    minutes = math.ceil(int(retry_after) / 60)
    detail = (
        "Too many failed logins for this account from this address. "
        f"Try again in {minutes} minutes, or reset your password."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail, "code": "locked_out"}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"detail": detail}, status=429)
    response["Retry-After"] = retry_after
    return response
