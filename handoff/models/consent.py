from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

if TYPE_CHECKING:
    from handoff.models.handoff import Handoff

# What a valid authorization to disclose health information must state (design §5).
REQUIRED_ELEMENTS = (
    "information",
    "discloser",
    "recipient",
    "purpose",
    "expires_on",
    "signature",
    "signed_on",
    "right_to_revoke",
    "no_conditioning",
    "redisclosure",
)


class ConsentQuerySet(models.QuerySet["Consent"]):
    """The one definition of "this consent covers this handoff": same patient and gym, and
    either every trainer there or this one. ``patient``, ``gym`` and ``trainer`` may be ids or
    ``OuterRef`` expressions (for a subquery per handoff)."""

    def covering(self, *, patient: Any, gym: Any, trainer: Any) -> ConsentQuerySet:
        return self.filter(patient_id=patient, gym_id=gym).filter(
            Q(trainer__isnull=True) | Q(trainer_id=trainer)
        )

    def covering_handoff(self, handoff: Handoff) -> ConsentQuerySet:
        return self.covering(
            patient=handoff.patient_id, gym=handoff.gym_id, trainer=handoff.trainer_id
        )

    def unrevoked(self) -> ConsentQuerySet:
        return self.filter(revoked_at__isnull=True)

    def active_on(self, day: datetime.date) -> ConsentQuerySet:
        return self.unrevoked().filter(expires_on__gte=day)


class Consent(models.Model):
    """The patient's authorization to share their packet with one gym (optionally one trainer).

    An expired consent counts as revoked. Handoffs to the gym use the consent that covers them.
    """

    class Method(models.TextChoices):
        PORTAL = "portal", "Signed by the patient in the portal"
        RECORDED = "recorded", "Recorded by the therapist from a signed paper form"

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="consents"
    )
    gym = models.ForeignKey("gyms.Gym", on_delete=models.PROTECT, related_name="consents")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty to cover every trainer at the gym.",
    )
    method = models.CharField(max_length=16, choices=Method.choices)
    signed_on = models.DateField()
    granted_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=1000)
    scope = models.TextField(max_length=2000)
    authorization_text = models.TextField(max_length=8000)
    elements = models.JSONField()
    expires_on = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_note = models.CharField(max_length=500, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(authorization_text="") & ~Q(purpose="") & ~Q(scope=""),
                name="consent_has_text_purpose_scope",
            ),
            models.CheckConstraint(
                condition=Q(elements__has_keys=list(REQUIRED_ELEMENTS)),
                name="consent_has_required_elements",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("signed_on")), name="consent_expires_after_signing"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "gym"]),
            # The sweep's revoke_expired_consents: unrevoked consents by expiry date.
            models.Index(
                fields=["expires_on"],
                condition=Q(revoked_at__isnull=True),
                name="consent_unrevoked_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.patient} for {self.gym}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.expires_on >= day

    def covers(self, handoff: Handoff) -> bool:
        """``ConsentQuerySet.covering`` for a consent already in memory."""
        return (
            self.patient_id == handoff.patient_id
            and self.gym_id == handoff.gym_id
            and self.trainer_id in (None, handoff.trainer_id)
        )
