"""Gym services: inviting staff and recording certifications."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Invitation, User
from core.errors import Conflict, Forbidden
from gyms.models import Certification, GymMembership
from gyms.services import add_certification, invite_gym_staff
from gyms.tests.factories import GymFactory
from notifications.models import Notification


def trainer_membership(user) -> GymMembership:
    return GymMembership.objects.select_related("gym").get(user=user)


def test_gym_admin_invites_a_trainer(gym_admin, iron_oak):
    membership = invite_gym_staff(
        iron_oak,
        email="Coach@IronOak.Example",
        name="Kit Coach",
        role="trainer",
        specialties=["knee", "post_rehab", "knee"],
        capacity=8,
        by=gym_admin,
    )

    assert membership.user.email == "coach@ironoak.example"
    assert membership.specialties == ["knee", "post_rehab"]
    assert membership.capacity == 8
    assert membership.is_admin is False
    assert Invitation.objects.get(user=membership.user).purpose == "staff"
    assert membership.user.notification_preference.quiet_start is None


def test_invited_gym_admin_has_admin_rights(gym_admin, iron_oak):
    membership = invite_gym_staff(
        iron_oak, email="a2@ironoak.example", name="A", role="admin", capacity=0, by=gym_admin
    )

    assert membership.is_admin is True


def test_trainer_cannot_invite_staff(trainer, iron_oak):
    with pytest.raises(Forbidden):
        invite_gym_staff(iron_oak, email="x@i.example", name="X", role="trainer", by=trainer)

    assert not User.objects.filter(email="x@i.example").exists()


def test_admin_of_another_gym_cannot_invite_staff(gym_admin):
    elsewhere = GymFactory()

    with pytest.raises(Forbidden):
        invite_gym_staff(elsewhere, email="x@e.example", name="X", role="trainer", by=gym_admin)


def test_unknown_specialty_is_refused(gym_admin, iron_oak):
    with pytest.raises(ValidationError) as error:
        invite_gym_staff(
            iron_oak,
            email="x@i.example",
            name="X",
            role="trainer",
            specialties=["yoga"],
            by=gym_admin,
        )

    assert "specialties" in error.value.message_dict


@pytest.mark.parametrize("persona", ["therapist", "trainer", "patient", "outsider"])
def test_email_that_already_has_a_login_is_not_invited_and_its_holder_is_told(
    request, gym_admin, iron_oak, persona
):
    holder = request.getfixturevalue(persona)
    members_before = GymMembership.objects.count()

    result = invite_gym_staff(iron_oak, email=holder.email, name="X", role="trainer", by=gym_admin)

    assert result is None
    assert GymMembership.objects.count() == members_before
    assert Notification.objects.get(recipient=holder).title == (
        "Someone tried to invite you to Baton"
    )


def test_trainer_adds_their_own_certification(trainer):
    expires = timezone.localdate() + datetime.timedelta(days=200)

    certification = add_certification(
        trainer_membership(trainer), body="ACE", number=" ACE-1 ", expires_on=expires, by=trainer
    )

    assert (certification.body, certification.number) == ("ACE", "ACE-1")


def test_gym_admin_adds_a_trainers_certification(gym_admin, trainer):
    expires = timezone.localdate() + datetime.timedelta(days=200)

    add_certification(
        trainer_membership(trainer), body="NASM", number="N-1", expires_on=expires, by=gym_admin
    )

    assert Certification.objects.filter(trainer__user=trainer).count() == 2


def test_colleague_cannot_add_a_trainers_certification(trainer, trainer2):
    expires = timezone.localdate() + datetime.timedelta(days=200)

    with pytest.raises(Forbidden):
        add_certification(
            trainer_membership(trainer), body="ACE", number="A", expires_on=expires, by=trainer2
        )


def test_expired_certification_is_refused(trainer):
    yesterday = timezone.localdate() - datetime.timedelta(days=2)

    with pytest.raises(ValidationError) as error:
        add_certification(
            trainer_membership(trainer), body="ACE", number="A", expires_on=yesterday, by=trainer
        )

    assert "expires_on" in error.value.message_dict


def test_same_certification_twice_is_409(trainer):
    expires = timezone.localdate() + datetime.timedelta(days=200)
    membership = trainer_membership(trainer)
    add_certification(membership, body="ACE", number="A", expires_on=expires, by=trainer)

    with pytest.raises(Conflict):
        add_certification(membership, body="ACE", number="A", expires_on=expires, by=trainer)


def test_unknown_certification_body_is_refused(trainer):
    expires = timezone.localdate() + datetime.timedelta(days=200)

    with pytest.raises(ValidationError) as error:
        add_certification(
            trainer_membership(trainer), body="XYZ", number="A", expires_on=expires, by=trainer
        )

    assert "body" in error.value.message_dict
