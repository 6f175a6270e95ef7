"""How django-axes names an account and answers a locked-out client."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import normalize_email
from core.net import client_address


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
    seconds = _seconds_left(request, credentials)
    retry_after = str(seconds)
    wait = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    detail = (
        "Too many failed logins for this account from this address. "
        f"Try again in {wait}, or reset your password."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail, "code": "locked_out"}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"detail": detail}, status=429)
    response["Retry-After"] = retry_after
    return response


def _seconds_left(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """The time this pair stays locked: from its last recorded failure, not a fresh cool-off."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    username = username_from(request, credentials)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_address(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return math.ceil(cool_off.total_seconds())
    left = (last + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left))
