"""Importing a referral Bundle: the patient (matched or created) and a draft handoff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from clinics.models import Clinic, Patient
from clinics.services import create_patient
from core.errors import Forbidden
from exercises.models import Exercise
from gyms.models import GymMembership
from handoff.models import Handoff, PacketVersion
from handoff.services import create_handoff, packet_spec_from_data
from interop import codes
from interop.importing import BundleError, PatientData, Referral, read_bundle
from interop.models import PatientIdentifier
from organisations.roles import actor_for

NOTES_LIMIT = PacketVersion._meta.get_field("notes_for_trainer").max_length or 2000
UNMAPPED_HEADING = "From the imported referral, not mapped to the packet:"


@dataclass(frozen=True)
class ImportResult:
    handoff: Handoff
    patient: Patient
    matched_by: str | None  # "identifier", "name_birth_date_email", or None when created
    referral: Referral


def import_referral(*, bundle: Any, by: User, trainer: User | None = None) -> ImportResult:
    """A therapist imports an EHR's referral bundle as a draft for a patient of their clinic.

    1. Read the bundle (``BundleError`` -> a 400 naming the path; nothing is written).
    2. Find the trainer: the one named, or the referral's performer by email.
    3. In one transaction: match the patient in the importing clinic (by identifier, then by
       name, birth date and email) or create them; remember the bundle's identifiers; create
       the draft through ``create_handoff`` with the packet read from the bundle, and what
       could not be mapped kept as text in the notes for the trainer.
    """
    actor = actor_for(by)
    if not actor.is_therapist or actor.clinic_membership is None:
        raise Forbidden("Only a physical therapist can import a referral.", code="therapist_only")
    clinic = actor.clinic_membership.clinic
    try:
        referral = read_bundle(bundle)
    except BundleError as exc:
        raise exc.as_validation_error() from None
    trainer = trainer or _trainer_by_email(referral.performer_emails)
    if trainer is None:
        raise ValidationError(
            {"trainer": ["Name the trainer (an id from trainers/) with ?trainer=."]}
        )
    with transaction.atomic():
        patient, matched_by = _match_or_create_patient(clinic, referral.patient, by=by)
        _remember_identifiers(clinic, patient, referral.patient.identifiers)
        packet = packet_spec_from_data(
            _packet_data(referral), default_pain_ceiling=clinic.default_pain_ceiling
        )
        handoff = create_handoff(patient=patient, trainer=trainer, packet=packet, by=by)
    return ImportResult(handoff=handoff, patient=patient, matched_by=matched_by, referral=referral)


def _trainer_by_email(emails: list[str]) -> User | None:
    for email in emails:
        membership = (
            GymMembership.objects.select_related("user")
            .filter(user__email__iexact=email, role=GymMembership.Role.TRAINER)
            .first()
        )
        if membership is not None:
            return membership.user
    return None


# --- The patient ------------------------------------------------------------------------------------


def _match_or_create_patient(
    clinic: Clinic, data: PatientData, *, by: User
) -> tuple[Patient, str | None]:
    """The importing clinic's patient: never one of another clinic."""
    patients = Patient.objects.filter(clinic=clinic)
    for system, value in data.identifiers:
        found = None
        if system == codes.patient_id_system() and value.isdigit() and len(value) < 19:
            found = patients.filter(pk=int(value)).first()  # Baton's own id, this clinic only
        if found is None:
            link = PatientIdentifier.objects.filter(clinic=clinic, system=system, value=value)
            found = patients.filter(pk__in=link.values("patient_id")).first()
        if found is not None:
            return found, "identifier"
    if data.date_of_birth and data.email:
        found = patients.filter(
            first_name__iexact=data.first_name,
            last_name__iexact=data.last_name,
            date_of_birth=data.date_of_birth,
            email__iexact=data.email,
        ).first()
        if found is not None:
            return found, "name_birth_date_email"
    created = create_patient(
        clinic=clinic,
        by=by,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        phone=data.phone,
        date_of_birth=data.date_of_birth,
        emergency_contact=data.emergency_contact,
    )
    return created, None


def _remember_identifiers(
    clinic: Clinic, patient: Patient, identifiers: list[tuple[str, str]]
) -> None:
    system_limit = PatientIdentifier._meta.get_field("system").max_length or 300
    value_limit = PatientIdentifier._meta.get_field("value").max_length or 200
    for system, value in identifiers:
        if system == codes.patient_id_system() and value == str(patient.pk):
            continue  # Baton's own id for this very patient
        if len(system) <= system_limit and len(value) <= value_limit:
            PatientIdentifier.objects.get_or_create(
                clinic=clinic, system=system, value=value, defaults={"patient": patient}
            )


# --- The packet ------------------------------------------------------------------------------------------


def _packet_data(referral: Referral) -> dict[str, Any]:
    slugs = {i["exercise_slug"] for i in referral.program if i.get("exercise_slug")}
    exercises = dict(Exercise.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    program = []
    for item in referral.program:
        slug = item.pop("exercise_slug", None)
        if slug and slug not in exercises:
            referral.notices.append(f"Exercise {slug!r} is not in Baton's library: kept by name.")
        program.append({**item, "exercise": exercises.get(slug) if slug else None})
    clearance = dict(referral.clearance or {})
    if referral.unmapped:
        clearance["notes_for_trainer"] = _with_unmapped(
            clearance.get("notes_for_trainer", ""), referral
        )
    return {
        "clearance": clearance,
        "program": program,
        "restrictions": referral.restrictions,
        "red_flags": referral.red_flags,
        "pain_ceiling": referral.pain_ceiling,
        "overrides": referral.overrides,
    }


def _with_unmapped(notes: str, referral: Referral) -> str:
    """The notes, then each unmapped part as a line; cut to fit, saying so."""
    lines = [f"- {u['text']}" for u in referral.unmapped if u["text"]]
    text = "\n".join(part for part in (notes, UNMAPPED_HEADING, *lines) if part)
    if len(text) > NOTES_LIMIT:
        cut = " … (cut: the import response lists everything)"
        text = text[: NOTES_LIMIT - len(cut)] + cut
        referral.notices.append("The unmapped text was too long for the notes and was cut.")
    return text
