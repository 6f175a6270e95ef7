"""Consent (design §5): no packet leaves without it; revoking or expiry closes what it covers.

A consent belongs to a patient and a recipient gym (optionally one trainer). Its text and
elements come from the clinic's standard authorization form and are copied at signing, so the
record shows what the patient agreed to even if the clinic's form changes later.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict
from handoff import notices, reminders
from handoff.models import Consent, Handoff
from handoff.models.consent import REQUIRED_ELEMENTS
from handoff.services._base import (
    Action,
    Status,
    close,
    lock,
    party_of,
    record_event,
    require_patient,
    require_therapist,
)
from handoff.services.lifecycle import consent_covering
from notifications.services import notify

MAX_CONSENT_DAYS = 3 * 365


def authorization_for(
    handoff: Handoff,
    *,
    signer: str,
    signed_on: datetime.date,
    expires_on: datetime.date,
    purpose: str | None = None,
) -> tuple[str, dict[str, str]]:
    """The authorization's text and elements, from the clinic's standard form.

    Raises ``Conflict`` if the clinic's form lacks an element a valid authorization needs.
    """
    clinic, gym = handoff.clinic, handoff.gym
    elements = {
        "information": clinic.authorization_information.strip(),
        "discloser": clinic.name,
        "recipient": f"{gym.name} (personal training), including its trainers",
        "purpose": (purpose or clinic.authorization_purpose).strip(),
        "expires_on": expires_on.isoformat(),
        "signature": signer,
        "signed_on": signed_on.isoformat(),
        "right_to_revoke": clinic.authorization_revocation.strip(),
        "no_conditioning": clinic.authorization_no_conditioning.strip(),
        "redisclosure": clinic.authorization_redisclosure.strip(),
    }
    missing = [name for name in REQUIRED_ELEMENTS if not elements.get(name)]
    intro = clinic.authorization_text.strip()
    if missing or not intro:
        raise Conflict(
            f"{clinic.name}'s authorization form is missing: "
            f"{', '.join(missing or ['its text'])}. A clinic admin must complete it first.",
            code="consent_form_incomplete",
        )
    text = "\n\n".join(
        [
            intro.format(clinic=clinic.name, recipient=elements["recipient"]),
            f"Information to be shared: {elements['information']}",
            f"Purpose: {elements['purpose']}",
            f"This authorization expires on {elements['expires_on']}.",
            elements["right_to_revoke"],
            elements["no_conditioning"],
            elements["redisclosure"],
        ]
    )
    return text, elements


def consent_request(handoff: Handoff) -> dict[str, Any]:
    """What the patient would sign for this handoff: shown before consent is given."""
    today = handoff.clinic.today()
    expires_on = today + datetime.timedelta(days=settings.CONSENT_DEFAULT_DAYS)
    text, elements = authorization_for(
        handoff, signer=handoff.patient.name, signed_on=today, expires_on=expires_on
    )
    return {"authorization_text": text, "elements": elements}


def _expiry(
    signed_on: datetime.date, expires_on: datetime.date | None, today: datetime.date
) -> datetime.date:
    if signed_on > today:
        raise ValidationError({"signed_on": ["The signing date cannot be later than today."]})
    if expires_on is None:
        expires_on = signed_on + datetime.timedelta(days=settings.CONSENT_DEFAULT_DAYS)
        if expires_on <= today:
            raise ValidationError(
                {"signed_on": ["A consent signed on this date has already expired."]}
            )
        return expires_on
    if expires_on <= today or expires_on <= signed_on:
        raise ValidationError({"expires_on": ["The expiry date must be after today."]})
    if expires_on > signed_on + datetime.timedelta(days=MAX_CONSENT_DAYS):
        raise ValidationError({"expires_on": ["A consent lasts at most three years."]})
    return expires_on


def _create_consent(
    handoff: Handoff,
    *,
    by: User,
    method: str,
    signed_on: datetime.date,
    expires_on: datetime.date | None,
    purpose: str | None,
    signer: str,
) -> Consent:
    if handoff.status in Handoff.TERMINAL_STATUSES:
        raise Conflict(
            "This handoff is closed; start a new one to share the packet.", code="closed"
        )
    today = handoff.clinic.today()
    expires_on = _expiry(signed_on, expires_on, today)
    text, elements = authorization_for(
        handoff, signer=signer, signed_on=signed_on, expires_on=expires_on, purpose=purpose
    )
    consent = Consent.objects.create(
        patient_id=handoff.patient_id,
        gym_id=handoff.gym_id,
        method=method,
        signed_on=signed_on,
        recorded_by=by,
        purpose=elements["purpose"][:1000],
        scope=elements["information"][:2000],
        authorization_text=text,
        elements=elements,
        expires_on=expires_on,
    )
    action = Action.CONSENT_GRANTED if method == Consent.Method.PORTAL else Action.CONSENT_RECORDED
    record_event(handoff, actor=by, action=action, from_status=handoff.status)
    reminders.after_consent(handoff, consent)
    return consent


@transaction.atomic
def record_consent(
    handoff: Handoff,
    *,
    by: User,
    signed_on: datetime.date,
    expires_on: datetime.date | None = None,
    purpose: str | None = None,
) -> Consent:
    """The therapist records a consent the patient signed on paper."""
    handoff = lock(handoff)
    require_therapist(handoff, by, "record consent")
    signer = f"{handoff.patient.name} (signed paper form, recorded by {by.name})"
    return _create_consent(
        handoff,
        by=by,
        method=Consent.Method.RECORDED,
        signed_on=signed_on,
        expires_on=expires_on,
        purpose=purpose,
        signer=signer,
    )


@transaction.atomic
def grant_consent(
    handoff: Handoff,
    *,
    by: User,
    expires_on: datetime.date | None = None,
    purpose: str | None = None,
) -> Consent:
    """The patient signs in the portal."""
    handoff = lock(handoff)
    require_patient(handoff, by, "give consent")
    return _create_consent(
        handoff,
        by=by,
        method=Consent.Method.PORTAL,
        signed_on=handoff.clinic.today(),
        expires_on=expires_on,
        purpose=purpose,
        signer=f"{handoff.patient.name} (signed in the Baton patient portal)",
    )


# --- Ending consent -----------------------------------------------------------------------------


def _covered_handoffs(consent: Consent) -> list[Handoff]:
    """Open handoffs this consent covered (whether another consent still covers them is
    decided under each handoff's lock, in ``_end_consent``)."""
    candidates = Handoff.objects.open().filter(patient_id=consent.patient_id, gym_id=consent.gym_id)
    if consent.trainer_id is not None:
        candidates = candidates.filter(trainer_id=consent.trainer_id)
    return list(candidates)


def _end_consent(
    consent: Consent, *, by: User | None, note: str, now: datetime.datetime
) -> list[Handoff]:
    """Mark the consent revoked and close, at once, every open handoff it alone covered."""
    updated = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, revocation_note=note[:500]
    )
    if not updated:
        return []  # someone else ended it first
    reminders.consent_ended(consent)
    closed = []
    for candidate in _covered_handoffs(consent):
        # Another handoff may have moved meanwhile (accepted, say): the revocation still applies
        # to it, so lock without comparing, then look again under the lock.
        handoff = lock(candidate, as_seen=False)
        still_covered = consent_covering(handoff, today=handoff.clinic.today())
        if handoff.status not in Handoff.OPEN_STATUSES or still_covered is not None:
            continue
        close(handoff, Status.REVOKED, actor=by, action=Action.REVOKED, note=note, at=now)
        notify(notices.told_everyone(handoff, notices.Kind.CONSENT_REVOKED, actor=by))
        closed.append(handoff)
    return closed


