"""Reads of notifications, scoped to who is asking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """A user sees their own notifications and nobody else's, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def access_notification(user: User, notification_id: int) -> Notification:
    """The user's own notification, or 404: another user's id is indistinguishable from none."""
    return get_object_or_404(notifications_visible_to(user), pk=notification_id)
