"""What every handoff service shares: locking, the timeline, permission checks, refusals."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict, Forbidden
from handoff import reminders
from handoff.models import Handoff, HandoffEvent, PacketVersion
from organisations.roles import actor_for

Status = Handoff.Status
Action = HandoffEvent.Action

_STATE_PHRASES = {
    Status.DRAFT: "is still a draft",
    Status.SENT: "is still waiting for the trainer's answer",
    Status.ACCEPTED: "was already accepted",
    Status.DECLINED: "was declined",
    Status.EXPIRED: "expired without an answer",
    Status.WITHDRAWN: "was withdrawn",
    Status.REFERRED_BACK: "was referred back to the therapist",
    Status.COMPLETED: "is completed",
    Status.REVOKED: "was closed because the patient's consent was revoked",
}


def refuse(handoff: Handoff, doing: str, *, target: str | None = None) -> Conflict:
    """A 409 a person can act on, e.g. "This handoff was already accepted."."""
    phrase = _STATE_PHRASES[Status(handoff.status)]
    if target is not None and target == handoff.status:
        return Conflict(f"This handoff {phrase}.", code="invalid_transition")
    return Conflict(f"This handoff {phrase}, so it cannot be {doing}.", code="invalid_transition")


def lock(handoff: Handoff, *, as_seen: bool = True) -> Handoff:
    """Re-read the handoff under a row lock, so two actions on it cannot both win.

    On PostgreSQL this is ``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE transaction already
    holds the database's single write lock, which serialises writers the same way. The action
    applies to the state its caller saw: if the status moved meanwhile (a withdraw racing an
    accept), it is refused rather than applied to a handoff the caller has not seen.
    """
    try:
        locked = Handoff.objects.select_for_update(of=("self",)).with_parties().get(pk=handoff.pk)
    except Handoff.DoesNotExist:  # a draft discarded meanwhile
        raise Http404("No handoff matches the given query.") from None
    if as_seen and locked.status != handoff.status:
        phrase = _STATE_PHRASES[Status(locked.status)]
        raise Conflict(
            f"This handoff changed while you were looking at it: it {phrase}. "
            "Reload it and try again.",
            code="changed_meanwhile",
        )
    return locked


def record_event(
    handoff: Handoff,
    *,
    actor,
    action: str,
    from_status: str,
    note: str = "",
    version: int | None = None,
    at: datetime.datetime | None = None,
) -> HandoffEvent:
    return HandoffEvent.objects.create(
        handoff=handoff,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=handoff.status,
        note=note[:1000],
        version=version,
        at=at or timezone.now(),
    )


def close(
    handoff: Handoff,
    status: str,
    *,
    actor: User | None,
    action: str,
    note: str = "",
    at: datetime.datetime | None = None,
) -> None:
    """Move to a terminal status; nothing about this handoff needs reminding any more."""
    previous = handoff.status
    handoff.status = status
    handoff.closed_at = at or timezone.now()
    handoff.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(handoff, actor=actor, action=action, from_status=previous, note=note)
    reminders.cancel_all(handoff, reason=f"handoff {status}")


def current_version(handoff: Handoff) -> PacketVersion:
    version = handoff.versions.newest_first().first()
    if version is None:  # every handoff is created with version 1
        raise Conflict("This handoff has no packet.", code="packet_incomplete")
    return version


# --- Who may act ---------------------------------------------------------------------------------


def require_therapist(handoff: Handoff, user: User, doing: str) -> None:
    actor = actor_for(user)
    if not (actor.is_therapist and actor.clinic_id == handoff.clinic_id):
        raise Forbidden(f"Only a therapist at {handoff.clinic.name} can {doing}.")


def require_trainer(handoff: Handoff, user: User, doing: str) -> None:
    # The trainer at the gym the patient consented to: one who moved gyms left the case behind.
    if user is None or user.pk != handoff.trainer_id or actor_for(user).gym_id != handoff.gym_id:
        raise Forbidden(f"Only the trainer this handoff was sent to can {doing}.")


def require_patient(handoff: Handoff, user: User, doing: str) -> None:
    actor = actor_for(user)
    if not (actor.patient is not None and actor.patient.pk == handoff.patient_id):
        raise Forbidden(f"Only the patient can {doing}.")


def party_of(handoff: Handoff, user: User) -> str | None:
    """ "therapist", "trainer" or "patient" when ``user`` takes part in the handoff."""
    actor = actor_for(user)
    if actor.is_therapist and actor.clinic_id == handoff.clinic_id:
        return "therapist"
    if user is not None and user.pk == handoff.trainer_id and actor.gym_id == handoff.gym_id:
        return "trainer"
    if actor.patient is not None and actor.patient.pk == handoff.patient_id:
        return "patient"
    return None
