"""Clinics, their staff and their patients. Knows nothing of gyms."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.time import today_in
from core.validators import validate_time_zone

DEFAULT_AUTHORIZATION_TEXT = (
    "I authorize {clinic} to disclose the health information described below to {recipient}, "
    "a personal trainer or gym that is not my health-care provider, so that they can continue "
    "my exercise program safely after physical therapy."
)
DEFAULT_INFORMATION = (
    "My clearance and discharge summary, home exercise program, exercise restrictions, "
    "warning signs (red flags) and the contact details of my physical therapist."
)
DEFAULT_PURPOSE = "To continue my rehabilitation exercise program with a personal trainer."
DEFAULT_REVOCATION = (
    "I may revoke this authorization at any time, in writing or in the patient portal. "
    "Revoking it does not undo disclosures already made."
)
DEFAULT_NO_CONDITIONING = (
    "My treatment, payment, enrollment or eligibility for benefits does not depend on whether "
    "I sign this authorization."
)
DEFAULT_REDISCLOSURE = (
    "Once disclosed, the information may be re-disclosed by the recipient and may no longer be "
    "protected by federal or state health-privacy law."
)


def default_red_flags() -> list[str]:
    return ["swelling", "numbness", "giving_way", "night_pain"]


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    # The clinic's standard authorization form: every consent copies these texts at signing.
    authorization_text = models.TextField(max_length=4000, default=DEFAULT_AUTHORIZATION_TEXT)
    authorization_information = models.TextField(max_length=2000, default=DEFAULT_INFORMATION)
    authorization_purpose = models.TextField(max_length=1000, default=DEFAULT_PURPOSE)
    authorization_revocation = models.TextField(max_length=1000, default=DEFAULT_REVOCATION)
    authorization_no_conditioning = models.TextField(
        max_length=1000, default=DEFAULT_NO_CONDITIONING
    )
    authorization_redisclosure = models.TextField(max_length=1000, default=DEFAULT_REDISCLOSURE)
    default_red_flags = models.JSONField(default=default_red_flags, blank=True)
    default_pain_ceiling = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_pain_ceiling__lte=10),
                name="clinic_default_pain_ceiling_0_10",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> datetime.date:
        """Today's date at the clinic: its dates (expiries, session logs, reviews) are local."""
        return today_in(self.time_zone)


class ClinicMembership(models.Model):
    """A staff member's place at a clinic. A login belongs to at most one organisation."""

    class Role(models.TextChoices):
        THERAPIST = "therapist", "Physical therapist"
        ADMIN = "admin", "Clinic admin"

    class Credential(models.TextChoices):
        PT = "PT", "PT"
        DPT = "DPT", "DPT"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_membership"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    is_admin = models.BooleanField(
        default=False, help_text="Manages the clinic's staff, settings and partnerships."
    )
    licence_number = models.CharField(max_length=64, blank=True)
    credential = models.CharField(max_length=8, choices=Credential.choices, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["clinic", "user__name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="admin") | models.Q(is_admin=True),
                name="clinic_admin_role_has_admin_rights",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="therapist") | ~models.Q(licence_number=""),
                name="clinic_therapist_has_licence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


# A patient's fields, in the order every representation lists them, and who never sees which
# (design §4). The one list behind the patients API, each role's handoff serializer and the
# patient service; a field added here is hidden from a role only by naming it below.
PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "preferred_contact",
    "emergency_contact",
    "private_notes",
)
PATIENT_FIELDS_HIDDEN_FROM = {
    "therapist": frozenset(),
    "trainer": frozenset({"date_of_birth", "private_notes"}),
    "patient": frozenset({"private_notes"}),
}


def patient_fields_for(role: str) -> list[str]:
    """The fields of a patient that ``role`` may read, with ``id`` and ``name`` added."""
    hidden = PATIENT_FIELDS_HIDDEN_FROM[role]
    first, last, *rest = PATIENT_FIELDS
    return ["id", first, last, "name", *(f for f in rest if f not in hidden)]


class Patient(models.Model):
    class PreferredContact(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        TEXT = "text", "Text message"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    preferred_contact = models.CharField(max_length=8, choices=PreferredContact.choices, blank=True)
    emergency_contact = models.CharField(max_length=300, blank=True)
    # Clinic-internal notes: never shown to a trainer or to the patient.
    private_notes = models.TextField(max_length=5000, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the clinic last invited the patient to the portal, whether or not a login could be
    # made (an address that already has a login is not linked, and the clinic is not told).
    portal_invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
