"""The notify layer: what the domain apps call to tell people things.

``notify`` writes the in-app ``Notification`` rows and their pending email ``Delivery`` rows in the
caller's transaction, and hands the deliveries to Celery only after that transaction commits.
Reminders are rows with a due time; the sweep fires them through handlers the domain apps
register, which look again at the world and may decide the reminder is stale.

What the domain apps register here (at start, from their ``AppConfig.ready``):

- ``register_reminder_handler(kind, fn)``: ``fn(reminder) -> Notice | None`` (``None``: stale);
- ``register_subject_loader(subject_type, fn)``: ``fn(ids) -> {id: subject}``, so that the sweep
  loads a batch's subjects in one query per type (``reminder.subject`` in the handlers);
- ``register_sweep_step(name, fn)``: ``fn() -> int``, time-driven work run by every sweep;
- ``register_delivery_failure_handler(fn)``: ``fn(delivery)``, called in the transaction that
  marks an email delivery ``failed`` for good, so the sender's side can be told.
"""

from __future__ import annotations

import datetime
import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.subjects import SubjectType
from notifications.models import Delivery, Notification, Preference, Reminder
from notifications.publishing import producer, publish_delivery

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("baton.notifications")


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person. ``title`` is used as the email subject: keep it neutral."""

    recipient: User
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


def preference_for(user: User) -> Preference:
    """The user's preferences, or the defaults (UTC, no quiet hours, every email on)."""
    pref = Preference.objects.filter(user=user).first()
    return pref or Preference(user=user, time_zone="UTC", nudge_hour=18, email={})


def ensure_preference(
    user: User,
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


class Keep(enum.Enum):
    """Leave this preference as it is (``None`` means "switch off")."""

    KEEP = "keep"


def update_preferences(
    user: User,
    *,
    time_zone: str | None = None,
    quiet_hours: tuple[datetime.time, datetime.time] | Keep | None = Keep.KEEP,
    nudge_hour: int | None = None,
    email: dict[str, bool] | None = None,
) -> Preference:
    """Change the given preferences; ``email`` is merged into the per-kind switches.

    ``quiet_hours=None`` switches quiet hours off; leaving it out keeps them. Values arrive
    validated (the API's serializer); the model's constraints are the last line of defence.
    """
    with transaction.atomic():
        pref, _ = Preference.objects.select_for_update().get_or_create(user=user)
        if time_zone is not None:
            pref.time_zone = time_zone
        if quiet_hours is None:
            pref.quiet_start = pref.quiet_end = None
        elif quiet_hours is not Keep.KEEP:
            pref.quiet_start, pref.quiet_end = quiet_hours
        if nudge_hour is not None:
            pref.nudge_hour = nudge_hour
        if email:
            pref.email = {**pref.email, **email}
        pref.full_clean(exclude=["user"])
        pref.save()
    return pref


def next_send_time(pref: Preference, now: datetime.datetime, *, urgent: bool) -> datetime.datetime:
    """Now, or the end of the recipient's quiet hours. Urgent notices ignore quiet hours."""
    if urgent or not pref.in_quiet_hours(now) or pref.quiet_end is None:
        return now
    local = now.astimezone(pref.zone)
    end = datetime.datetime.combine(local.date(), pref.quiet_end, tzinfo=pref.zone)
    if end <= local:
        end += datetime.timedelta(days=1)
    return end.astimezone(datetime.UTC)


# --- Notifying ----------------------------------------------------------------------------------


def notify(
    notices: Iterable[Notice], *, now: datetime.datetime | None = None
) -> list[Notification]:
    """Write notifications and their email deliveries; publish the due ones after commit.

    Must run inside the transaction of the state change that causes it, so that the change and
    what it tells people are saved together or not at all. Returns the notifications in the
    order of ``notices``.
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


def _email_deliveries(
    notifications: Sequence[Notification], now: datetime.datetime
) -> list[Delivery]:
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
    """Hand delivery ids to the broker, once each, without retrying. Returns how many went.

    One producer serves the whole run (taking one from the pool per task was half the sweep's
    time, issue 16).
    """
    if not delivery_ids:
        return 0
    published = 0
    try:
        with producer() as shared:
            for delivery_id in delivery_ids:
                publish_delivery(delivery_id, producer=shared)
                published += 1
    except Exception as exc:
        # Any broker failure. Not lost: the rows stay pending with enqueued_at set, and the
        # sweep publishes them again once DELIVERY_GRACE has passed.
        logger.warning(
            "broker unavailable, %d deliveries left for the sweep: %s: %s",
            len(delivery_ids) - published,
            type(exc).__name__,
            exc,
        )
    return published


# --- Failed deliveries ----------------------------------------------------------------------------

DeliveryFailureHandler = Callable[[Delivery], object]
_delivery_failure_handlers: list[DeliveryFailureHandler] = []


def register_delivery_failure_handler(handler: DeliveryFailureHandler) -> None:
    """Domain apps are told when an email failed for good, to tell the sender's side.

    ``handler(delivery)`` runs inside the transaction that marks the delivery ``failed`` (in a
    savepoint of its own), with ``delivery.notification`` and its recipient loaded; whatever it
    writes (e.g. a ``notify`` of kind ``delivery_failed``) commits together with the failure.
    It is never called for a failed notification of kind ``delivery_failed``, so failure
    notices cannot loop. Registering the same function twice has no effect.
    """
    if handler not in _delivery_failure_handlers:
        _delivery_failure_handlers.append(handler)


def delivery_failure_handlers() -> list[DeliveryFailureHandler]:
    return list(_delivery_failure_handlers)


def retry_failed_delivery(
    delivery: Delivery, *, by: User, now: datetime.datetime | None = None
) -> bool:
    """An operator sends a failed delivery again (admin action). False if it was not failed.

    The attempt count starts over, so the delivery gets the full retry budget again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            enqueued_at=now,
            lease_until=None,
            failed_at=None,
        )
        if changed:
            enqueue_on_commit([delivery.pk])
    if changed:
        logger.info("delivery %s: retry requested by user %s", delivery.pk, by.pk)
    return bool(changed)


