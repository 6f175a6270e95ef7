"""What happens while a patient trains: refer-backs and escalation, session logs, check-ins,
messages, amendments and acknowledgements."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict, Forbidden
from handoff import notices, reminders
from handoff.models import CheckIn, Handoff, Message, PacketVersion, RedFlagReport, SessionLog
from handoff.services import checks, plan
from handoff.services._base import (
    Action,
    Status,
    current_version,
    lock,
    party_of,
    record_event,
    refuse,
    require_patient,
    require_therapist,
    require_trainer,
)
from handoff.services.packets import PacketSpec, write_version
from handoff.vocabularies import ALWAYS_ESCALATE, Symptom
from notifications.services import notify

OPEN = Handoff.OPEN_STATUSES
TRAINING = (Status.ACCEPTED, Status.REFERRED_BACK)


def symptom_codes(symptoms: Iterable[str] | None, field: str = "symptoms") -> list[str]:
    codes = list(dict.fromkeys(symptoms or ()))
    unknown = [code for code in codes if code not in Symptom.values]
    if unknown:
        raise ValidationError({field: [f"Unknown symptom code: {', '.join(unknown)}."]})
    return codes


def _not_in_future(day: datetime.date, handoff: Handoff, field: str = "date") -> None:
    if day > handoff.clinic.today():
        raise ValidationError({field: ["The date cannot be later than today."]})


# --- Referring back and escalating -------------------------------------------------------------------


@transaction.atomic
def refer_back(
    handoff: Handoff,
    *,
    by: User,
    reason: str,
    symptoms: Iterable[str] = (),
) -> Handoff:
    """Accepted → referred back, by the trainer or the patient: stop and see the therapist."""
    codes = symptom_codes(symptoms)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the patient needs the therapist."]})
    handoff = lock(handoff)
    if party_of(handoff, by) not in ("trainer", "patient"):
        raise Forbidden("Only the trainer or the patient can refer this handoff back.")
    if handoff.status != Status.ACCEPTED:
        raise refuse(handoff, "referred back", target=Status.REFERRED_BACK)
    _raise_red_flag(handoff, actor=by, symptoms=codes, reason=reason, reported_by=by)
    return handoff


def _raise_red_flag(
    handoff: Handoff, *, actor: User | None, symptoms: list[str], reason: str, **details: object
) -> RedFlagReport:
    """Record why the case stops, and send it back to the therapist (design §4)."""
    report = RedFlagReport.objects.create(
        handoff=handoff,
        symptoms=symptoms,
        urgent_care=bool(ALWAYS_ESCALATE.intersection(symptoms)),
        reason=reason[:1000],
        **details,
    )
    _escalate(handoff, report, actor=actor)
    return report


def _escalate(handoff: Handoff, report: RedFlagReport, *, actor: User | None) -> None:
    """Refer an accepted handoff back, or, if it already is, tell the therapist again."""
    previous = handoff.status
    if previous == Status.ACCEPTED:
        handoff.status = Status.REFERRED_BACK
        handoff.save(update_fields=["status", "updated_at"])
    action = Action.REFERRED_BACK if previous == Status.ACCEPTED else Action.RED_FLAG
    record_event(handoff, actor=actor, action=action, from_status=previous, note=report.reason)
    created = notify(notices.referred_back(handoff, report, actor=actor))
    urgent = [n for n in created if n.requires_ack and n.recipient_id == handoff.therapist_id]
    reminders.after_urgent_notice(handoff, urgent)


def escalation_triggers(
    version: PacketVersion, *, pain: int, symptoms: Iterable[str]
) -> tuple[list[str], bool]:
    """The red flags among ``symptoms`` and whether pain is above the ceiling.

    The six always-escalate symptoms count whatever the packet lists. Pain *at* the ceiling is
    acceptable (the pain-monitoring model); only pain above it stops training.
    """
    flags = set(version.red_flags) | ALWAYS_ESCALATE
    return [code for code in symptoms if code in flags], pain > version.pain_ceiling


@transaction.atomic
def log_session(
    handoff: Handoff,
    *,
    by: User,
    date: datetime.date,
    completed: bool,
    pain: int,
    difficulty: int | None = None,
    symptoms: Iterable[str] = (),
    note: str = "",
) -> SessionLog:
    """The patient logs a session; a red flag or pain above the ceiling refers back at once."""
    codes = symptom_codes(symptoms)
    if not 0 <= pain <= 10:
        raise ValidationError({"pain": ["Pain is a score from 0 to 10."]})
    if difficulty is not None and not 1 <= difficulty <= 10:
        raise ValidationError({"difficulty": ["Difficulty is a score from 1 to 10."]})
    handoff = lock(handoff)
    require_patient(handoff, by, "log a session")
    if handoff.status not in TRAINING:
        raise refuse(handoff, "logged against; sessions are logged while training")
    _not_in_future(date, handoff)
    log = SessionLog.objects.create(
        handoff=handoff,
        logged_by=by,
        date=date,
        completed=completed,
        pain=pain,
        difficulty=difficulty,
        symptoms=codes,
        note=note,
    )
    reminders.after_session_logged(handoff, log)
    flags, above = escalation_triggers(current_version(handoff), pain=pain, symptoms=codes)
    if flags or above:
        _raise_red_flag(
            handoff,
            actor=None,  # the system refers back, on the patient's log
            symptoms=flags,
            reason=notices.SESSION_LOG_REASON,
            session_log=log,
            pain=pain,
            above_pain_ceiling=above,
        )
    return log


# --- Check-ins and messages ------------------------------------------------------------------------


@transaction.atomic
def add_check_in(
    handoff: Handoff,
    *,
    by: User,
    date: datetime.date,
    sessions_attended: int,
    progress: str,
    symptoms: Iterable[str] = (),
    note: str = "",
) -> CheckIn:
    """The trainer's progress report for the therapist."""
    codes = symptom_codes(symptoms)
    handoff = lock(handoff)
    require_trainer(handoff, by, "post a check-in")
    if handoff.status not in TRAINING:
        raise refuse(handoff, "reported on; check-ins are posted while training")
    _not_in_future(date, handoff)
    check_in = CheckIn.objects.create(
        handoff=handoff,
        author=by,
        date=date,
        sessions_attended=sessions_attended,
        progress=progress,
        symptoms=codes,
        note=note,
    )
    flags, _ = escalation_triggers(current_version(handoff), pain=0, symptoms=codes)
    if flags:
        # The trainer saw a red flag: the same road back to the therapist as a refer-back.
        _raise_red_flag(
            handoff, actor=by, symptoms=flags, reason=notices.CHECK_IN_REASON, reported_by=by
        )
    return check_in


