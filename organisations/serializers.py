"""Serializers for ``me/``, ``trainers/`` and ``exercises/``. Each has an explicit field list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import serializers

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.roles import Actor


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["clinic", "gym"])


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.ChoiceField(
        choices=["therapist", "trainer", "patient", "clinic_admin", "gym_admin"], allow_null=True
    )
    organisation = OrganisationSerializer(allow_null=True)
    admin = serializers.BooleanField()


def me_data(user: User, actor: Actor) -> dict[str, Any]:
    """The ``me/`` body for a user and their ``organisations.roles.Actor``."""
    organisation = None
    if actor.clinic_membership is not None:
        clinic = actor.clinic_membership.clinic
        organisation = {"id": clinic.pk, "name": clinic.name, "kind": "clinic"}
    elif actor.gym_membership is not None:
        gym = actor.gym_membership.gym
        organisation = {"id": gym.pk, "name": gym.name, "kind": "gym"}
    elif actor.patient is not None:
        clinic = actor.patient.clinic
        organisation = {"id": clinic.pk, "name": clinic.name, "kind": "clinic"}
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": actor.role,
        "organisation": organisation,
        "admin": actor.is_admin,
    }
