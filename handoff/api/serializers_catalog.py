"""Serializers for ``me/``, ``trainers/`` and ``exercises/``. Each has an explicit field list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import serializers

from exercises.models import Exercise
from gyms.models import Certification, GymMembership

if TYPE_CHECKING:
    from accounts.models import User
    from handoff.roles import Actor


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


class GymSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CertificationSummarySerializer(serializers.ModelSerializer[Certification]):
    class Meta:
        model = Certification
        fields = ["body", "expires_on"]


class TrainerSerializer(serializers.ModelSerializer[GymMembership]):
    """A trainer a therapist may hand off to. ``id`` is the trainer's user id, which handoffs
    reference."""

    id = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    email = serializers.EmailField(source="user.email")
    gym = GymSummarySerializer()
    certifications = CertificationSummarySerializer(many=True)
    specialties = serializers.ListField(child=serializers.CharField())
    open_handoffs = serializers.IntegerField()

    class Meta:
        model = GymMembership
        fields = [
            "id",
            "name",
            "email",
            "gym",
            "certifications",
            "specialties",
            "open_handoffs",
            "capacity",
        ]
        read_only_fields = fields


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    body_regions = serializers.ListField(child=serializers.CharField())
    patterns = serializers.ListField(child=serializers.CharField())
    equipment = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Exercise
        fields = ["id", "name", "instructions", "body_regions", "patterns", "impact", "equipment"]
        read_only_fields = fields


def me_data(user: User, actor: Actor) -> dict[str, Any]:
    """The ``me/`` body for a user and their ``handoff.roles.Actor``."""
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
