"""The people and handoffs the benchmarks work on, made with the project's factories, builders
and services (the same ones the tests use), so the rows look like real ones."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction


@dataclass
class World:
    clinic: Any
    gym: Any
    therapist: Any
    trainers: list[Any]


def organisations(*, trainers: int = 10, capacity: int = 10_000) -> World:
    """One clinic partnered with one gym, a therapist and ``trainers`` trainers."""
    from clinics.tests.factories import ClinicFactory, ClinicMembershipFactory
    from gyms.tests.factories import GymFactory, TrainerMembershipFactory
    from organisations.models import Partnership

    clinic = ClinicFactory(name="Riverside Physical Therapy")
    gym = GymFactory(name="Iron Oak Strength")
    Partnership.objects.create(
        clinic=clinic, gym=gym, status=Partnership.Status.ACTIVE, proposed_by_side="clinic"
    )
    therapist = ClinicMembershipFactory(clinic=clinic, user__email="pt@riverside.bench").user
    people = [
        TrainerMembershipFactory(
            gym=gym, capacity=capacity, user__email=f"trainer{n}@ironoak.bench"
        ).user
        for n in range(trainers)
    ]
    return World(clinic=clinic, gym=gym, therapist=therapist, trainers=people)


def sent_handoffs(world: World, count: int, *, therapist: Any = None) -> list[Any]:
    """``count`` handoffs sent through the services (consent recorded, packet frozen, the
    trainer notified and the two respond reminders scheduled), one patient each."""
    from clinics.tests.factories import PatientFactory
    from handoff.tests.builders import sent

    therapist = therapist or world.therapist
    handoffs = []
    for n in range(count):
        with transaction.atomic():
            patient = PatientFactory(clinic=world.clinic, email=f"patient{n}@mail.bench")
            trainer = world.trainers[n % len(world.trainers)]
            handoffs.append(sent(therapist=therapist, patient_record=patient, trainer=trainer))
    return handoffs


def more_respond_reminders(handoffs: list[Any], total: int, *, due_at: datetime.datetime) -> int:
    """Top the backlog up to ``total`` pending respond reminders with rows shaped exactly as
    ``handoff.reminders.after_send`` makes them (a third, fourth… reminder per handoff).

    Building thousands of handoffs through the services takes minutes; the sweep's work per
    reminder (claim, ask the handler, which reloads the handoff, notify) is the same either way.
    """
    from notifications.kinds import Kind
    from notifications.models import Reminder

    have = Reminder.objects.filter(
        kind=Kind.RESPOND_REMINDER, status=Reminder.Status.PENDING
    ).count()
    rows = []
    for n in range(max(0, total - have)):
        handoff = handoffs[n % len(handoffs)]
        rows.append(
            Reminder(
                kind=Kind.RESPOND_REMINDER,
                recipient_id=handoff.trainer_id,
                due_at=due_at,
                subject_type="handoff",
                subject_id=handoff.pk,
                key=f"{Kind.RESPOND_REMINDER}:{handoff.pk}:{handoff.trainer_id}:bench{n}",
            )
        )
    Reminder.objects.bulk_create(rows, batch_size=500)
    return len(rows)
