"""The notify layer: what the domain apps call to tell people things.

``notify`` writes the in-app ``Notification`` rows and their pending email ``Delivery`` rows in the
caller's transaction, and hands the deliveries to Celery only after that transaction commits.
Reminders are rows with a due time; the sweep fires them through handlers the domain apps
register, which look again at the world and may decide the reminder is stale.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from notifications.models import Delivery, Notification, Preference, Reminder

logger = logging.getLogger("baton.notifications")


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person. ``title`` is used as the email subject: keep it neutral."""

    recipient: object  # accounts.User; typed loosely because this app imports no domain app
    kind: str
    title: str
    body: str = ""
    link: str = ""
    urgent: bool = False
    requires_ack: bool = False
    subject_type: str = ""
    subject_id: int | None = None


# --- Preferences ------------------------------------------------------------------------------

DEFAULT_PREFERENCE = Preference(time_zone="UTC", nudge_hour=18, email={})


def preference_for(user) -> Preference:  # type: ignore[no-untyped-def]
    """The user's preferences, or the defaults (UTC, no quiet hours, every email on)."""
    pref = Preference.objects.filter(user=user).first()
    return pref or Preference(user=user, time_zone="UTC", nudge_hour=18, email={})


def ensure_preference(
    user,  # type: ignore[no-untyped-def]
    *,
    time_zone: str,
    quiet_hours: tuple[datetime.time, datetime.time] | None = None,
) -> Preference:
    """Create the user's preferences with these defaults unless they already chose their own."""
    quiet_start, quiet_end = quiet_hours or (None, None)
    pref, _ = Preference.objects.get_or_create(
        user=user,
        defaults={"time_zone": time_zone, "quiet_start": quiet_start, "quiet_end": quiet_end},
    )
    return pref


def next_send_time(pref: Preference, now: datetime.datetime, *, urgent: bool) -> datetime.datetime:
    """Now, or the end of the recipient's quiet hours. Urgent notices ignore quiet hours."""
    if urgent or not pref.in_quiet_hours(now):
        return now
    assert pref.quiet_end is not None  # in_quiet_hours implies both ends are set
    local = now.astimezone(pref.zone)
    end = datetime.datetime.combine(local.date(), pref.quiet_end, tzinfo=pref.zone)
    if end <= local:
        end += datetime.timedelta(days=1)
    return end.astimezone(datetime.UTC)


# --- Notifying ----------------------------------------------------------------------------------


def notify(notices: Iterable[Notice], *, now: datetime.datetime | None = None) -> list[Notification]:
    """Write notifications and their email deliveries; publish the due ones after commit.

    Must run inside the transaction of the state change that causes it, so that the change and
    what it tells people are saved together or not at all.
    """
    notices = list(notices)
    if not notices:
        return []
    now = now or timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=n.recipient,
                kind=n.kind,
                urgent=n.urgent,
                requires_ack=n.requires_ack,
                title=n.title[:200],
                body=n.body[:2000],
                link=n.link,
                subject_type=n.subject_type,
                subject_id=n.subject_id,
                created_at=now,
            )
            for n in notices
        ]
    )
    deliveries = _email_deliveries(notifications, now)
    Delivery.objects.bulk_create(deliveries)
    enqueue_on_commit([d.pk for d in deliveries if d.enqueued_at is not None])
    return notifications


def _email_deliveries(notifications: Sequence[Notification], now: datetime.datetime) -> list[Delivery]:
    recipient_ids = {n.recipient_id for n in notifications}
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=recipient_ids)}
    deliveries = []
    for notification in notifications:
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            continue
        pref = prefs.get(recipient.pk, DEFAULT_PREFERENCE)
        if not pref.wants_email(notification.kind) and not notification.urgent:
            continue
        due = next_send_time(pref, now, urgent=notification.urgent)
        deliveries.append(
            Delivery(
                notification=notification,
                channel=Delivery.Channel.EMAIL,
                next_attempt_at=due,
                # Deferred deliveries (quiet hours) are published by the sweep when due.
                enqueued_at=now if due <= now else None,
                idempotency_key=f"notification:{notification.pk}:email",
                created_at=now,
            )
        )
    return deliveries