@transaction.atomic
def revoke_consent(handoff: Handoff, *, by: User, note: str = "") -> list[Handoff]:
    """The patient (or the therapist recording a written revocation) withdraws consent.

    Revokes every active consent that covers this handoff, so the packet stops flowing to that
    gym at once; returns the handoffs that were closed.
    """
    handoff = lock(handoff)
    party = party_of(handoff, by)
    if party not in ("patient", "therapist"):
        require_patient(handoff, by, "revoke consent")
    today = handoff.clinic.today()
    consents = list(Consent.objects.covering_handoff(handoff).active_on(today))
    if not consents:
        raise Conflict("There is no active consent to revoke.", code="no_active_consent")
    now = timezone.now()
    note = note.strip() or (
        "Revoked by the patient." if party == "patient" else "Revoked in writing."
    )
    record_event(
        handoff, actor=by, action=Action.CONSENT_REVOKED, from_status=handoff.status, note=note
    )
    closed: list[Handoff] = []
    for consent in consents:
        closed.extend(_end_consent(consent, by=by, note=note, now=now))
    return closed


@transaction.atomic
def expire_consent(consent: Consent, *, now: datetime.datetime | None = None) -> list[Handoff]:
    """The sweep: a consent past its expiry date counts as revoked from then on."""
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("patient__clinic")
        .get(pk=consent.pk)
    )
    today = consent.patient.clinic.today()
    if consent.revoked_at is not None or consent.expires_on >= today:
        return []
    note = f"The consent expired on {consent.expires_on.isoformat()}."
    return _end_consent(consent, by=None, note=note, now=now or timezone.now())
