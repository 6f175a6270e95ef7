"""In-app notifications, their email deliveries, reminders and preferences.

Knows nothing of handoffs: a notification points at its subject by a generic
(``subject_type``, ``subject_id``) reference; the domain apps decide what to say and when.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.validators import validate_time_zone
from notifications.kinds import Kind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    urgent = models.BooleanField(default=False)
    requires_ack = models.BooleanField(default=False)
    # The title goes into email subjects: it stays neutral, with no health details.
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    link = models.CharField(max_length=500, blank=True)
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            # The header's unread badge on every page (config.navigation.unread).
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class Delivery(models.Model):
    """One notification sent over one channel: the ledger that makes email at-least-once.

    The in-app channel needs no ledger: the ``Notification`` row is the in-app delivery.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not before this time (backoff after a failure, or the end of the recipient's quiet hours).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # While sending: no other worker may claim the row before this time.
    lease_until = models.DateTimeField(null=True, blank=True)
    # When a task for it was last handed to the broker; null until then.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(max_length=2000, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            ),
            models.Index(
                fields=["lease_until"],
                condition=models.Q(status="sending"),
                name="delivery_sending_lease",
            ),
            models.Index(
                fields=["status"], condition=models.Q(status="failed"), name="delivery_failed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} delivery {self.pk} ({self.status})"


class Reminder(models.Model):
    """A notice due at a future time. Rows, not long ETA tasks: the sweep fires them."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject_type = models.CharField(max_length=50)
    subject_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    # Makes scheduling idempotent: the same trigger never schedules the same reminder twice.
    key = models.CharField(max_length=160, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    fired_at = models.DateTimeField(null=True, blank=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="reminder_pending_due",
            ),
            models.Index(fields=["subject_type", "subject_id", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} at {self.due_at:%Y-%m-%d %H:%M}"


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    nudge_hour = models.PositiveSmallIntegerField(default=18)
    # {kind: bool}; a kind missing here means email on.
    email = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nudge_hour__lte=23), name="preference_nudge_hour_0_23"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                    | models.Q(quiet_start__isnull=False, quiet_end__isnull=False)
                ),
                name="preference_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def wants_email(self, kind: str) -> bool:
        return bool(self.email.get(kind, True))

    def in_quiet_hours(self, moment: datetime.datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        local = moment.astimezone(self.zone).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end  # spans midnight


class Heartbeat(models.Model):
    """A sign of life from what moves the work: one row per Celery worker, one for the sweep.

    Workers write theirs every ``WORKER_HEARTBEAT_SECONDS`` while they are connected and
    consuming (``notifications.heartbeat``), and delete it on a clean shutdown; the sweep stamps
    its row at the end of every run. ``notifications.health`` reads them.
    """

    class Kind(models.TextChoices):
        WORKER = "worker", "Worker"
        SWEEP = "sweep", "Sweep"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The worker's node name (``w1@host``), or "sweep".
    name = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
