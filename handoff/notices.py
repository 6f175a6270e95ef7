"""What Baton tells whom when something happens to a handoff (design §6).

Titles become email subjects, so they stay neutral: no patient name, no condition, no symptom.
Bodies are shown in the app only, behind login.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from accounts.models import User
from core.subjects import SubjectType
from handoff.models import Handoff, Message, PlanItem, RedFlagReport
from handoff.vocabularies import URGENT_CARE_GUIDANCE, Symptom
from notifications.kinds import Kind
from notifications.services import Notice
from safety.checker import Conflict as SafetyConflict


def _patient_label(handoff: Handoff) -> str:
    """First name and last initial: enough for staff to recognise the case in a list."""
    patient = handoff.patient
    return f"{patient.first_name} {patient.last_name[:1]}.".strip()


# Reasons the system gives when a log or check-in raises a red flag; the notice shows the pain
# score and symptoms instead of repeating them.
SESSION_LOG_REASON = "Reported in a session log."
CHECK_IN_REASON = "Reported in a check-in."
_SOURCES = {SESSION_LOG_REASON: "from a session log", CHECK_IN_REASON: "from a check-in"}


def _sentence(text: str) -> str:
    """End with one full stop: a patient label such as "Sam N." must not make it two."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _notice(handoff: Handoff, recipient, kind: str, title: str, body: str, **extra) -> Notice:
    return Notice(
        recipient=recipient,
        kind=kind,
        title=title,
        body=body,
        link=handoff.link,
        subject_type=SubjectType.HANDOFF,
        subject_id=handoff.pk,
        **extra,
    )


def _except(recipients: Iterable, actor) -> list:
    """Everyone but the person who acted: they already know."""
    return [r for r in recipients if r is not None and (actor is None or r.pk != actor.pk)]


def everyone(handoff: Handoff) -> list[User | None]:
    return [handoff.therapist, handoff.trainer, handoff.patient.user]


def packet_sent(handoff: Handoff) -> list[Notice]:
    clinic = handoff.clinic.name
    notices = [
        _notice(
            handoff,
            handoff.trainer,
            Kind.HANDOFF_SENT,
            f"New handoff packet from {clinic}",
            _sentence(
                f"{handoff.therapist.name} sent you a handoff packet for {_patient_label(handoff)}"
            )
            + " Please accept or decline it.",
        )
    ]
    if handoff.patient.user is not None:
        notices.append(
            _notice(
                handoff,
                handoff.patient.user,
                Kind.HANDOFF_SENT,
                "Your plan is ready in Baton",
                f"{handoff.therapist.name} handed your exercise plan to {handoff.trainer.name} at "
                f"{handoff.gym.name}. Your plan and your trainer's contact are in Baton.",
            )
        )
    return notices


_ANSWERS = {
    Kind.HANDOFF_ACCEPTED: ("A handoff packet was accepted", "accepted"),
    Kind.HANDOFF_DECLINED: ("A handoff packet was declined", "declined"),
    Kind.HANDOFF_EXPIRED: ("A handoff packet expired unanswered", "did not answer"),
}


def answered(handoff: Handoff, kind: str, *, reason: str = "") -> list[Notice]:
    """The trainer accepted or declined, or the packet expired: tell therapist and patient."""
    title, verb = _ANSWERS[kind]  # type: ignore[index]
    staff_body = _sentence(
        f"{handoff.trainer.name} {verb} the handoff of {_patient_label(handoff)}"
    )
    if reason:
        staff_body += f" Reason: {reason}"
    notices = [_notice(handoff, handoff.therapist, kind, title, staff_body)]
    if handoff.patient.user is not None:
        patient_body = (
            f"{handoff.trainer.name} will train you from now on."
            if kind == Kind.HANDOFF_ACCEPTED
            else "Your therapist will find you another trainer."
        )
        notices.append(
            _notice(handoff, handoff.patient.user, kind, "Update on your plan", patient_body)
        )
    return notices


def version_created(
    handoff: Handoff,
    number: int,
    note: str,
    *,
    suspended: Sequence[tuple[PlanItem, Sequence[SafetyConflict]]] = (),
) -> list[Notice]:
    """The trainer must acknowledge the new version; the same notice says which plan items the
    new restrictions suspended and why (issue 12), so nothing is trained against them."""
    body = (
        f"{handoff.therapist.name} amended the packet for {_patient_label(handoff)} "
        f"(version {number}). Read what changed and acknowledge it before the next session."
        + (f" Note: {note}" if note else "")
    )
    if suspended:
        body += " Suspended from your plan because they now break a restriction: " + " ".join(
            f"{item.name} ({' '.join(c.message for c in conflicts)})"
            for item, conflicts in suspended
        )
        body += " Remove or change them, or ask the therapist for an exception."
    notices = [
        _notice(
            handoff,
            handoff.trainer,
            Kind.VERSION_CREATED,
            "A handoff packet was updated",
            body,
            requires_ack=True,
        )
    ]
    if handoff.patient.user is not None:
        notices.append(
            _notice(
                handoff,
                handoff.patient.user,
                Kind.VERSION_CREATED,
                "Your plan was updated",
                "Your therapist updated your exercise plan. The new version is in Baton.",
            )
        )
    return notices


