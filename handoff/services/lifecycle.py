"""The handoff lifecycle (design §3): one service per transition.

Each service runs in one transaction: it locks the handoff, checks the precondition, changes
the status, writes a ``HandoffEvent`` and creates the notifications and reminders it causes.
An illegal transition raises ``Conflict`` (HTTP 409) with a sentence a person can act on.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from clinics.models import Patient
from core.errors import Conflict, Forbidden, Reason
from gyms.models import GymMembership
from handoff import notices, reminders
from handoff.models import Consent, FinalReport, Handoff, PacketVersion
from handoff.services import checks
from handoff.services._base import (
    Action,
    Status,
    close,
    current_version,
    lock,
    party_of,
    record_event,
    refuse,
    require_therapist,
    require_trainer,
)
from handoff.services.activity import escalation_triggers, symptom_codes
from handoff.services.packets import PacketSpec, spec_from_version, write_version
from notifications.services import notify
from organisations.selectors import is_active_partnership

OPEN = Handoff.OPEN_STATUSES


def _required_text(value: str | None, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [f"Give {what}."]})
    return text


def _trainer_membership(trainer) -> GymMembership:
    membership = (
        GymMembership.objects.select_related("gym")
        .filter(user=trainer, role=GymMembership.Role.TRAINER, user__is_active=True)
        .first()
    )
    if membership is None:
        raise ValidationError({"trainer": ["This person is not a trainer in Baton."]})
    return membership


def _check_partnered(clinic_id: int, gym_id: int) -> None:
    if not is_active_partnership(clinic_id=clinic_id, gym_id=gym_id):
        raise ValidationError(
            {"trainer": ["This trainer's gym has no active partnership with your clinic."]}
        )


# --- Drafts ----------------------------------------------------------------------------------------


@transaction.atomic
def create_handoff(*, patient: Patient, trainer, packet: PacketSpec, by) -> Handoff:
    """A therapist starts a draft for one of their clinic's patients."""
    from organisations.roles import actor_for

    actor = actor_for(by)
    if not actor.is_therapist:
        raise Forbidden("Only a therapist can start a handoff.")
    if patient.clinic_id != actor.clinic_id:
        raise ValidationError({"patient": ["No patient with this id at your clinic."]})
    membership = _trainer_membership(trainer)
    _check_partnered(patient.clinic_id, membership.gym_id)
    handoff = Handoff.objects.create(
        patient=patient,
        clinic_id=patient.clinic_id,
        therapist=by,
        trainer=trainer,
        gym_id=membership.gym_id,
    )
    write_version(PacketVersion(handoff=handoff, number=1, created_by=by), packet)
    record_event(handoff, actor=by, action=Action.CREATED, from_status=Status.DRAFT, version=1)
    return handoff


@transaction.atomic
def update_draft(
    handoff: Handoff,
    *,
    by: User,
    packet: PacketSpec | None = None,
    trainer=None,
) -> Handoff:
    """Edit a draft's packet or its addressee. Sent packets are amended, never edited."""
    handoff = lock(handoff)
    require_therapist(handoff, by, "edit this draft")
    if handoff.status != Status.DRAFT:
        raise refuse(handoff, "edited; amend the packet to make a new version instead")
    if trainer is not None and trainer.pk != handoff.trainer_id:
        membership = _trainer_membership(trainer)
        _check_partnered(handoff.clinic_id, membership.gym_id)
        handoff.trainer, handoff.gym_id = trainer, membership.gym_id
        handoff.save(update_fields=["trainer", "gym", "updated_at"])
    if packet is not None:
        write_version(current_version(handoff), packet)
    record_event(handoff, actor=by, action=Action.EDITED, from_status=Status.DRAFT, version=1)
    return handoff


@transaction.atomic
def discard_draft(handoff: Handoff, *, by: User) -> None:
    handoff = lock(handoff)
    require_therapist(handoff, by, "discard this draft")
    if handoff.status != Status.DRAFT:
        raise refuse(handoff, "discarded; withdraw it instead")
    handoff.delete()


