"""When an email about a handoff fails for good, the sender's side is told (design §6)."""

from __future__ import annotations

from core.subjects import SubjectType
from handoff import notices
from handoff.models import Handoff
from notifications.models import Delivery
from notifications.services import notify


def tell_the_sender(delivery: Delivery) -> None:
    """Runs in the transaction that marks the delivery failed: the notice commits with it."""
    notification = delivery.notification
    if notification.subject_type != SubjectType.HANDOFF or notification.subject_id is None:
        return
    handoff = Handoff.objects.with_parties().filter(pk=notification.subject_id).first()
    if handoff is not None:
        notify(
            notices.delivery_failed(
                handoff, failed_recipient=notification.recipient, kind=notification.kind
            )
        )
