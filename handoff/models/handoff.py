from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class HandoffQuerySet(models.QuerySet["Handoff"]):
    def open(self) -> HandoffQuerySet:
        """Sent, accepted or referred back: what counts against a trainer's capacity."""
        return self.filter(status__in=Handoff.OPEN_STATUSES)

    def with_parties(self) -> HandoffQuerySet:
        """The people and organisations every service and page about a handoff reads."""
        return self.select_related(*Handoff.PARTIES)


class Handoff(models.Model):
    """One patient handed from one therapist to one trainer. Only services set ``status``."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REFERRED_BACK = "referred_back", "Referred back"
        COMPLETED = "completed", "Completed"
        REVOKED = "revoked", "Consent revoked"

    OPEN_STATUSES = (Status.SENT, Status.ACCEPTED, Status.REFERRED_BACK)
    PARTIES = ("patient", "patient__user", "clinic", "gym", "therapist", "trainer")
    TERMINAL_STATUSES = (
        Status.DECLINED,
        Status.EXPIRED,
        Status.WITHDRAWN,
        Status.COMPLETED,
        Status.REVOKED,
    )

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.PROTECT, related_name="handoffs"
    )
    # The patient's clinic, copied so that every scoped read filters on one indexed column.
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="handoffs")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handoffs_sent"
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handoffs_received"
    )
    # The trainer's gym when the handoff was addressed; consent and partnership are per gym.
    gym = models.ForeignKey("gyms.Gym", on_delete=models.PROTECT, related_name="handoffs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_version = models.PositiveIntegerField(null=True, blank=True)
    reassigned_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reassigned_to"
    )

    objects = HandoffQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A patient has at most one open handoff with a given trainer.
            models.UniqueConstraint(
                fields=["patient", "trainer"],
                condition=models.Q(status__in=["sent", "accepted", "referred_back"]),
                name="handoff_one_open_per_patient_trainer",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(sent_at__isnull=False),
                name="handoff_sent_has_sent_at",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "status"]),
            models.Index(fields=["trainer", "status"]),
            # The lists, newest first (handoffs_visible_to): a page is a short index scan
            # however long the clinic's or the trainer's history.
            models.Index(fields=["clinic", "-created_at", "-id"], name="handoff_clinic_newest"),
            models.Index(fields=["trainer", "-created_at", "-id"], name="handoff_trainer_newest"),
            models.Index(fields=["patient", "-created_at", "-id"], name="handoff_patient_newest"),
            models.Index(
                fields=["respond_by"],
                condition=models.Q(status="sent"),
                name="handoff_sent_respond_by",
            ),
        ]

    def __str__(self) -> str:
        return f"Handoff {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def link(self) -> str:
        return f"/handoffs/{self.pk}/"


class HandoffEvent(models.Model):
    """The handoff's timeline: every transition, consent change, version and acknowledgement."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Draft edited"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REFERRED_BACK = "referred_back", "Referred back"
        RED_FLAG = "red_flag", "Red flag reported"
        RESUMED = "resumed", "Resumed"
        COMPLETED = "completed", "Completed"
        REASSIGNED = "reassigned", "Reassigned"
        REVOKED = "revoked", "Closed: consent revoked"
        CONSENT_RECORDED = "consent_recorded", "Consent recorded"
        CONSENT_GRANTED = "consent_granted", "Consent granted"
        CONSENT_REVOKED = "consent_revoked", "Consent revoked"
        VERSION_CREATED = "version_created", "New packet version"
        VERSION_ACKNOWLEDGED = "version_acknowledged", "Version acknowledged"
        EXCEPTION_REQUESTED = "exception_requested", "Exception to a restriction requested"
        EXCEPTION_GRANTED = "exception_granted", "Exception to a restriction granted"
        EXCEPTION_REFUSED = "exception_refused", "Exception to a restriction refused"
        PLAN_SUSPENDED = "plan_suspended", "Plan items suspended by new restrictions"

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    # Null means the system (the sweep, or an automatic escalation).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Handoff.Status.choices)
    to_status = models.CharField(max_length=16, choices=Handoff.Status.choices)
    note = models.CharField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on handoff {self.handoff_id}"