@transaction.atomic
def post_message(handoff: Handoff, *, by: User, body: str, to_patient: bool = False) -> Message:
    """Therapist and trainer write to each other; a patient's messages are seen by both."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Write a message."]})
    handoff = lock(handoff)
    party = party_of(handoff, by)
    if party is None:
        raise Forbidden("Only the people on this handoff can write about it.")
    if handoff.status not in OPEN:
        raise refuse(handoff, "discussed here any more")
    message = Message.objects.create(
        handoff=handoff, author=by, body=body, to_patient=to_patient or party == "patient"
    )
    notify(notices.message_posted(message))
    return message


# --- Versions ---------------------------------------------------------------------------------------


@transaction.atomic
def amend_packet(
    handoff: Handoff,
    *,
    by: User,
    packet: PacketSpec,
    change_note: str = "",
    based_on: int | None = None,
) -> PacketVersion:
    """A sent packet is never edited: the amendment is version N+1, frozen, to acknowledge.

    ``based_on``: the version the therapist started from. If another version was made since
    (a colleague's amendment, or the same form sent twice), the amendment is refused rather
    than silently replacing what the trainer was just told.
    """
    handoff = lock(handoff)
    require_therapist(handoff, by, "amend this packet")
    if handoff.status not in OPEN:
        if handoff.status == Status.DRAFT:
            raise Conflict("This handoff is still a draft: edit the draft instead.", code="draft")
        raise refuse(handoff, "amended")
    if not packet.is_complete:
        raise ValidationError(
            {"packet": ["A new version needs a clearance and at least one program item."]}
        )
    latest = current_version(handoff).number
    if based_on is not None and based_on != latest:
        raise Conflict(
            f"This packet changed while you were editing it: version {latest} was made since "
            f"you started from version {based_on}. Start the amendment again from the new version.",
            code="changed_meanwhile",
        )
    number = latest + 1
    today = handoff.clinic.today()
    version = write_version(
        PacketVersion(handoff=handoff, number=number, created_by=by, change_note=change_note),
        packet,
    )
    version.frozen_at = timezone.now()
    PacketVersion.objects.filter(pk=version.pk).update(frozen_at=version.frozen_at)
    blocks = checks.unresolved_blocks(version, checks.check_version(version, today=today))
    if blocks:
        raise Conflict(
            "This version's program breaks its own restrictions: "
            + " ".join(c.message for c in blocks)
            + " Change the program or override each conflict with a reason.",
            code="program_conflicts",
            conflicts=checks.conflict_dicts(blocks),
        )
    record_event(
        handoff,
        actor=by,
        action=Action.VERSION_CREATED,
        from_status=handoff.status,
        note=change_note,
        version=number,
    )
    suspended = plan.recheck_plan(handoff, version)
    if suspended:
        record_event(
            handoff,
            actor=None,
            action=Action.PLAN_SUSPENDED,
            from_status=handoff.status,
            note="Suspended: " + ", ".join(item.name for item, _ in suspended),
            version=number,
        )
    notify(notices.version_created(handoff, number, change_note, suspended=suspended))
    reminders.after_amendment(handoff, version)
    return version


@transaction.atomic
def acknowledge_version(handoff: Handoff, *, by: User, number: int) -> Handoff:
    """The trainer has read version ``number``; it must be the latest."""
    handoff = lock(handoff)
    require_trainer(handoff, by, "acknowledge a new version")
    if handoff.status not in OPEN:
        raise refuse(handoff, "acknowledged")
    latest = current_version(handoff).number
    if number != latest:
        raise Conflict(
            f"Version {number} is not the latest version of this packet; read version {latest}.",
            code="not_latest_version",
        )
    if (handoff.acknowledged_version or 0) >= number:
        return handoff  # already acknowledged: answering twice changes nothing
    handoff.acknowledged_version = number
    handoff.save(update_fields=["acknowledged_version", "updated_at"])
    record_event(
        handoff,
        actor=by,
        action=Action.VERSION_ACKNOWLEDGED,
        from_status=handoff.status,
        version=number,
    )
    reminders.version_acknowledged(handoff)
    return handoff