def enqueue_on_commit(delivery_ids: Sequence[int]) -> None:
    """Publish delivery tasks once the current transaction commits.

    ``robust=True``: a broker outage is logged, never raised into the request that saved the
    change. The rows are already pending, so the sweep publishes them later.
    """
    if delivery_ids:
        ids = list(delivery_ids)
        transaction.on_commit(lambda: publish_deliveries(ids), robust=True)


def publish_deliveries(delivery_ids: Sequence[int]) -> int:
    """Hand delivery ids to the broker, once each, without retrying. Returns how many went."""
    from notifications.tasks import deliver_notification_task

    published = 0
    for delivery_id in delivery_ids:
        try:
            deliver_notification_task.apply_async(args=[delivery_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure: leave it to the sweep
            logger.warning(
                "broker unavailable, %d deliveries left for the sweep: %s",
                len(delivery_ids) - published,
                exc,
            )
            break
        published += 1
    return published


# --- Reading and acknowledging --------------------------------------------------------------------


def mark_read(notification: Notification, *, by, now: datetime.datetime | None = None) -> Notification:  # type: ignore[no-untyped-def]
    if notification.recipient_id != by.pk:
        raise PermissionError("Only the recipient can mark a notification read.")
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def acknowledge(notification: Notification, *, by, now: datetime.datetime | None = None) -> Notification:  # type: ignore[no-untyped-def]
    """The recipient has seen an urgent notice and is dealing with it: stop escalating it."""
    if notification.recipient_id != by.pk:
        raise PermissionError("Only the recipient can acknowledge a notification.")
    now = now or timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        cancel_reminders(
            subject_type="notification", subject_id=notification.pk, reason="acknowledged"
        )
    notification.refresh_from_db()
    return notification


def acknowledge_subject(
    *, recipient, subject_type: str, subject_id: int, now: datetime.datetime | None = None  # type: ignore[no-untyped-def]
) -> int:
    """Acknowledge every urgent notice a recipient has about one subject (e.g. a handoff)."""
    pending = Notification.objects.filter(
        recipient=recipient,
        subject_type=subject_type,
        subject_id=subject_id,
        requires_ack=True,
        acknowledged_at__isnull=True,
    )
    count = 0
    for notification in pending:
        acknowledge(notification, by=recipient, now=now)
        count += 1
    return count


# --- Reminders ------------------------------------------------------------------------------------

ReminderHandler = Callable[[Reminder], "Notice | None"]
_reminder_handlers: dict[str, ReminderHandler] = {}
SweepStep = Callable[[], int]
_sweep_steps: dict[str, SweepStep] = {}


def register_reminder_handler(kind: str, handler: ReminderHandler) -> None:
    """Domain apps say how to turn a due reminder into a notice, or ``None`` if it is stale."""
    _reminder_handlers[kind] = handler


def reminder_handler(kind: str) -> ReminderHandler | None:
    return _reminder_handlers.get(kind)


def register_sweep_step(name: str, step: SweepStep) -> None:
    """Domain apps add time-driven work to the sweep; a step returns how much it did."""
    _sweep_steps[name] = step


def sweep_steps() -> dict[str, SweepStep]:
    return dict(_sweep_steps)


def schedule_reminder(
    *,
    kind: str,
    recipient,  # type: ignore[no-untyped-def]
    due_at: datetime.datetime,
    subject_type: str,
    subject_id: int,
    key: str,
) -> Reminder:
    """Schedule a reminder once: the same ``key`` never makes a second row."""
    reminder, _ = Reminder.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "recipient": recipient,
            "due_at": due_at,
            "subject_type": subject_type,
            "subject_id": subject_id,
        },
    )
    return reminder


def cancel_reminders(
    *,
    subject_type: str,
    subject_id: int,
    reason: str,
    kinds: Iterable[str] | None = None,
    recipient=None,  # type: ignore[no-untyped-def]
) -> int:
    """Cancel pending reminders about a subject that are no longer needed. Returns how many."""
    pending = Reminder.objects.filter(
        subject_type=subject_type, subject_id=subject_id, status=Reminder.Status.PENDING
    )
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    if recipient is not None:
        pending = pending.filter(recipient=recipient)
    return pending.update(status=Reminder.Status.CANCELLED, cancelled_reason=reason[:200])
