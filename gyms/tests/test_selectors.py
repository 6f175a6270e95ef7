"""Gym selectors: staff lists scoped to the asker; certified trainers by date."""

from __future__ import annotations

import datetime

from django.utils import timezone

from gyms.models import GymMembership
from gyms.selectors import certified_trainers, gym_staff
from gyms.tests.factories import TrainerMembershipFactory


def test_gym_staff_lists_colleagues_of_the_same_gym(
    trainer, trainer2, gym_admin, unpartnered_trainer
):
    assert {m.user for m in gym_staff(trainer)} == {trainer, trainer2, gym_admin}
    assert {m.user for m in gym_staff(unpartnered_trainer)} == {unpartnered_trainer}


def test_gym_staff_is_empty_for_non_members(therapist, outsider, trainer):
    assert not gym_staff(therapist).exists()
    assert not gym_staff(outsider).exists()


def test_certified_trainers_leaves_out_expired_certifications_and_admins(
    trainer, gym_admin, iron_oak
):
    today = timezone.localdate()
    expired = TrainerMembershipFactory(
        gym=iron_oak, certification__expires_on=today - datetime.timedelta(days=1)
    )
    last_day = TrainerMembershipFactory(gym=iron_oak, certification__expires_on=today)

    found = set(certified_trainers(on=today))

    assert found == {GymMembership.objects.get(user=trainer), last_day}
    assert expired not in found
