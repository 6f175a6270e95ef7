"""Pages for one's own credentials: the list of API tokens, and changing the password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.credentials import change_password, revoke_token, tokens_of
from accounts.models import User


class RevokeTokenForm(forms.Form):
    token = forms.IntegerField(min_value=1, max_value=2**63 - 1)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required
    return request.user


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/tokens.html", {"tokens": tokens_of(_user(request))})


@require_POST
@csrf_protect
@login_required
def token_revoke(request: HttpRequest) -> HttpResponse:
    form = RevokeTokenForm(request.POST)
    if form.is_valid() and revoke_token(user=_user(request), token_id=form.cleaned_data["token"]):
        messages.success(request, "The token is revoked: it no longer works.")
    else:
        messages.error(request, "No such token of yours: nothing was revoked.")
    return redirect("accounts:tokens")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(
                user,
                new_password=form.cleaned_data["new_password1"],
                keep_session=request.session.session_key,
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(
                request, "Your password is changed. Your other sessions and API tokens ended."
            )
            return redirect("accounts:two_factor_settings")
    return render(request, "accounts/password_change.html", {"form": form})
