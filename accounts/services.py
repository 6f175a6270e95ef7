"""Account services: logging in, API tokens, invitations and deactivation.

Each state change of an account goes through one function here; views, the API and the admin
only parse input and call them.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.authentication import token_digest
from accounts.errors import InvalidCredentials, InvitationUnusable, LockedOut
from accounts.models import ApiToken, Invitation, User, normalize_email
from accounts.otp import device_stamp, password_stamp
from accounts.selectors import ALREADY_USED, invitation_from_token, invitation_token
from core.errors import Conflict
from core.net import client_address
from notifications.kinds import Kind
from notifications.services import Notice, notify

logger = logging.getLogger("baton.accounts")

WRONG_CREDENTIALS = "The email address or the password is not right."
LOCKED_OUT = "Too many failed logins for this account from this address. Try again later."


# --- Logging in -----------------------------------------------------------------------------------


def login_with_password(request: HttpRequest, *, email: str, password: str) -> User:
    """The user with these credentials, or ``InvalidCredentials`` / ``LockedOut``.

    1. A locked (account, client address) pair is refused before the password is checked, so a
       locked pair costs no hashing and its cool-off runs from its fifth failure.
    2. ``authenticate`` gets Django's ``HttpRequest``: django-axes records a failure against it,
       and its backend refuses a locked pair even if two attempts race past step 1.
    3. A success clears the pair's failures (the API logs in without ``login()``, whose signal
       would otherwise do it).
    """
    username = normalize_email(email)
    credentials = {"username": username}
    if getattr(settings, "AXES_ENABLED", True) and not AxesProxyHandler.is_allowed(
        request, credentials
    ):
        raise LockedOut(LOCKED_OUT)
    user = authenticate(request, username=username, password=password)
    if user is None:
        # The failure that reaches the limit is still answered as a failure (docs/api.md: "after 5
        # failures ... that pair gets 429"); axes flagged it for its middleware, which would
        # replace our answer with the lockout page. The pair stays locked in the database.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise InvalidCredentials(WRONG_CREDENTIALS)
    AccessAttempt.objects.filter(username=username, ip_address=client_address(request)).delete()
    return cast(User, user)


def clear_login_failures(*, email: str) -> int:
    """Unlock an account from every address: its owner just proved they hold the mailbox."""
    deleted, _ = AccessAttempt.objects.filter(username=normalize_email(email)).delete()
    return deleted


def issue_token(user: User) -> str:
    """Create an API token and return its key. Only the digest is stored: this is the one copy.

    The token records the password and second factors it was issued under (``accounts.otp``).
    """
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.create(
        user=user,
        digest=token_digest(key),
        created_at=now,
        expires_at=now + settings.API_TOKEN_TTL,
        password_stamp=password_stamp(user),
        device_stamp=device_stamp(user),
    )
    return key


# --- Invitations ----------------------------------------------------------------------------------

# Which page an invitation link opens, by purpose (URL names). Apps above accounts register
# their own landing page (the patient portal registers "patient"); others use the generic one.
_INVITATION_PAGES: dict[str, str] = {}
DEFAULT_INVITATION_PAGE = "accounts:invitation_accept"


def register_invitation_page(purpose: str, url_name: str) -> None:
    _INVITATION_PAGES[purpose] = url_name


def invitation_link(invitation: Invitation) -> str:
    page = _INVITATION_PAGES.get(invitation.purpose, DEFAULT_INVITATION_PAGE)
    return reverse(page, args=[invitation_token(invitation)])


def invite_user(
    *, email: str, name: str, purpose: str, invited_by: User | None
) -> tuple[User, Invitation]:
    """Make (or reuse) a not-yet-usable account and email it a single-use link to set a password.

    The user is active with an unusable password: notifications reach them, logins do not until
    they accept. Earlier open invitations are revoked, so only the newest link works.
    """
    email = normalize_email(email)
    validate_email(email)
    purpose = Invitation.Purpose(purpose)
    now = timezone.now()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            email=email, defaults={"name": name.strip(), "password": make_password(None)}
        )
        # Serialises two invitations of one person, so exactly one link stays open.
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_invitable(user)
        _revoke_open_invitations(user, now)
        invitation = Invitation.objects.create(
            user=user,
            purpose=purpose,
            created_by=invited_by,
            created_at=now,
            expires_at=now + settings.INVITATION_TTL,
        )
        notify([_invitation_notice(invitation, invited_by)], now=now)
    logger.info("invitation %s sent to user %s by %s", invitation.pk, user.pk, _who(invited_by))
    return user, invitation


def _check_invitable(user: User) -> None:
    if user.has_usable_password():
        raise Conflict(f"{user.email} already has a Baton account.", code="account_exists")
    if not user.is_active:
        raise Conflict(
            f"The account of {user.email} is deactivated; an operator must reactivate it.",
            code="account_deactivated",
        )


def _invitation_notice(invitation: Invitation, invited_by: User | None) -> Notice:
    expires = f"{invitation.expires_at:%d %B %Y}"
    if invitation.purpose == Invitation.Purpose.PATIENT:
        body = (
            "Your clinic invited you to Baton's patient portal, where you will see your "
            "exercise plan. Open the link to choose a password."
        )
    else:
        inviter = invited_by.name if invited_by and invited_by.name else "A colleague"
        body = f"{inviter} invited you to Baton. Open the link to choose a password."
    return Notice(
        recipient=invitation.user,
        kind=Kind.INVITATION,
        title="You're invited to Baton",
        body=f"{body} The link works once and expires on {expires}.",
        link=invitation_link(invitation),
    )


def accept_invitation(token: str, *, password: str, name: str | None = None) -> User:
    """Set the invited user's password and close the invitation. A link works once.

    Raises ``InvitationUnusable`` for a bad, expired, revoked or used link and Django's
    ``ValidationError`` for a password the validators refuse (the link stays usable then).
    """
    invitation = invitation_from_token(token)
    user = invitation.user
    if name and name.strip():
        user.name = name.strip()
    password_validation.validate_password(password, user)
    now = timezone.now()
    with transaction.atomic():
        # Two accepts of one link may both pass the checks above; only one UPDATE can still
        # find the row open, and the loser changes nothing.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            raise InvitationUnusable(ALREADY_USED, code="invitation_used")
        user.set_password(password)
        user.save(update_fields=["password", "name"])
        _revoke_open_invitations(user, now)
    logger.info("invitation %s accepted by user %s", invitation.pk, user.pk)
    return user


def revoke_invitation(invitation: Invitation, *, by: User | None) -> None:
    """Withdraw an open invitation. Revoking a revoked one changes nothing; a used one is 409."""
    revoked = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation.refresh_from_db(fields=["used_at", "revoked_at"])
    if not revoked and invitation.used_at is not None:
        raise Conflict("This invitation was already accepted.", code="invitation_used")
    if revoked:
        logger.info("invitation %s revoked by %s", invitation.pk, _who(by))


def _revoke_open_invitations(user: User, now: datetime) -> int:
    return Invitation.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)


# --- Deactivation ---------------------------------------------------------------------------------


def revoke_tokens(user: User) -> int:
    """End every API token of the user (a new password must shut out whoever had the old)."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def deactivate_user(user: User, *, by: User | None) -> None:
    """Shut an account out at once: no login, no session, no API token, no open invitation."""
    if by is not None and by.pk == user.pk:
        raise Conflict("You cannot deactivate your own account.", code="cannot_deactivate_self")
    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        ApiToken.objects.filter(user=user).delete()
        _revoke_open_invitations(user, now)
        ended = end_sessions(user)
    logger.info("user %s deactivated by %s; %d sessions ended", user.pk, _who(by), ended)


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete the user's database sessions, except the one with session key ``keep``.

    Sessions are not indexed by user, so this decodes every unexpired one. That is bounded by
    the logins of the last ``SESSION_ABSOLUTE_TIMEOUT`` (12 h), small for this site, and keeps
    the schema free of a second record that could drift from the session table. A session
    written while this runs is still harmless: ``ModelBackend.get_user`` refuses an inactive
    user on every request.
    """
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_id and session.session_key != keep
    ]
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted


def _who(user: User | None) -> str:
    return f"user {user.pk}" if user is not None else "the system"
