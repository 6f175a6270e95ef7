"""The demo handoffs (docs/api.md, "Demo data"), built through the real services.

Riverside gets: Alex Morgan's one handoff, accepted by trainer@ironoak.example, with a pain
ceiling of 5, the red flags swelling, numbness and giving way, and three weeks of session logs;
a draft for Jordan Lee (with a box jump its own "no jumping" restriction forbids, so it cannot be
sent without an override) and a sent handoff for Casey Nguyen, both to trainer@ironoak.example.
The knee packet's split squat breaks its 90-degree knee limit; the therapist overrides that.
A patient who already has a handoff is left alone, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import replace
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from clinics.models import Patient
from exercises.models import Exercise
from handoff import services
from handoff.models import Handoff, HandoffEvent
from handoff.services.packets import (
    ClearanceSpec,
    OverrideSpec,
    PacketSpec,
    ProgramItemSpec,
    RestrictionSpec,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# (slug, sets, reps, hold seconds, load, per week, progression)
KNEE_PROGRAM = (
    ("split-squat", 3, 10, None, "bodyweight", 3, "Add 2.5 kg when 3x10 is pain-free."),
    ("glute-bridge", 3, 12, None, "bodyweight", 3, ""),
    ("lateral-step-down", 3, 8, None, "bodyweight", 3, "Raise the step 5 cm when controlled."),
    ("side-plank", 3, None, 30, "", 3, "Add 10 s when steady."),
    ("stationary-bike", 1, None, 600, "easy", 4, ""),
)


def _program(today: datetime.date) -> tuple[ProgramItemSpec, ...]:
    ids = dict(
        Exercise.objects.filter(slug__in=[row[0] for row in KNEE_PROGRAM]).values_list("slug", "pk")
    )
    return tuple(
        ProgramItemSpec(
            exercise=ids.get(slug),
            name="" if slug in ids else slug.replace("-", " ").capitalize(),
            sets=sets,
            reps=reps,
            hold_seconds=hold,
            load=load,
            per_week=per_week,
            progression=progression,
        )
        for slug, sets, reps, hold, load, per_week, progression in KNEE_PROGRAM
    )


def _box_jump() -> ProgramItemSpec:
    exercise = Exercise.objects.filter(slug="box-jump").first()
    return ProgramItemSpec(
        exercise=exercise.pk if exercise else None,
        name="" if exercise else "Box jump",
        sets=3,
        reps=5,
        load="bodyweight",
        per_week=2,
        cues="Land softly, knees over toes.",
    )


def draft_with_box_jump(today: datetime.date) -> PacketSpec:
    """Jordan's draft: the program now has a box jump, which its own "no jumping" restriction
    forbids, so sending it is refused (``program_conflicts``) until the therapist overrides."""
    packet = knee_packet(today)
    return replace(packet, program=(*packet.program, _box_jump()))


def knee_packet(today: datetime.date) -> PacketSpec:
    return PacketSpec(
        clearance=ClearanceSpec(
            cleared_on=today - datetime.timedelta(days=25),
            level="with_restrictions",
            condition="Right knee, 5 months after ACL reconstruction",
            surgery_date=today - datetime.timedelta(days=160),
            discharge_reason="Goals of formal rehab met",
            visits_completed=18,
            goals_met="Full knee extension; walks and climbs stairs without pain.",
            goals_open="Single-leg strength at 90% of the other side; return to jogging.",
            can_do_now="Bodyweight squats to 90°, step-ups, 20 minutes on the bike.",
            goals="Build single-leg strength and confidence for recreational football.",
            notes_for_trainer="Watch the right knee caving in on single-leg work.",
        ),
        program=_program(today),
        restrictions=(
            RestrictionSpec(
                kind="avoid_pattern",
                body_region="knee",
                pattern="plyometric",
                text="No jumping or landing drills",
                review_on=today + datetime.timedelta(days=45),
            ),
            RestrictionSpec(
                kind="rom_limit",
                body_region="knee",
                pattern="deep_knee_flexion",
                limit_value=Decimal(90),
                limit_unit="deg",
                text="Keep loaded knee bends to 90 degrees",
                review_on=today + datetime.timedelta(days=30),
            ),
        ),
        red_flags=("swelling", "numbness", "giving_way"),
        pain_ceiling=5,
        # The split squat bends the knee past the 90-degree limit: the therapist allows it.
        overrides=(
            OverrideSpec(
                item=1,
                restriction=2,
                reason="Split squats to 70 degrees only: practised in clinic, supervised and "
                "pain-free.",
            ),
        ),
    )


def _backdate(handoff: Handoff, *, sent_days_ago: int, accepted_days_ago: int | None) -> None:
    """Demo only: put the timeline in the past so the screens show a case under way."""
    shift = datetime.timedelta(days=sent_days_ago)
    Handoff.objects.filter(pk=handoff.pk).update(
        created_at=F("created_at") - shift - datetime.timedelta(hours=2),
        sent_at=F("sent_at") - shift,
        respond_by=F("respond_by") - shift,
    )
    HandoffEvent.objects.filter(handoff=handoff).update(at=F("at") - shift)
    if accepted_days_ago is not None:
        moved = datetime.timedelta(days=sent_days_ago - accepted_days_ago)
        Handoff.objects.filter(pk=handoff.pk).update(accepted_at=F("sent_at") + moved)
        HandoffEvent.objects.filter(handoff=handoff, action="accepted").update(at=F("at") + moved)


def seed_handoffs(*, therapist: User, trainer: User) -> None:
    today = timezone.localdate(timezone=NEW_YORK)
    patients = {p.email: p for p in Patient.objects.filter(clinic__memberships__user=therapist)}
    alex = patients.get("patient@riverside.example")
    if alex is not None and not alex.handoffs.exists():
        _accepted_with_logs(alex, therapist=therapist, trainer=trainer, today=today)
    jordan = patients.get("jordan.lee@mail.example")
    if jordan is not None and not jordan.handoffs.exists():
        services.create_handoff(
            patient=jordan, trainer=trainer, packet=draft_with_box_jump(today), by=therapist
        )
    casey = patients.get("casey.nguyen@mail.example")
    if casey is not None and not casey.handoffs.exists():
        handoff = services.create_handoff(
            patient=casey, trainer=trainer, packet=knee_packet(today), by=therapist
        )
        services.record_consent(handoff, by=therapist, signed_on=today - datetime.timedelta(days=1))
        services.send_handoff(handoff, by=therapist)
        _backdate(handoff, sent_days_ago=1, accepted_days_ago=None)


def _accepted_with_logs(
    patient: Patient, *, therapist: User, trainer: User, today: datetime.date
) -> None:
    handoff = services.create_handoff(
        patient=patient, trainer=trainer, packet=knee_packet(today), by=therapist
    )
    services.record_consent(handoff, by=therapist, signed_on=today - datetime.timedelta(days=24))
    handoff = services.send_handoff(handoff, by=therapist)
    handoff = services.accept_handoff(handoff, by=trainer)
    _backdate(handoff, sent_days_ago=23, accepted_days_ago=22)
    # Three weeks of sessions, three a week, pain settling from 4 to 2: all inside the ceiling.
    patient_user = patient.user
    if patient_user is None:
        return
    for days_ago, pain in (
        (21, 4),
        (19, 4),
        (17, 3),
        (14, 3),
        (12, 3),
        (10, 2),
        (7, 2),
        (5, 2),
        (3, 2),
    ):
        services.log_session(
            handoff,
            by=patient_user,
            date=today - datetime.timedelta(days=days_ago),
            completed=True,
            pain=pain,
            difficulty=6,
            note="",
        )