# --- Sending -----------------------------------------------------------------------------------------


def consent_covering(
    handoff: Handoff, *, today: datetime.date, lock: bool = False
) -> Consent | None:
    """The active, unexpired consent that lets this handoff's packet go to its trainer.

    ``lock=True`` (sending) holds the consent row until the transaction ends: a revocation
    racing the send then either waits and closes the sent handoff, or wins first and the send
    finds no consent.
    """
    consents = Consent.objects.select_for_update(of=("self",)) if lock else Consent.objects
    return consents.covering_handoff(handoff).active_on(today).order_by("-expires_on").first()


def send_refusals(
    handoff: Handoff, version: PacketVersion, *, today: datetime.date
) -> list[Reason]:
    """Every send precondition that fails, each with its own code and sentence."""
    reasons = []
    if version.cleared_on is None or not version.condition or not version.program.exists():
        reasons.append(
            Reason(
                "packet_incomplete",
                "The packet needs a clearance (date, level and condition) and at least one "
                "program item.",
            )
        )
    refused = program_conflicts(version, today=today)
    if refused is not None:
        reasons.append(refused)
    if consent_covering(handoff, today=today, lock=True) is None:
        reasons.append(
            Reason(
                "consent_required",
                f"Record the patient's consent to share the packet with {handoff.gym.name} first.",
            )
        )
    if not is_active_partnership(clinic_id=handoff.clinic_id, gym_id=handoff.gym_id):
        reasons.append(
            Reason(
                "partnership_inactive",
                f"Your clinic's partnership with {handoff.gym.name} is not active.",
            )
        )
    reasons.extend(_trainer_refusals(handoff, today=today))
    return reasons


def program_conflicts(version: PacketVersion, *, today: datetime.date) -> Reason | None:
    """The program breaks one of the packet's own restrictions and the therapist has not
    overridden it with a reason (issue 12): a refusal listing each conflict."""
    blocks = checks.unresolved_blocks(version, checks.check_version(version, today=today))
    if not blocks:
        return None
    return Reason(
        "program_conflicts",
        "The program breaks the packet's own restrictions: "
        + " ".join(c.message for c in blocks)
        + " Change the program or override each conflict with a reason.",
        conflicts=checks.conflict_dicts(blocks),
    )


def _trainer_refusals(handoff: Handoff, *, today: datetime.date) -> list[Reason]:
    # Lock the trainer's membership: two sends to one trainer cannot both take the last place.
    membership = (
        GymMembership.objects.select_for_update()
        .filter(user_id=handoff.trainer_id, gym_id=handoff.gym_id, role=GymMembership.Role.TRAINER)
        .first()
    )
    name = handoff.trainer.name
    if membership is None or not handoff.trainer.is_active:
        return [Reason("trainer_unavailable", f"{name} no longer trains at {handoff.gym.name}.")]
    reasons = []
    if not membership.certifications.filter(expires_on__gte=today).exists():
        reasons.append(
            Reason("certification_expired", f"{name}'s trainer certification has expired.")
        )
    open_count = Handoff.objects.filter(trainer_id=handoff.trainer_id, status__in=OPEN).count()
    if open_count >= membership.capacity:
        reasons.append(
            Reason(
                "trainer_at_capacity",
                f"{name} already has {open_count} open handoffs, their capacity.",
            )
        )
    if (
        Handoff.objects.filter(
            patient_id=handoff.patient_id, trainer_id=handoff.trainer_id, status__in=OPEN
        )
        .exclude(pk=handoff.pk)
        .exists()
    ):
        reasons.append(
            Reason("open_handoff_exists", f"This patient already has an open handoff with {name}.")
        )
    return reasons


