"""Token authentication against hashed tokens (``Authorization: Token <key>``)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.models import ApiToken


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(key), expires_at__gt=timezone.now())
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is deactivated.")
        return token.user, token
