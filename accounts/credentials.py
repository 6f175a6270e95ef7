"""Services for the credentials a user holds: their API tokens and their password."""

from __future__ import annotations

import logging

from django.contrib.auth import password_validation
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import ApiToken, User
from accounts.services import end_sessions

logger = logging.getLogger("baton.accounts")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (expired ones too, until they are swept)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def revoke_token(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; another user's token id changes nothing."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if deleted:
        logger.info("user %s revoked API token %s", user.pk, token_id)
    return bool(deleted)


def revoke_presented_token(token: ApiToken) -> None:
    """``DELETE auth/token/``: the token that made the request ends."""
    ApiToken.objects.filter(pk=token.pk).delete()
    logger.info("user %s revoked the API token %s it used", token.user_id, token.pk)


def change_password(user: User, *, new_password: str, keep_session: str | None) -> None:
    """Set a new password and end every other session and every API token of the user.

    ``keep_session`` is the session key of the browser that made the change, which stays
    logged in. Raises Django's ``ValidationError`` for a password the validators refuse.
    """
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens, _ = ApiToken.objects.filter(user=user).delete()
        sessions = end_sessions(user, keep=keep_session)
    logger.info(
        "user %s changed their password; %d other sessions and %d tokens ended",
        user.pk,
        sessions,
        tokens,
    )