def exception_requested(handoff: Handoff, item: PlanItem) -> list[Notice]:
    """The trainer asks the therapist to allow a plan item that breaks a restriction."""
    return [
        _notice(
            handoff,
            handoff.therapist,
            Kind.EXCEPTION_REQUESTED,
            "A trainer asks for an exception",
            f"{handoff.trainer.name} asks to add {item.name} to the plan of "
            f"{_patient_label(handoff)} despite a restriction. Reason: {item.exception_reason} "
            "Grant or refuse it with a note.",
        )
    ]


def exception_answered(handoff: Handoff, item: PlanItem, *, granted: bool) -> list[Notice]:
    verb = "granted" if granted else "refused"
    body = f"{handoff.therapist.name} {verb} the exception for {item.name} ({_patient_label(handoff)})."
    if item.exception_note:
        body += f" Note: {item.exception_note}"
    return [
        _notice(
            handoff,
            handoff.trainer,
            Kind.EXCEPTION_ANSWERED,
            f"An exception was {verb}",
            body,
        )
    ]


def _symptom_names(codes: Iterable[str]) -> str:
    return ", ".join(Symptom(code).label.lower() for code in codes)


def referred_back(handoff: Handoff, report: RedFlagReport, *, actor: User | None) -> list[Notice]:
    """Tell the therapist at once (urgent, to acknowledge); tell trainer and patient to pause."""
    source = _SOURCES.get(report.reason, "")
    who = actor.name if actor is not None else "Baton"
    details = []
    if report.pain is not None:
        above = ", above the ceiling" if report.above_pain_ceiling else ""
        details.append(f"pain {report.pain}/10{above}")
    if report.symptoms:
        details.append(f"symptoms: {_symptom_names(report.symptoms)}")
    if report.reason and not source:
        details.append(f"reason: {report.reason.rstrip('.')}")
    if source:
        who = f"{who} ({source})"
    therapist = _notice(
        handoff,
        handoff.therapist,
        Kind.REFERRED_BACK,
        "Urgent: a patient was referred back to you",
        f"{who} referred {_patient_label(handoff)} back ({'; '.join(details) or 'no details'}). "
        "Training is paused until you resume it.",
        urgent=True,
        requires_ack=True,
    )
    pause = "Training is paused until the therapist has reviewed it."
    if report.urgent_care:
        pause = f"{URGENT_CARE_GUIDANCE} {pause}"
    others = [
        _notice(handoff, person, Kind.REFERRED_BACK, "Training is paused", pause, urgent=True)
        for person in _except([handoff.trainer, handoff.patient.user], actor)
    ]
    return [therapist, *others]


_CLOSINGS = {
    Kind.HANDOFF_RESUMED: ("Training can resume", "{actor} resumed the handoff of {patient}"),
    Kind.HANDOFF_COMPLETED: (
        "A handoff was completed",
        "{actor} completed the handoff of {patient}",
    ),
    Kind.HANDOFF_WITHDRAWN: (
        "A handoff was withdrawn",
        "{actor} withdrew the handoff of {patient}",
    ),
    Kind.CONSENT_REVOKED: (
        "A handoff was closed",
        "The consent to share {patient}'s packet was revoked or expired; "
        "the packet is no longer available to the trainer.",
    ),
}


def told_everyone(
    handoff: Handoff, kind: str, *, actor: User | None, note: str = ""
) -> list[Notice]:
    """Resumed, completed, withdrawn, revoked: everyone on the handoff but the actor."""
    title, template = _CLOSINGS[kind]  # type: ignore[index]
    body = _sentence(
        template.format(
            actor=actor.name if actor is not None else "Baton", patient=_patient_label(handoff)
        )
    )
    if note:
        body += f" Note: {note}"
    return [
        _notice(handoff, person, kind, title, body) for person in _except(everyone(handoff), actor)
    ]


def message_posted(message: Message) -> list[Notice]:
    """The other side. Staff messages stay between therapist and trainer unless to_patient."""
    handoff = message.handoff
    recipients: list[User | None] = [handoff.therapist, handoff.trainer]
    if message.to_patient:
        recipients.append(handoff.patient.user)
    return [
        _notice(
            handoff,
            person,
            Kind.MESSAGE,
            "New message in Baton",
            _sentence(f"{message.author.name} wrote about {_patient_label(handoff)}"),
        )
        for person in _except(recipients, message.author)
    ]


def delivery_failed(handoff: Handoff, *, failed_recipient, kind: str) -> list[Notice]:
    """An email to one side failed for good: tell the side that caused it."""
    failed_for_therapist = failed_recipient.pk == handoff.therapist_id
    told = [handoff.trainer] if failed_for_therapist else [handoff.therapist]
    return [
        _notice(
            handoff,
            person,
            Kind.DELIVERY_FAILED,
            "An email could not be delivered",
            f"Baton could not email {failed_recipient.name or failed_recipient.email} about "
            f"“{Kind(kind).label}”. They can still see it in the app; consider calling them.",
        )
        for person in told
        if person is not None and person.pk != failed_recipient.pk
    ]
