from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from exercises.vocabularies import BodyRegion, Pattern
from handoff.vocabularies import ClearanceLevel, LimitUnit, RestrictionKind
from safety.vocabularies import LoadUnit


class FrozenVersionError(Exception):
    """Raised when code tries to change a packet version that has left the clinic."""


class PacketVersionQuerySet(models.QuerySet["PacketVersion"]):
    """The one definition of "the current version": the highest number of a handoff."""

    def newest_first(self) -> PacketVersionQuerySet:
        return self.order_by("-number")

    def current_of_each(self) -> PacketVersionQuerySet:
        """Each handoff's current version (for a prefetch over many handoffs)."""
        newer = PacketVersion.objects.filter(
            handoff_id=OuterRef("handoff_id"), number__gt=OuterRef("number")
        )
        return self.filter(~Exists(newer))


class PacketVersion(models.Model):
    """One version of the packet. Frozen once sent: an amendment makes version N+1."""

    handoff = models.ForeignKey(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.CharField(max_length=1000, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    # Clearance and discharge summary. A draft may be incomplete; sending requires these three.
    cleared_on = models.DateField(null=True, blank=True)
    clearance_level = models.CharField(max_length=20, choices=ClearanceLevel.choices, blank=True)
    condition = models.CharField(max_length=300, blank=True)
    surgery_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=300, blank=True)
    visits_completed = models.PositiveSmallIntegerField(null=True, blank=True)
    goals_met = models.TextField(max_length=2000, blank=True)
    goals_open = models.TextField(max_length=2000, blank=True)
    can_do_now = models.TextField(max_length=2000, blank=True)
    goals = models.TextField(max_length=2000, blank=True)
    notes_for_trainer = models.TextField(max_length=2000, blank=True)
    # Symptom codes (handoff.vocabularies.Symptom) that stop training; the six always-escalate
    # symptoms apply whether or not they are listed here.
    red_flags = models.JSONField(default=list, blank=True)
    pain_ceiling = models.PositiveSmallIntegerField(default=5)
    # The therapist's overrides of the checker's block conflicts, part of what was disclosed:
    # [{"item": <program order>, "restriction": <restriction order>, "reason": "..."}].
    overrides = models.JSONField(default=list, blank=True)

    objects = PacketVersionQuerySet.as_manager()

    class Meta:
        ordering = ["handoff", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["handoff", "number"], name="packet_version_number_unique_per_handoff"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="packet_version_number_gte_1"),
            models.CheckConstraint(
                condition=Q(pain_ceiling__lte=10), name="packet_version_pain_ceiling_0_10"
            ),
            models.CheckConstraint(
                condition=Q(surgery_date__isnull=True)
                | Q(cleared_on__isnull=True)
                | Q(surgery_date__lte=F("cleared_on")),
                name="packet_version_surgery_not_after_clearance",
            ),
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=True)
                | (Q(cleared_on__isnull=False) & ~Q(clearance_level="") & ~Q(condition="")),
                name="packet_version_sent_has_clearance",
            ),
            models.CheckConstraint(
                condition=Q(visits_completed__isnull=True) | Q(visits_completed__lte=1000),
                name="packet_version_visits_completed_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"Packet v{self.number} of handoff {self.handoff_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one guard kept in the model: a frozen version is a record of what was disclosed.
        if self.pk and type(self).objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise FrozenVersionError(f"Packet version {self.number} was sent and cannot change.")
        super().save(*args, **kwargs)


class ProgramItem(models.Model):
    """One exercise of the home exercise program the trainer continues."""

    version = models.ForeignKey(PacketVersion, on_delete=models.CASCADE, related_name="program")
    order = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    load = models.CharField(max_length=100, blank=True)
    # The structured load beside the free text, so the checker can compare it with a load cap.
    load_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    load_unit = models.CharField(max_length=20, choices=LoadUnit.choices, blank=True)
    per_week = models.PositiveSmallIntegerField()
    cues = models.TextField(max_length=1000, blank=True)
    progression = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="program_item_order_unique"),
            models.CheckConstraint(
                condition=Q(sets__gte=1, sets__lte=20), name="program_item_sets_1_20"
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(hold_seconds__isnull=False),
                name="program_item_reps_or_hold",
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | Q(reps__gte=1, reps__lte=100),
                name="program_item_reps_1_100",
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds__isnull=True)
                | Q(hold_seconds__gte=1, hold_seconds__lte=600),
                name="program_item_hold_1_600",
            ),
            models.CheckConstraint(
                condition=Q(per_week__gte=1, per_week__lte=14), name="program_item_per_week_1_14"
            ),
            models.CheckConstraint(
                condition=(
                    Q(load_value__isnull=True, load_unit="")
                    | (Q(load_value__isnull=False, load_value__gte=0) & ~Q(load_unit=""))
                ),
                name="program_item_load_value_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Restriction(models.Model):
    """A structured limit, so software can check a program against it."""

    version = models.ForeignKey(
        PacketVersion, on_delete=models.CASCADE, related_name="restrictions"
    )
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=RestrictionKind.choices)
    body_region = models.CharField(max_length=20, choices=BodyRegion.choices, blank=True)
    pattern = models.CharField(max_length=32, choices=Pattern.choices, blank=True)
    limit_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    limit_unit = models.CharField(max_length=20, choices=LimitUnit.choices, blank=True)
    text = models.CharField(max_length=500)
    review_on = models.DateField(null=True, blank=True)
    # The version's clearance date, copied so the database itself can hold the review date
    # after it (a check constraint cannot look at another table).
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="restriction_order_unique"),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True)
                | Q(cleared_on__isnull=True)
                | Q(review_on__gt=F("cleared_on")),
                name="restriction_review_after_clearance",
            ),
            models.CheckConstraint(
                condition=(
                    Q(limit_value__isnull=True, limit_unit="")
                    | (Q(limit_value__isnull=False, limit_value__gte=0) & ~Q(limit_unit=""))
                ),
                name="restriction_limit_value_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.text
