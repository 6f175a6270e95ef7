"""Two-factor pages: the login's second step, setting up an app, and the recovery codes.

The login's second step keeps only the user's id, the time and the password's session hash in
the session: nobody is logged in until the code is right, and a password changed meanwhile
voids the half-finished login.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts.middleware import start_session_clock
from accounts.models import User
from accounts.otp import (
    MAX_CODE_LENGTH,
    confirm_authenticator,
    has_two_factor,
    pending_authenticator,
    regenerate_recovery_codes,
    start_authenticator_setup,
    two_factor_required,
    verify_second_factor,
)
from accounts.services import end_sessions
from core.errors import DomainError

PENDING_KEY = "baton_2fa_pending"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=MAX_CODE_LENGTH + 4,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


def begin_second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After a right password, for a user with a second factor: ask for the code."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "at": time.time(),
        "hash": user.get_session_auth_hash(),
        "next": next_url,
    }
    return redirect("accounts:two_factor_verify")


def _pending_user(request: HttpRequest) -> tuple[User, str] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > settings.TWO_FACTOR_PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending["hash"]):
        return None
    return user, str(pending.get("next") or "")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Log in again: the sign-in took too long or was not started.")
        return redirect("accounts:login")
    user, next_url = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", "That code is not right, or was already used. Try again.")
        else:
            del request.session[PENDING_KEY]
            login(request, user, backend=_BACKEND)
            otp_login(request, device)
            start_session_clock(request)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code; a right code from the app turns two factors on."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    if has_two_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing a factor takes the current one first (the login asked for it).
        return redirect("accounts:login")
    device = pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = confirm_authenticator(user, device=device, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.detail)
        else:
            otp_login(request, device)
            end_sessions(user, keep=request.session.session_key)
            return _show_recovery_codes(request, codes)
    if device is None or request.method == "GET":
        device = start_authenticator_setup(user)
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret": _grouped(_base32(device.bin_key)),
        "required": two_factor_required(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    context = {"enabled": has_two_factor(user), "required": two_factor_required(user)}
    return render(request, "accounts/two_factor_settings.html", context)


@require_POST
@csrf_protect
@never_cache
@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (only from a session that gave a code)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    if not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:two_factor_settings")
    try:
        codes = regenerate_recovery_codes(user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("accounts:two_factor_settings")
    return _show_recovery_codes(request, codes)


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    context = {"codes": codes, "done": reverse("accounts:two_factor_settings")}
    return render(request, "accounts/two_factor_recovery_codes.html", context)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login form would skip the second factor: send operators to Baton's."""
    target = reverse("accounts:login")
    next_url = request.GET.get("next", "")
    if next_url:
        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
