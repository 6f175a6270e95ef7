"""Small builders for notifications tests."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.services import Notice, notify

# What an in-app body may hold and an email must never carry.
HEALTH_DETAIL = "No overhead pressing: rotator cuff repair, pain ceiling 4/10."


def notice(recipient: Any, **overrides: Any) -> Notice:
    values: dict[str, Any] = {
        "recipient": recipient,
        "kind": Kind.HANDOFF_SENT,
        "title": "A new packet is waiting for you",
        "body": HEALTH_DETAIL,
        "link": "/handoffs/7/",
        "subject_type": "handoff",
        "subject_id": 7,
    }
    values.update(overrides)
    return Notice(**values)


def notify_one(recipient: Any, **overrides: Any) -> tuple[Notification, Delivery | None]:
    """Notify one person (committing, as a state change would) and return the rows."""
    with transaction.atomic():
        (notification,) = notify([notice(recipient, **overrides)])
    return notification, notification.deliveries.first()
