"""Small builders that bring a handoff to any state through the real services."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from handoff import services
from handoff.models import Handoff
from handoff.services.packets import ClearanceSpec, PacketSpec, ProgramItemSpec, RestrictionSpec


def clinic_today() -> datetime.date:
    """Today at the test clinics (America/New_York), which is what the services use."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo("America/New_York"))


def packet(**overrides) -> PacketSpec:
    today = clinic_today()
    values = {
        "clearance": ClearanceSpec(
            cleared_on=today - datetime.timedelta(days=2),
            level="with_restrictions",
            condition="Right knee, 5 months after ACL reconstruction",
            surgery_date=today - datetime.timedelta(days=150),
            discharge_reason="goals met",
            visits_completed=18,
            goals="Return to recreational football",
            notes_for_trainer="Prefers morning sessions.",
        ),
        "program": (
            ProgramItemSpec(name="Split squat", sets=3, reps=10, per_week=3, load="bodyweight"),
            ProgramItemSpec(name="Side plank", sets=3, hold_seconds=30, per_week=3),
        ),
        "restrictions": (
            RestrictionSpec(
                kind="avoid_pattern",
                body_region="knee",
                pattern="plyometric",
                text="No jumping or landing drills",
                review_on=today + datetime.timedelta(days=30),
            ),
        ),
        "red_flags": ("swelling", "numbness", "giving_way"),
        "pain_ceiling": 5,
    }
    values.update(overrides)
    return PacketSpec(**values)


def draft(*, therapist, patient_record, trainer, spec: PacketSpec | None = None) -> Handoff:
    return services.create_handoff(
        patient=patient_record, trainer=trainer, packet=spec or packet(), by=therapist
    )


def with_consent(handoff: Handoff, therapist) -> Handoff:
    services.record_consent(
        handoff, by=therapist, signed_on=clinic_today() - datetime.timedelta(days=1)
    )
    return handoff


def sent(*, therapist, patient_record, trainer, spec: PacketSpec | None = None) -> Handoff:
    handoff = with_consent(
        draft(therapist=therapist, patient_record=patient_record, trainer=trainer, spec=spec),
        therapist,
    )
    return services.send_handoff(handoff, by=therapist)


def accepted(*, therapist, patient_record, trainer, spec: PacketSpec | None = None) -> Handoff:
    handoff = sent(therapist=therapist, patient_record=patient_record, trainer=trainer, spec=spec)
    return services.accept_handoff(handoff, by=trainer)


def in_state(status: str, *, therapist, patient_record, trainer) -> Handoff:
    """A handoff in ``status``, reached the way a real one would be."""
    people = {"therapist": therapist, "patient_record": patient_record, "trainer": trainer}
    if status == Handoff.Status.DRAFT:
        return with_consent(draft(**people), therapist)  # ready to send
    if status == Handoff.Status.SENT:
        return sent(**people)
    if status == Handoff.Status.DECLINED:
        return services.decline_handoff(sent(**people), by=trainer, reason="Fully booked")
    if status == Handoff.Status.EXPIRED:
        handoff = sent(**people)
        return services.expire_handoff(handoff, now=handoff.respond_by)
    handoff = accepted(**people)
    if status == Handoff.Status.ACCEPTED:
        return handoff
    if status == Handoff.Status.REFERRED_BACK:
        return services.refer_back(handoff, by=trainer, reason="Knee swelling after squats")
    if status == Handoff.Status.WITHDRAWN:
        return services.withdraw_handoff(handoff, by=therapist, reason="Patient moved away")
    if status == Handoff.Status.COMPLETED:
        return services.complete_handoff(handoff, by=therapist)
    if status == Handoff.Status.REVOKED:
        services.revoke_consent(handoff, by=patient_record.user)
        handoff.refresh_from_db()
        return handoff
    raise ValueError(status)


# --- The trainer's plan (issue 12) ------------------------------------------------------------------

JOGGING = {
    "name": "Treadmill jog",
    "body_regions": ("whole_body", "knee", "ankle_foot"),
    "patterns": ("running",),
    "impact": "moderate",
    "sets": 1,
    "seconds": 900,
    "per_week": 2,
}
NO_IMPACT_ON_THE_KNEE = RestrictionSpec(
    kind="no_impact",
    body_region="knee",
    text="No running or jumping on the knee",
    review_on=clinic_today() + datetime.timedelta(days=40),
)


def plan_item(handoff: Handoff, trainer, *, exception_reason: str = "", **fields):
    from handoff.services import plan

    spec = plan.plan_item_spec({**JOGGING, **fields})
    return plan.add_plan_item(handoff, by=trainer, spec=spec, exception_reason=exception_reason)


def amend_with(handoff: Handoff, therapist, *restrictions: RestrictionSpec):
    """Amend the packet: the builders' packet with these restrictions added."""
    base = packet()
    return services.amend_packet(
        handoff,
        by=therapist,
        packet=PacketSpec(**{**base.__dict__, "restrictions": (*base.restrictions, *restrictions)}),
        change_note="New limits after review",
    )