@transaction.atomic
def send_handoff(handoff: Handoff, *, by: User) -> Handoff:
    """Draft → sent: the packet leaves the clinic, frozen, with the patient's consent."""
    handoff = lock(handoff)
    require_therapist(handoff, by, "send this handoff")
    if handoff.status != Status.DRAFT:
        raise refuse(handoff, "sent again", target=Status.SENT)
    version = current_version(handoff)
    reasons = send_refusals(handoff, version, today=handoff.clinic.today())
    if reasons:
        detail = "This handoff cannot be sent yet: " + " ".join(r.detail for r in reasons)
        conflicts = [c for r in reasons for c in r.conflicts]
        raise Conflict(detail, code=reasons[0].code, reasons=reasons, conflicts=conflicts)
    now = timezone.now()
    handoff.status = Status.SENT
    handoff.sent_at = now
    handoff.respond_by = now + datetime.timedelta(days=settings.HANDOFF_RESPONSE_DAYS)
    handoff.save(update_fields=["status", "sent_at", "respond_by", "updated_at"])
    PacketVersion.objects.filter(pk=version.pk).update(frozen_at=now)
    record_event(
        handoff, actor=by, action=Action.SENT, from_status=Status.DRAFT, version=version.number
    )
    notify(notices.packet_sent(handoff))
    reminders.after_send(handoff, version)
    return handoff


# --- The trainer's answer ---------------------------------------------------------------------------


@transaction.atomic
def accept_handoff(handoff: Handoff, *, by: User) -> Handoff:
    handoff = lock(handoff)
    require_trainer(handoff, by, "accept this handoff")
    if handoff.status != Status.SENT:
        raise refuse(handoff, "accepted", target=Status.ACCEPTED)
    version = current_version(handoff)
    handoff.status = Status.ACCEPTED
    handoff.accepted_at = timezone.now()
    # Accepting is agreeing to the packet as it stands, amendments made while it waited included.
    handoff.acknowledged_version = version.number
    handoff.save(update_fields=["status", "accepted_at", "acknowledged_version", "updated_at"])
    record_event(handoff, actor=by, action=Action.ACCEPTED, from_status=Status.SENT)
    notify(notices.answered(handoff, notices.Kind.HANDOFF_ACCEPTED))
    reminders.after_accept(handoff)
    return handoff


@transaction.atomic
def decline_handoff(handoff: Handoff, *, by: User, reason: str) -> Handoff:
    reason = _required_text(reason, "reason", "a reason for declining")
    handoff = lock(handoff)
    require_trainer(handoff, by, "decline this handoff")
    if handoff.status != Status.SENT:
        raise refuse(handoff, "declined", target=Status.DECLINED)
    close(handoff, Status.DECLINED, actor=by, action=Action.DECLINED, note=reason)
    notify(notices.answered(handoff, notices.Kind.HANDOFF_DECLINED, reason=reason))
    return handoff


@transaction.atomic
def expire_handoff(handoff: Handoff, *, now: datetime.datetime | None = None) -> Handoff:
    """The sweep: a sent handoff nobody answered by ``respond_by`` expires."""
    now = now or timezone.now()
    handoff = lock(handoff)
    if handoff.status != Status.SENT:
        raise refuse(handoff, "expired", target=Status.EXPIRED)
    if handoff.respond_by is None or handoff.respond_by > now:
        raise Conflict("This handoff is still within its response time.", code="not_due")
    close(handoff, Status.EXPIRED, actor=None, action=Action.EXPIRED, note="No answer in time.")
    notify(notices.answered(handoff, notices.Kind.HANDOFF_EXPIRED))
    return handoff


# --- While training ---------------------------------------------------------------------------------


@transaction.atomic
def withdraw_handoff(handoff: Handoff, *, by: User, reason: str) -> Handoff:
    reason = _required_text(reason, "reason", "a reason for withdrawing")
    handoff = lock(handoff)
    require_therapist(handoff, by, "withdraw this handoff")
    if handoff.status not in OPEN:
        raise refuse(handoff, "withdrawn", target=Status.WITHDRAWN)
    close(handoff, Status.WITHDRAWN, actor=by, action=Action.WITHDRAWN, note=reason)
    notify(notices.told_everyone(handoff, notices.Kind.HANDOFF_WITHDRAWN, actor=by, note=reason))
    return handoff


