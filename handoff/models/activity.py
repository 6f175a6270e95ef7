"""What happens during a handoff: messages, session logs, check-ins, reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Message(models.Model):
    handoff = models.ForeignKey(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=4000)
    # Staff messages are between therapist and trainer unless marked for the patient too.
    to_patient = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Message {self.pk} on handoff {self.handoff_id}"


class SessionLog(models.Model):
    """A training session as the patient logged it."""

    handoff = models.ForeignKey(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="session_logs"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField()
    completed = models.BooleanField()
    pain = models.PositiveSmallIntegerField()
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pain__lte=10), name="session_log_pain_0_10"),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=1, difficulty__lte=10),
                name="session_log_difficulty_1_10",
            ),
        ]
        indexes = [models.Index(fields=["handoff", "-date"])]

    def __str__(self) -> str:
        return f"Session {self.date} on handoff {self.handoff_id}"


class CheckIn(models.Model):
    """The trainer's progress report (the FHIR Task's progress note)."""

    handoff = models.ForeignKey(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="check_ins"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    sessions_attended = models.PositiveSmallIntegerField()
    progress = models.TextField(max_length=2000)
    symptoms = models.JSONField(default=list, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Check-in {self.date} on handoff {self.handoff_id}"


class FinalReport(models.Model):
    """The trainer's report when the handoff completes (the FHIR DiagnosticReport)."""

    handoff = models.OneToOneField(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="final_report"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sessions_attended = models.PositiveSmallIntegerField()
    progress = models.TextField(max_length=4000)
    symptoms = models.JSONField(default=list, blank=True)
    note = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Final report on handoff {self.handoff_id}"


class RedFlagReport(models.Model):
    """Why a handoff was stopped: a red flag, pain above the ceiling, or a refer-back."""

    handoff = models.ForeignKey(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="red_flag_reports"
    )
    session_log = models.ForeignKey(
        SessionLog, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Null when the system raised it from a session log.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    symptoms = models.JSONField(default=list, blank=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    above_pain_ceiling = models.BooleanField(default=False)
    # One of the always-escalate symptoms: the patient was told to seek urgent care.
    urgent_care = models.BooleanField(default=False)
    reason = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Red flag on handoff {self.handoff_id}"
