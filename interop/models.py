"""What the FHIR exchange remembers: the identifiers other systems gave a clinic's patients."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PatientIdentifier(models.Model):
    """An identifier an EHR gave a patient (a record number), so a later import matches them.

    Kept per clinic: an identifier never matches a patient of another clinic.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="fhir_identifiers"
    )
    system = models.CharField(max_length=300)
    value = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "system", "value"], name="patient_identifier_unique_per_clinic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"
