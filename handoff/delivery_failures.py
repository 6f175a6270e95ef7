"""When an email about a handoff fails for good, the sender's side is told (DESIGN §6)."""

from __future__ import annotations

from handoff import notices
from handoff.models import Handoff
from notifications.models import Delivery
from notifications.services import notify, register_delivery_failure_handler


def tell_the_sender(delivery: Delivery) -> None:
    """Runs in the transaction that marks the delivery failed: the notice commits with it."""
    notification = delivery.notification
    if notification.subject_type != "handoff" or notification.subject_id is None:
        return
    handoff = (
        Handoff.objects.select_related(
            "patient", "patient__user", "therapist", "trainer", "clinic", "gym"
        )
        .filter(pk=notification.subject_id)
        .first()
    )
    if handoff is not None:
        notify(
            notices.delivery_failed(
                handoff, failed_recipient=notification.recipient, kind=notification.kind
            )
        )


def register() -> None:
    register_delivery_failure_handler(tell_the_sender)