# --- Reading and acknowledging --------------------------------------------------------------------


def mark_read(
    notification: Notification, *, by: User, now: datetime.datetime | None = None
) -> Notification:
    if notification.recipient_id != by.pk:
        raise PermissionError("Only the recipient can mark a notification read.")
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def acknowledge(
    notification: Notification, *, by: User, now: datetime.datetime | None = None
) -> Notification:
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
            subject_type=SubjectType.NOTIFICATION, subject_id=notification.pk, reason="acknowledged"
        )
    notification.refresh_from_db()
    return notification


def acknowledge_subject(
    *,
    recipient: User,
    subject_type: str,
    subject_id: int,
    now: datetime.datetime | None = None,
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


SubjectLoader = Callable[[list[int]], "dict[int, object]"]
_subject_loaders: dict[str, SubjectLoader] = {}


def register_subject_loader(subject_type: str, loader: SubjectLoader) -> None:
    """Domain apps say how to load many subjects of one type at once: ``loader(ids)`` returns
    ``{id: subject}`` in one query. The sweep loads a batch's subjects with it before asking
    the handlers, and hands each over as ``reminder.subject`` (``None``: it no longer exists).
    """
    _subject_loaders[subject_type] = loader


def load_subjects(reminders: Sequence[Reminder]) -> None:
    """Set ``reminder.subject`` on every reminder whose subject type has a loader: one query
    per type of subject. Reminders of other types are left without the attribute."""
    by_type: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        if reminder.subject_type in _subject_loaders:
            by_type.setdefault(reminder.subject_type, []).append(reminder)
    for subject_type, group in by_type.items():
        found = _subject_loaders[subject_type](list({r.subject_id for r in group}))
        for reminder in group:
            reminder.subject = found.get(reminder.subject_id)  # type: ignore[attr-defined]


def register_sweep_step(name: str, step: SweepStep) -> None:
    """Domain apps add time-driven work to the sweep; a step returns how much it did."""
    _sweep_steps[name] = step


def sweep_steps() -> dict[str, SweepStep]:
    return dict(_sweep_steps)


def schedule_reminder(
    *,
    kind: str,
    recipient: User,
    due_at: datetime.datetime,
    subject_type: str,
    subject_id: int,
    key: str,
) -> Reminder:
    """Schedule a reminder once: the same ``key`` never makes a second row.

    A reminder cancelled earlier under the same key is armed again for ``due_at`` (a patient
    who logs twice in a day moves the same nudge twice); one already sent is left alone.
    """
    reminder, created = Reminder.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "recipient": recipient,
            "due_at": due_at,
            "subject_type": subject_type,
            "subject_id": subject_id,
        },
    )
    if not created and reminder.status == Reminder.Status.CANCELLED:
        rearmed = {"status": Reminder.Status.PENDING, "due_at": due_at, "cancelled_reason": ""}
        if Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.CANCELLED).update(
            **rearmed
        ):
            for name, value in rearmed.items():
                setattr(reminder, name, value)
        else:  # changed meanwhile: report what it is now
            reminder.refresh_from_db()
    return reminder


def cancel_reminders(
    *,
    subject_type: str,
    subject_id: int,
    reason: str,
    kinds: Iterable[str] | None = None,
    recipient: User | None = None,
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
