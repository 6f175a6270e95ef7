"""Token authentication against hashed tokens (``Authorization: Token <key>``)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.models import ApiToken


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        from accounts import otp  # otp imports the models this module's importers need first

        # The user's role relations come with it: the role needs no query of its own.
        related = [f"user__{name}" for name in settings.USER_ROLE_RELATIONS]
        token = (
            ApiToken.objects.select_related("user", *related)
            .filter(digest=token_digest(key), expires_at__gt=timezone.now())
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("This account is deactivated.")
        # A token dies with the password or the second factor it was issued under.
        if token.password_stamp != otp.password_stamp(user):
            raise exceptions.AuthenticationFailed("The password changed: get a new token.")
        if token.device_stamp != user.two_factor_stamp:
            raise exceptions.AuthenticationFailed(
                "Two-factor sign-in changed for this account: get a new token."
            )
        if not token.device_stamp and otp.two_factor_required(user):
            raise exceptions.AuthenticationFailed(
                "This account must use two-factor sign-in: set it up, then get a new token."
            )
        return user, token
