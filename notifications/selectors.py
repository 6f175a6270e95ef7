"""Reads of notifications, scoped to who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Delivery, Notification


def failed_delivery_count() -> int:
    return Delivery.objects.filter(status=Delivery.Status.FAILED).count()


def notifications_visible_to(user) -> QuerySet[Notification]:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(recipient=user)