@transaction.atomic
def resume_handoff(handoff: Handoff, *, by: User, note: str) -> Handoff:
    """Referred back → accepted: the therapist has reviewed the case (and may have amended)."""
    note = _required_text(note, "note", "a note on why training can resume")
    handoff = lock(handoff)
    require_therapist(handoff, by, "resume this handoff")
    if handoff.status != Status.REFERRED_BACK:
        raise refuse(handoff, "resumed")
    handoff.status = Status.ACCEPTED
    handoff.save(update_fields=["status", "updated_at"])
    record_event(
        handoff, actor=by, action=Action.RESUMED, from_status=Status.REFERRED_BACK, note=note
    )
    reminders.urgent_handled(handoff)
    reminders.after_resume(handoff)
    notify(notices.told_everyone(handoff, notices.Kind.HANDOFF_RESUMED, actor=by, note=note))
    return handoff


@transaction.atomic
def complete_handoff(
    handoff: Handoff,
    *,
    by: User,
    final_report: Mapping[str, Any] | None = None,
) -> Handoff:
    """Accepted or referred back → completed; the trainer's completion carries a final report."""
    handoff = lock(handoff)
    is_trainer = party_of(handoff, by) == "trainer"
    if not is_trainer:
        require_therapist(handoff, by, "complete this handoff")
    if handoff.status not in (Status.ACCEPTED, Status.REFERRED_BACK):
        raise refuse(handoff, "completed", target=Status.COMPLETED)
    if is_trainer and not final_report:
        raise ValidationError(
            {
                "final_report": [
                    "A trainer completes a handoff with a final report for the therapist."
                ]
            }
        )
    if final_report:
        fields = _report_fields(final_report)
        flags, _ = escalation_triggers(
            current_version(handoff), pain=0, symptoms=fields["symptoms"]
        )
        if is_trainer and flags:
            raise Conflict(
                "The final report lists red-flag symptoms; refer the patient back to the "
                "therapist instead of completing the handoff.",
                code="red_flag_reported",
            )
        FinalReport.objects.create(handoff=handoff, author=by, **fields)
    close(handoff, Status.COMPLETED, actor=by, action=Action.COMPLETED)
    reminders.urgent_handled(handoff)
    notify(notices.told_everyone(handoff, notices.Kind.HANDOFF_COMPLETED, actor=by))
    return handoff


def _report_fields(report: Mapping[str, Any]) -> dict[str, Any]:
    progress = _required_text(report.get("progress"), "final_report", "the progress made")
    sessions = report.get("sessions_attended")
    if not isinstance(sessions, int) or isinstance(sessions, bool) or sessions < 0:
        raise ValidationError({"final_report": ["sessions_attended must be a whole number ≥ 0."]})
    return {
        "sessions_attended": sessions,
        "progress": progress,
        "symptoms": symptom_codes(report.get("symptoms"), field="final_report"),
        "note": report.get("note") or "",
    }


# --- Reassigning -----------------------------------------------------------------------------------


@transaction.atomic
def reassign_handoff(handoff: Handoff, *, by: User, trainer: User) -> Handoff:
    """A declined or expired handoff becomes a new draft to another trainer, linked to it."""
    handoff = lock(handoff)
    require_therapist(handoff, by, "reassign this handoff")
    if handoff.status not in (Status.DECLINED, Status.EXPIRED):
        raise refuse(handoff, "reassigned; only declined or expired handoffs can be")
    if Handoff.objects.filter(reassigned_from=handoff).exists():
        raise Conflict("This handoff was already reassigned.", code="already_reassigned")
    if trainer.pk == handoff.trainer_id:
        raise ValidationError(
            {"trainer": ["Choose another trainer than the one who did not take it."]}
        )
    seed = spec_from_version(current_version(handoff))
    successor = create_handoff(patient=handoff.patient, trainer=trainer, packet=seed, by=by)
    successor.reassigned_from = handoff
    successor.save(update_fields=["reassigned_from", "updated_at"])
    record_event(
        handoff,
        actor=by,
        action=Action.REASSIGNED,
        from_status=handoff.status,
        note=f"Reassigned to {trainer.name} as handoff {successor.pk}.",
    )
    return successor
