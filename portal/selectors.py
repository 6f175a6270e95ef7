"""The patient's own reads. Everything here is scoped to the logged-in patient: another
patient's plan, session, message or consent is a 404, and so is any portal page for staff."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from audit.models import AccessLog
from clinics.models import Patient
from handoff.models import Handoff, PacketVersion, SessionLog
from handoff.selectors import access_handoff, access_handoff_for_consent, handoffs_visible_to
from handoff.selectors.packets import with_packet_parts
from organisations.roles import actor_for

NOT_FOUND = "No plan matches the given query."


def patient_of(user: User) -> Patient:
    """The logged-in patient's record; anyone else gets 404 (the portal is for patients)."""
    patient = actor_for(user).patient
    if patient is None:
        raise Http404(NOT_FOUND)
    return patient


def my_handoffs(user: User) -> QuerySet[Handoff]:
    """The patient's handoffs once sent (a draft shows only as a consent request)."""
    patient_of(user)
    return (
        handoffs_visible_to(user)
        .select_related("clinic", "gym", "therapist", "trainer", "patient")
        .order_by("-sent_at", "-id")
    )


def my_handoff(user: User, handoff_id: object) -> Handoff:
    patient_of(user)
    return access_handoff(user, handoff_id)


def my_consent_request(user: User, handoff_id: object) -> Handoff:
    """One of the patient's handoffs, drafts included: only its consent is ever shown."""
    patient_of(user)
    return access_handoff_for_consent(user, handoff_id)


def consent_requests(user: User) -> QuerySet[Handoff]:
    """Drafts waiting for the patient's consent before the PT can send them."""
    patient = patient_of(user)
    return (
        Handoff.objects.filter(patient=patient, status=Handoff.Status.DRAFT)
        .select_related("clinic", "gym", "therapist", "trainer", "patient")
        .order_by("-created_at")
    )


def latest_version(handoff: Handoff) -> PacketVersion | None:
    return with_packet_parts(handoff.versions.order_by("-number")).first()


def previous_version(handoff: Handoff, version: PacketVersion) -> PacketVersion | None:
    if version.number < 2:
        return None
    return with_packet_parts(handoff.versions.filter(number=version.number - 1)).first()


def my_session_log(handoff: Handoff, log_id: object) -> SessionLog:
    try:
        return handoff.session_logs.get(pk=int(str(log_id)))
    except (SessionLog.DoesNotExist, ValueError):
        raise Http404(NOT_FOUND) from None


def reads_of(patient: Patient, handoffs: list[Handoff], *, limit: int = 100) -> list[AccessLog]:
    """Who read this patient's record: the access log rows about them, newest first."""
    handoff_ids = [h.pk for h in handoffs]
    about = Q(object_type="patient", object_id=patient.pk) | Q(
        object_type="handoff", object_id__in=handoff_ids
    )
    return list(
        AccessLog.objects.filter(about)
        .exclude(actor_id=patient.user_id)
        .select_related("actor")
        .order_by("-at", "-id")[: limit * 2]
    )
