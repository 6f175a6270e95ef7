"""The trainer's plan: their own gym program beside the therapist's home program (issue 12).

Every item is checked against the packet's current restrictions when it is added or changed,
and again when the therapist amends the packet. Only ``handoff.services.plan`` sets ``status``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from exercises.vocabularies import Impact
from safety.vocabularies import LoadUnit


class PlanItem(models.Model):
    # What a trainer writes for an item, in the order every representation lists it: the one
    # list behind the plan API's item shape and the trainer page's form.
    SPEC_FIELDS = (
        "exercise",
        "name",
        "body_regions",
        "patterns",
        "impact",
        "sets",
        "reps",
        "seconds",
        "load_value",
        "load_unit",
        "load",
        "per_week",
        "notes",
    )

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        AWAITING_EXCEPTION = "awaiting_exception", "Waiting for the therapist's exception"
        SUSPENDED = "suspended", "Suspended: breaks a restriction"
        REFUSED = "refused", "Exception refused"

    handoff = models.ForeignKey(
        "handoff.Handoff", on_delete=models.CASCADE, related_name="plan_items"
    )
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    # Codes from exercises.vocabularies: copied from the library exercise, or given with a
    # free-text item, so the checker never has to guess.
    body_regions = models.JSONField(default=list)
    patterns = models.JSONField(default=list)
    impact = models.CharField(max_length=16, choices=Impact.choices)
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    load_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    load_unit = models.CharField(max_length=20, choices=LoadUnit.choices, blank=True)
    load = models.CharField(max_length=100, blank=True)
    per_week = models.PositiveSmallIntegerField()
    notes = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The checker's answer against the restrictions of ``checked_version``: the conflict
    # dicts of the API ({item, restriction, severity, message}), warnings included.
    conflicts = models.JSONField(default=list, blank=True)
    checked_version = models.PositiveIntegerField(null=True, blank=True)
    # The exception: the trainer's reason, the therapist's answer, and the restrictions a grant
    # covers (their keys, so an amendment that keeps the restriction keeps the grant).
    exception_reason = models.CharField(max_length=1000, blank=True)
    exception_requested_at = models.DateTimeField(null=True, blank=True)
    exception_note = models.CharField(max_length=1000, blank=True)
    exception_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exception_answered_at = models.DateTimeField(null=True, blank=True)
    exception_granted_for = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["handoff", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sets__gte=1, sets__lte=20), name="plan_item_sets_1_20"
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(seconds__isnull=False),
                name="plan_item_reps_or_seconds",
            ),
            models.CheckConstraint(
                condition=Q(per_week__gte=1, per_week__lte=14), name="plan_item_per_week_1_14"
            ),
            models.CheckConstraint(
                condition=(
                    Q(load_value__isnull=True, load_unit="")
                    | (Q(load_value__isnull=False, load_value__gte=0) & ~Q(load_unit=""))
                ),
                name="plan_item_load_value_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "awaiting_exception", "suspended", "refused"]),
                name="plan_item_status_known",
            ),
        ]
        indexes = [models.Index(fields=["handoff", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"
