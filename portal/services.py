"""The portal's own writes: asking the clinic for a new invitation link.

Everything else the portal changes goes through the handoff services (log a session, refer
back, grant and revoke consent, post a message) and the account services (accept an
invitation), exactly as the API calls them.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.selectors import INVITATION_SALT
from clinics.models import ClinicMembership, Patient
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Notice, notify

logger = logging.getLogger("baton.portal")

ASK_AGAIN_AFTER = datetime.timedelta(hours=12)


def invitation_behind(token: str) -> Invitation | None:
    """The invitation a link was made for, whatever its state; ``None`` if we did not sign it.

    Unlike ``accounts.selectors.invitation_from_token`` this ignores the link's age: an
    expired link still proves which invitation it was, so its holder can ask for a new one.
    """
    try:
        value = signing.loads(token, salt=INVITATION_SALT)
        return Invitation.objects.select_related("user", "created_by").get(pk=uuid.UUID(str(value)))
    except (signing.BadSignature, ValueError, Invitation.DoesNotExist):
        return None


def ask_for_new_invitation(token: str) -> bool:
    """Tell the patient's clinic that someone holding this link wants a new one.

    The caller always shows the same answer, whatever happens here, so a link reveals nothing
    about the account behind it. Only a link we signed, for a patient without a password yet,
    reaches anyone; the same clinic staff are told at most once every ``ASK_AGAIN_AFTER``.
    Returns whether someone was told (for tests and logs only).
    """
    invitation = invitation_behind(token)
    if invitation is None or invitation.purpose != Invitation.Purpose.PATIENT:
        return False
    user = invitation.user
    patient = Patient.objects.select_related("clinic").filter(user=user).first()
    if patient is None or not user.is_active or user.has_usable_password():
        return False
    with transaction.atomic():
        recipients = _clinic_contacts(patient, invitation.created_by)
        since = timezone.now() - ASK_AGAIN_AFTER
        already = set(
            Notification.objects.filter(
                kind=Kind.INVITATION,
                subject_type="patient",
                subject_id=patient.pk,
                created_at__gte=since,
                recipient__in=recipients,
            ).values_list("recipient_id", flat=True)
        )
        notices = [
            _ask_notice(person, patient) for person in recipients if person.pk not in already
        ]
        notify(notices)
    logger.info("patient %s asked for a new invitation; %d told", patient.pk, len(notices))
    return bool(notices)


def _clinic_contacts(patient: Patient, inviter: User | None) -> list[User]:
    """The therapist who sent the link if still at the clinic, else the clinic's therapists."""
    staff = ClinicMembership.objects.filter(
        clinic_id=patient.clinic_id, role=ClinicMembership.Role.THERAPIST, user__is_active=True
    ).select_related("user")
    people = [m.user for m in staff]
    if inviter is not None and any(p.pk == inviter.pk for p in people):
        return [inviter]
    return people


def _ask_notice(recipient: User, patient: Patient) -> Notice:
    return Notice(
        recipient=recipient,
        kind=Kind.INVITATION,
        title="A patient asked for a new portal link",
        body=(
            f"{patient.first_name} {patient.last_name[:1]}. tried an invitation link to the "
            "patient portal that no longer works and asked for a new one. Invite them again "
            "from their patient page."
        ),
        link=reverse("clinics:patient_detail", args=[patient.pk]),  # its "invite" button
        subject_type="patient",
        subject_id=patient.pk,
    )
