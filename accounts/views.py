"""Account pages: log in, password reset and accepting an invitation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts.errors import InvalidCredentials, InvitationUnusable, LockedOut
from accounts.forms import AcceptInvitationForm, LoginForm
from accounts.lockout import lockout_response
from accounts.middleware import start_session_clock
from accounts.models import User, normalize_email
from accounts.otp import has_two_factor
from accounts.otp_views import begin_second_step
from accounts.selectors import invitation_from_token
from accounts.services import (
    accept_invitation,
    clear_login_failures,
    login_with_password,
    revoke_tokens,
)
from accounts.throttles import first_refusal, too_many_requests
from core.net import client_address


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_page(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_with_password(
                request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except LockedOut:
            return lockout_response(request, credentials={"username": form.cleaned_data["email"]})
        except InvalidCredentials as exc:
            form.add_error(None, exc.detail)
        else:
            if has_two_factor(user):
                return begin_second_step(request, user, _safe_next(request))
            login(request, user)  # rotates the session key: no session fixation
            start_session_clock(request)
            return redirect(_safe_next(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _safe_next(request: HttpRequest) -> str:
    """Where to go after login: ``next`` if it stays on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per address before anything else: eight requests no longer send eight emails.
        wait = first_refusal([("password_reset_address", client_address(request))])
        if wait is not None:
            return too_many_requests(request, wait, "password reset requests from this address")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Counted whether or not the address has an account, so the answer tells nobody which.
        email = normalize_email(form.cleaned_data["email"])
        wait = first_refusal([("password_reset_email", email)])
        if wait is not None:
            return too_many_requests(self.request, wait, "password reset emails to this address")
        # The link is built from SITE_URL, never from the request's Host header, so a forged
        # Host cannot make us mail someone a link to another site.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        # The locked-out page says "or reset your password": a reset proves the mailbox.
        clear_login_failures(email=form.user.email)
        # Django ends the other sessions itself (the session hash changes); tokens are ours.
        revoke_tokens(form.user)
        return response


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token)
    except InvitationUnusable as exc:
        return _invitation_gone(request, exc)
    if request.method == "POST":
        wait = first_refusal([("invitation_address", client_address(request))])
        if wait is not None:
            return too_many_requests(request, wait, "attempts from this address")
    form = AcceptInvitationForm(request.POST or None, initial={"name": invitation.user.name})
    if request.method == "POST" and form.is_valid():
        try:
            accept_invitation(
                token, password=form.cleaned_data["password1"], name=form.cleaned_data["name"]
            )
        except InvitationUnusable as exc:
            return _invitation_gone(request, exc)
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            messages.success(request, "Your password is set. Log in with your email address.")
            return redirect("accounts:login")
    context = {"form": form, "email": invitation.user.email}
    return render(request, "accounts/invitation_accept.html", context)


def _invitation_gone(request: HttpRequest, exc: InvitationUnusable) -> HttpResponse:
    context = {"detail": exc.detail, "code": exc.code}
    return render(request, "accounts/invitation_unusable.html", context, status=410)
