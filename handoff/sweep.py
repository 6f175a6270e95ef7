"""The handoff's time-driven work, run by the notifications sweep every minute.

Each step returns how much it did and is safe to run twice at once: the services lock the row
and re-check the state, so a handoff that another sweep already moved is skipped.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from core.errors import Conflict
from handoff.models import Consent, Handoff
from handoff.services import expire_consent, expire_handoff

logger = logging.getLogger("baton.handoff")


def expire_overdue_handoffs(now: datetime.datetime | None = None) -> int:
    """Sent handoffs nobody answered by ``respond_by`` expire."""
    now = now or timezone.now()
    due = Handoff.objects.filter(status=Handoff.Status.SENT, respond_by__lte=now).order_by(
        "respond_by"
    )
    expired = 0
    for handoff in due[: settings.SWEEP_BATCH_SIZE]:
        try:
            expire_handoff(handoff, now=now)
        except Conflict:
            continue  # answered or expired by someone else meanwhile
        expired += 1
    return expired


def revoke_expired_consents(now: datetime.datetime | None = None) -> int:
    """Consents past their expiry date count as revoked; what they alone covered closes."""
    now = now or timezone.now()
    # Clinic dates run up to 14 hours ahead of UTC: look one day further, then let each consent
    # decide in its own clinic's time zone (expire_consent re-checks under a lock).
    horizon = timezone.localdate(now) + datetime.timedelta(days=1)
    candidates = Consent.objects.filter(revoked_at__isnull=True, expires_on__lt=horizon).order_by(
        "expires_on", "pk"
    )
    closed = 0
    for consent in candidates[: settings.SWEEP_BATCH_SIZE]:
        closed += len(expire_consent(consent, now=now))
    return closed
