"""Gyms, their trainers and the trainers' certifications. Knows nothing of clinics."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.time import today_in
from core.validators import validate_time_zone


class Specialty(models.TextChoices):
    POST_REHAB = "post_rehab", "Post-rehab training"
    STRENGTH = "strength", "Strength"
    OLDER_ADULTS = "older_adults", "Older adults"
    SPORTS_PERFORMANCE = "sports_performance", "Sports performance"
    KNEE = "knee", "Knee"
    SHOULDER = "shoulder", "Shoulder"
    BACK = "back", "Back"
    RUNNING = "running", "Running"
    PRE_POSTNATAL = "pre_postnatal", "Pre- and postnatal"
    WEIGHT_MANAGEMENT = "weight_management", "Weight management"


class Gym(models.Model):
    name = models.CharField(max_length=200, unique=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    address = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def today(self) -> datetime.date:
        """Today's date at the gym: its dates (expiries, session logs, reviews) are local."""
        return today_in(self.time_zone)


class GymMembership(models.Model):
    """A staff member's place at a gym. A login belongs to at most one organisation."""

    class Role(models.TextChoices):
        TRAINER = "trainer", "Trainer"
        ADMIN = "admin", "Gym admin"

    gym = models.ForeignKey(Gym, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gym_membership"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    is_admin = models.BooleanField(
        default=False, help_text="Manages the gym's staff, settings and partnerships."
    )
    specialties = models.JSONField(default=list, blank=True)
    # How many open handoffs (sent, accepted or referred back) the trainer takes at once.
    capacity = models.PositiveSmallIntegerField(default=10)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["gym", "user__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="gym_membership_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="admin") | models.Q(is_admin=True),
                name="gym_admin_role_has_admin_rights",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.gym})"


class Certification(models.Model):
    class Body(models.TextChoices):
        NSCA_CPT = "NSCA-CPT", "NSCA Certified Personal Trainer"
        NSCA_CSCS = "NSCA-CSCS", "NSCA Certified Strength and Conditioning Specialist"
        ACE = "ACE", "ACE Certified Personal Trainer"
        NASM = "NASM", "NASM Certified Personal Trainer"
        ACSM = "ACSM", "ACSM Certified Personal Trainer"

    trainer = models.ForeignKey(
        GymMembership, on_delete=models.CASCADE, related_name="certifications"
    )
    body = models.CharField(max_length=16, choices=Body.choices)
    number = models.CharField(max_length=64)
    expires_on = models.DateField()

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "body", "number"], name="certification_unique_per_trainer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.number} (until {self.expires_on})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.expires_on >= day
