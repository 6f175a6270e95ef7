"""State changes for clinics: patients and clinic staff.

Verb-first, keyword-only, one transaction each. Permission and state refusals are
``core.errors.Forbidden`` (403) and ``Conflict`` (409); bad values are Django
``ValidationError``s keyed by field (400). Knows nothing of gyms or handoffs.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.existing_accounts import tell_existing_account_holder
from accounts.models import User, normalize_email
from clinics.models import PATIENT_FIELDS, Clinic, ClinicMembership, Patient
from core.errors import Conflict, Forbidden
from notifications.services import ensure_preference

if TYPE_CHECKING:
    from collections.abc import Iterable

# Patients get quiet hours by default (no nudges at night); staff do not (design §6).
PATIENT_QUIET_HOURS = (datetime.time(21, 0), datetime.time(7, 0))
EDITABLE_PATIENT_FIELDS = frozenset(PATIENT_FIELDS)
EARLIEST_DATE_OF_BIRTH = datetime.date(1900, 1, 1)
EMAIL_TAKEN = (
    "This email address cannot be used for a new login: it already belongs to someone in Baton. "
    "Use another address."
)


# --- Checks ---------------------------------------------------------------------------------


def _require_therapist(clinic: Clinic, by: User, doing: str) -> None:
    is_therapist = ClinicMembership.objects.filter(
        clinic=clinic, user_id=by.pk, role=ClinicMembership.Role.THERAPIST
    ).exists()
    if not is_therapist:
        raise Forbidden(f"Only a physical therapist at {clinic.name} can {doing}.")


def _require_clinic_admin(clinic: Clinic, by: User) -> None:
    if not ClinicMembership.objects.filter(clinic=clinic, user_id=by.pk, is_admin=True).exists():
        raise Forbidden(f"Only an admin of {clinic.name} can invite its staff.")


def _check_fields(fields: Iterable[str]) -> None:
    unknown = set(fields) - EDITABLE_PATIENT_FIELDS
    if unknown:
        raise TypeError(f"Unknown patient fields: {', '.join(sorted(unknown))}")


def _validate_patient(patient: Patient) -> None:
    patient.full_clean(exclude=["user", "created_by"])
    born = patient.date_of_birth
    if born is None:
        return
    today = patient.clinic.today()
    if born > today:
        raise ValidationError({"date_of_birth": ["A date of birth cannot be in the future."]})
    if born < EARLIEST_DATE_OF_BIRTH:
        raise ValidationError({"date_of_birth": ["Enter a date of birth after 1900-01-01."]})


def _existing_login(email: str, *, clinic: Clinic) -> User | None:
    """The login that already has this address, if any. A login belongs to one organisation or
    one patient record, so the caller does not invite it; it answers as usual and tells the
    holder (``accounts.existing_accounts``), so the answer is no oracle of who uses Baton.

    This clinic's own patient records are refused in words: the clinic already knows them, and
    a check that depended on another clinic's list would tell who is a patient elsewhere.
    """
    if Patient.objects.filter(clinic=clinic, email__iexact=email).exists():
        raise Conflict(EMAIL_TAKEN, code="email_taken")
    return User.objects.filter(email__iexact=email).first()


def _invite(*, email: str, name: str, purpose: str, by: User) -> User:
    from accounts.services import invite_user  # accounts may load after this module

    try:
        # A savepoint: a concurrent invitation of the same address loses here, not with a 500.
        with transaction.atomic():
            user, _invitation = invite_user(email=email, name=name, purpose=purpose, invited_by=by)
    except IntegrityError as exc:
        raise Conflict(EMAIL_TAKEN, code="email_taken") from exc
    return user


# --- Patients -------------------------------------------------------------------------------


def create_patient(*, clinic: Clinic, by: User, **fields: Any) -> Patient:
    """Add a patient to the clinic. Only a therapist of that clinic may."""
    _check_fields(fields)
    if fields.get("email"):
        fields["email"] = normalize_email(fields["email"])
    with transaction.atomic():
        _require_therapist(clinic, by, "add patients")
        patient = Patient(clinic=clinic, created_by=by, **fields)
        _validate_patient(patient)
        patient.save()
    return patient


def update_patient(patient: Patient, *, by: User, **fields: Any) -> Patient:
    """Change a patient's details. Only a therapist of the patient's clinic may.

    The portal login (if any) keeps its own email: changing the contact address here does not
    move anyone's login.
    """
    _check_fields(fields)
    if fields.get("email"):
        fields["email"] = normalize_email(fields["email"])
    with transaction.atomic():
        locked = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("clinic")
            .get(pk=patient.pk)
        )
        _require_therapist(locked.clinic, by, "change its patients")
        for name, value in fields.items():
            setattr(locked, name, value)
        _validate_patient(locked)
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


def invite_patient(patient: Patient, *, by: User) -> Patient:
    """Email the patient a single-use link to the portal and link the new login to the record.

    1. Lock the patient row, so two therapists clicking "invite" make one login.
    2. Check the caller and the email address. A patient whose login exists but who never
       accepted is invited again (to the login's address; only the newest link works); one who
       accepted already has a login (409).
    3. Create the login and invitation (``accounts.services.invite_user``; the email goes out
       after commit), link it, and give the patient quiet hours in the clinic's time zone.
    """
    with transaction.atomic():
        locked = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("clinic", "user")
            .get(pk=patient.pk)
        )
        _require_therapist(locked.clinic, by, "invite its patients to the portal")
        if locked.user is not None:
            if locked.user.has_usable_password():
                raise Conflict("This patient already has a portal login.", code="already_invited")
            email = locked.user.email
        elif not locked.email:
            raise Conflict("Add the patient's email address first.", code="email_required")
        elif (existing := User.objects.filter(email__iexact=locked.email).first()) is not None:
            # No oracle: the therapist gets the usual answer; the address's owner is told.
            tell_existing_account_holder(existing, invited_by=by, where=locked.clinic.name)
            locked.portal_invited_at = timezone.now()
            locked.save(update_fields=["portal_invited_at", "updated_at"])
            return locked
        else:
            email = locked.email
        locked.portal_invited_at = timezone.now()
        user = _invite(email=email, name=locked.name, purpose="patient", by=by)
        if locked.user_id != user.pk:
            locked.user = user
        locked.save(update_fields=["user", "portal_invited_at", "updated_at"])
        ensure_preference(user, time_zone=locked.clinic.time_zone, quiet_hours=PATIENT_QUIET_HOURS)
    return locked


# --- Staff ------------------------------------------------------------------------------------


def invite_clinic_staff(
    clinic: Clinic,
    *,
    email: str,
    name: str,
    role: str,
    licence_number: str = "",
    credential: str = "",
    is_admin: bool = False,
    by: User,
) -> ClinicMembership | None:
    """Invite a therapist or an admin to the clinic. Only an admin of that clinic may.

    ``None`` when the address already has a login: its holder is told by email, and the caller
    answers exactly as for a new colleague.
    """
    email = normalize_email(email)
    if role == ClinicMembership.Role.THERAPIST and not licence_number.strip():
        raise ValidationError({"licence_number": ["A physical therapist needs a licence number."]})
    membership = ClinicMembership(
        clinic=clinic,
        role=role,
        is_admin=is_admin or role == ClinicMembership.Role.ADMIN,
        licence_number=licence_number.strip(),
        credential=credential,
    )
    membership.full_clean(exclude=["user"])
    with transaction.atomic():
        _require_clinic_admin(clinic, by)
        existing = _existing_login(email, clinic=clinic)
        if existing is not None:
            tell_existing_account_holder(existing, invited_by=by, where=clinic.name)
            return None
        membership.user = _invite(email=email, name=name, purpose="staff", by=by)
        membership.save()
        ensure_preference(membership.user, time_zone=clinic.time_zone)
    return membership


def deactivate_clinic_staff(membership: ClinicMembership, *, by: User) -> ClinicMembership:
    """An admin of the clinic shuts a colleague's login out (they keep their history)."""
    from accounts.services import deactivate_user  # accounts may load after this module

    with transaction.atomic():
        if not ClinicMembership.objects.filter(
            clinic_id=membership.clinic_id, user_id=by.pk, is_admin=True
        ).exists():
            raise Forbidden("Only an admin of the clinic can deactivate its staff.")
        deactivate_user(membership.user, by=by)
    return membership


# --- Settings ---------------------------------------------------------------------------------

CLINIC_SETTINGS = frozenset(
    {
        "authorization_text",
        "authorization_information",
        "authorization_purpose",
        "authorization_revocation",
        "authorization_no_conditioning",
        "authorization_redisclosure",
        "default_red_flags",
        "default_pain_ceiling",
        "time_zone",
    }
)


def update_clinic_settings(clinic: Clinic, *, by: User, **fields: Any) -> Clinic:
    """An admin changes the clinic's standard authorization form, defaults and time zone.

    Consents already signed keep the text they were signed with (they copied it).
    """
    unknown = set(fields) - CLINIC_SETTINGS
    if unknown:
        raise TypeError(f"Unknown clinic settings: {', '.join(sorted(unknown))}")
    if "default_red_flags" in fields:
        fields["default_red_flags"] = _symptom_codes(fields["default_red_flags"])
    with transaction.atomic():
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        if not ClinicMembership.objects.filter(
            clinic=locked, user_id=by.pk, is_admin=True
        ).exists():
            raise Forbidden(f"Only an admin of {clinic.name} can change its settings.")
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.full_clean()
        locked.save(update_fields=[*fields])
    return locked


# The packet's symptom vocabulary, as codes: the clinic app knows no handoff module.
RED_FLAG_CODES = (
    "swelling",
    "numbness",
    "giving_way",
    "night_pain",
    "calf_pain",
    "chest_pain",
    "shortness_of_breath",
    "dizziness",
    "new_weakness",
    "bowel_bladder_change",
)


def _symptom_codes(codes: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(str(code) for code in codes))
    unknown = [code for code in values if code not in RED_FLAG_CODES]
    if unknown:
        raise ValidationError({"default_red_flags": [f"Unknown symptom: {', '.join(unknown)}."]})
    return values
