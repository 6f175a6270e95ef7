"""No account oracle: an invitation to an address that already has a login answers as for any
other address, and the account holder is told by email instead of the inviter being told.

Only the mailbox's owner learns that someone tried; the inviter's answer, and what they see
of the patient afterwards, are the same whether or not the address had a login.
"""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.kinds import Kind
from notifications.services import Notice, notify

logger = logging.getLogger("baton.accounts")


def tell_existing_account_holder(user: User, *, invited_by: User | None, where: str) -> None:
    """Email the holder of ``user`` that ``where`` tried to invite their address (in the
    caller's transaction; the email goes out after commit). A deactivated login is not told."""
    if not user.is_active:
        logger.info("invitation to deactivated user %s answered without a notice", user.pk)
        return
    inviter = invited_by.name if invited_by is not None and invited_by.name else "Someone"
    notify(
        [
            Notice(
                recipient=user,
                kind=Kind.INVITATION,
                title="Someone tried to invite you to Baton",
                body=(
                    f"{inviter} at {where} tried to invite this email address to Baton. It "
                    "already has a Baton login, so nothing changed. If you expected this, ask "
                    "them to use another address or to contact Baton's support; if not, you "
                    "can ignore this email."
                ),
                link=reverse("accounts:login"),
            )
        ],
        now=timezone.now(),
    )
    logger.info("invitation to existing user %s answered as usual; holder told", user.pk)
