"""Reads for accounts: which invitation a link stands for."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.utils import timezone

from accounts.errors import InvitationUnusable
from accounts.models import Invitation

INVITATION_SALT = "baton.invitation"

NOT_VALID = "This invitation link is not valid. Check that you copied the whole link."
ALREADY_USED = (
    "This invitation was already used. Log in with your email and password, "
    "or reset your password if you forgot it."
)
EXPIRED = "This invitation has expired. Ask the person who invited you to send a new one."
REVOKED = "This invitation was withdrawn. Ask the person who invited you to send a new one."


def invitation_token(invitation: Invitation) -> str:
    """The opaque, signed token that goes into the invitation link."""
    return signing.dumps(str(invitation.id), salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The usable invitation a link stands for, or ``InvitationUnusable`` saying why not.

    The signature proves we issued the link and bounds its age; the row decides whether it is
    still open (used, revoked, expired), because a signature alone cannot be taken back.
    """
    try:
        value = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_TTL)
        invitation = Invitation.objects.select_related("user").get(pk=uuid.UUID(str(value)))
    except signing.SignatureExpired as exc:
        raise InvitationUnusable(EXPIRED, code="invitation_expired") from exc
    except (signing.BadSignature, ValueError, Invitation.DoesNotExist) as exc:
        raise InvitationUnusable(NOT_VALID) from exc
    check_invitation_open(invitation)
    return invitation


def check_invitation_open(invitation: Invitation) -> None:
    if invitation.used_at is not None:
        raise InvitationUnusable(ALREADY_USED, code="invitation_used")
    if invitation.revoked_at is not None or not invitation.user.is_active:
        raise InvitationUnusable(REVOKED, code="invitation_revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(EXPIRED, code="invitation_expired")
