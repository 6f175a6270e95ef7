from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def active(self) -> PartnershipQuerySet:
        return self.filter(status=Partnership.Status.ACTIVE)


class Partnership(models.Model):
    """A clinic and a gym that agreed to work together. Handoffs go only across active ones."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"

    class Side(models.TextChoices):
        CLINIC = "clinic", "Clinic"
        GYM = "gym", "Gym"

    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="partnerships"
    )
    gym = models.ForeignKey("gyms.Gym", on_delete=models.CASCADE, related_name="partnerships")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by_side = models.CharField(max_length=8, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["clinic", "gym"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "gym"], name="partnership_unique_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.clinic} ↔ {self.gym} ({self.get_status_display()})"
