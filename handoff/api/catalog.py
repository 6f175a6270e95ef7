"""``me/``, ``trainers/`` and ``exercises/``: who am I, whom can I hand off to, and the library.

Views are thin: check the role, read through a scoped selector, serialize.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.api import ErrorSerializer
from exercises.models import Exercise
from exercises.vocabularies import BodyRegion, Pattern
from gyms.models import GymMembership, Specialty
from handoff.api.serializers_catalog import (
    ExerciseSerializer,
    MeSerializer,
    TrainerSerializer,
    me_data,
)
from handoff.partnerships import trainers_available_to
from handoff.roles import actor_for

UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not logged in.")
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='A query parameter is invalid; the body names it: {"pattern": ["…"]}.',
)


class IsTherapist(BasePermission):
    message = "Only a physical therapist can choose a trainer for a handoff."
    code = "therapist_only"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return actor_for(request.user).is_therapist


class IsStaffMember(BasePermission):
    message = "The exercise library is for clinic and gym staff."
    code = "staff_only"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return actor_for(request.user).is_staff_member


def _json_list_has(queryset: QuerySet[Any], field: str, code: str) -> QuerySet[Any]:
    # JSONField's list containment is not supported on SQLite; a quoted code matched as text is
    # exact on both SQLite and PostgreSQL, since codes never contain quotes.
    return queryset.filter(**{f"{field}__icontains": f'"{code}"'})


@extend_schema_field(OpenApiTypes.INT)
class IntegerIdField(forms.IntegerField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)  # ids are integer columns
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """An integer id: ``?gym=1.5`` or a 30-digit number is a 400, not a filter or a 500."""

    field_class = IntegerIdField


# --- me/ -------------------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(
        operation_id="me",
        summary="Who am I",
        description=(
            "The caller's role and organisation, from their memberships. A login that belongs "
            "to no organisation and no patient record gets `role` and `organisation` null."
        ),
        responses={200: MeSerializer, 401: UNAUTHENTICATED},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):
            raise NotAuthenticated()
        return Response(MeSerializer(me_data(user, actor_for(user))).data)


# --- trainers/ -------------------------------------------------------------------------------


class TrainerFilter(filters.FilterSet):
    specialty = filters.ChoiceFilter(choices=Specialty.choices, method="filter_specialty")
    gym = IdFilter(field_name="gym_id", label="Gym id")

    class Meta:
        model = GymMembership
        fields: list[str] = []

    def filter_specialty(
        self, queryset: QuerySet[GymMembership], name: str, value: str
    ) -> QuerySet[GymMembership]:
        return _json_list_has(queryset, "specialties", value)


@extend_schema_view(
    get=extend_schema(
        operation_id="trainers_list",
        summary="Trainers a handoff may go to",
        description=(
            "Trainers at gyms with an active partnership with the caller's clinic who hold an "
            "unexpired certification (only those certifications are listed). `id` is the trainer's "
            "user id, the one a handoff's `trainer` takes. Therapists only."
        ),
        responses={
            200: TrainerSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="The caller is not a therapist."),
        },
        tags=["trainers"],
    )
)
class TrainerListView(generics.ListAPIView[GymMembership]):
    serializer_class = TrainerSerializer
    permission_classes = [IsAuthenticated, IsTherapist]
    filterset_class = TrainerFilter

    def get_queryset(self) -> QuerySet[GymMembership]:
        if getattr(self, "swagger_fake_view", False):
            return GymMembership.objects.none()
        return trainers_available_to(self.request.user)


# --- exercises/ ------------------------------------------------------------------------------


class ExerciseFilter(filters.FilterSet):
    body_region = filters.ChoiceFilter(choices=BodyRegion.choices, method="filter_body_region")
    pattern = filters.ChoiceFilter(choices=Pattern.choices, method="filter_pattern")
    q = filters.CharFilter(
        method="filter_text", max_length=100, label="Words in the name or instructions"
    )

    class Meta:
        model = Exercise
        fields: list[str] = []

    def filter_body_region(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        return _json_list_has(queryset, "body_regions", value)

    def filter_pattern(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        return _json_list_has(queryset, "patterns", value)

    def filter_text(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        return queryset.filter(Q(name__icontains=value) | Q(instructions__icontains=value))


@extend_schema_view(
    get=extend_schema(
        operation_id="exercises_list",
        summary="The exercise library",
        description="Any staff member (therapist, trainer, clinic or gym admin). Sorted by name.",
        responses={
            200: ExerciseSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="The caller is not a staff member."),
        },
        tags=["exercises"],
    )
)
class ExerciseListView(generics.ListAPIView[Exercise]):
    serializer_class = ExerciseSerializer
    permission_classes = [IsAuthenticated, IsStaffMember]
    filterset_class = ExerciseFilter
    queryset = Exercise.objects.order_by("name", "pk")
