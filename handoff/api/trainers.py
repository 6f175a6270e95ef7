"""``trainers/``: the trainers a therapist's handoff may go to, with how many cases each has open."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clinics.permissions import IsTherapist
from core.api import BAD_FILTER, UNAUTHENTICATED, ErrorSerializer
from core.filters import IdFilter, json_list_has
from core.subjects import SubjectType
from gyms.models import Certification, GymMembership, Specialty
from handoff.api.handoffs_common import log_reads
from handoff.api.serializers_handoff import GymSummarySerializer
from handoff.matching import rank_for_handoff
from handoff.selectors import access_handoff, trainers_available_to
from handoff.services._base import current_version


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


class MatchSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="1 is the best fit.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why, in words: specialty, places, past answers."
    )
    flags = serializers.ListField(
        child=serializers.CharField(),
        help_text="What to watch, e.g. a certification that expires before the first review.",
    )


class TrainerMatchSerializer(TrainerSerializer):
    """A trainer in ``trainers/``; ranked for a packet with ``?for_handoff=``."""

    match = serializers.SerializerMethodField()

    class Meta(TrainerSerializer.Meta):
        fields = [*TrainerSerializer.Meta.fields, "match"]
        read_only_fields = fields

    @extend_schema_field(MatchSerializer(allow_null=True))
    def get_match(self, membership: GymMembership) -> dict[str, Any] | None:
        return getattr(membership, "match", None)


class ChoosesTrainers(IsTherapist):
    message = "Only a physical therapist can choose a trainer for a handoff."


class TrainerFilter(filters.FilterSet):
    specialty = filters.ChoiceFilter(choices=Specialty.choices, method="filter_specialty")
    gym = IdFilter(field_name="gym_id", label="Gym id")
    # Validated here (400 naming it); the ranking itself is the view's (handoff.matching).
    for_handoff = IdFilter(
        method="keep", label="Rank for this handoff's packet (adds `match`; full trainers left out)"
    )

    class Meta:
        model = GymMembership
        fields: list[str] = []

    def filter_specialty(
        self, queryset: QuerySet[GymMembership], name: str, value: str
    ) -> QuerySet[GymMembership]:
        return json_list_has(queryset, "specialties", value)

    def keep(self, queryset: QuerySet[GymMembership], name: str, value: int) -> Any:
        return queryset


@extend_schema_view(
    get=extend_schema(
        operation_id="trainers_list",
        summary="Trainers a handoff may go to",
        description=(
            "Trainers at gyms with an active partnership with the caller's clinic who hold an "
            "unexpired certification (only those certifications are listed). `id` is the trainer's "
            "user id, the one a handoff's `trainer` takes. Therapists only. With "
            "`?for_handoff=<id>` only those with a place left, best match first, each with "
            "`match: {rank, reasons, flags}` (`match` is null otherwise)."
        ),
        responses={
            200: TrainerMatchSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="The caller is not a therapist."),
            404: OpenApiResponse(
                ErrorSerializer, description="`?for_handoff=` names no handoff the caller sees."
            ),
        },
        tags=["trainers"],
    )
)
class TrainerListView(generics.ListAPIView[GymMembership]):
    serializer_class = TrainerMatchSerializer
    permission_classes = [IsAuthenticated, ChoosesTrainers]
    filterset_class = TrainerFilter

    def get_queryset(self) -> QuerySet[GymMembership]:
        if getattr(self, "swagger_fake_view", False):
            return GymMembership.objects.none()
        return trainers_available_to(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        trainers = self.filter_queryset(self.get_queryset())  # 400 for a bad ?for_handoff=
        if "for_handoff" not in request.query_params:
            return super().list(request, *args, **kwargs)
        handoff = access_handoff(request.user, request.query_params["for_handoff"])
        log_reads(request, SubjectType.HANDOFF, [handoff.pk], action="match")
        ranked = rank_for_handoff(trainers, handoff, current_version(handoff))
        page = self.paginate_queryset(ranked) or []
        return self.get_paginated_response(TrainerMatchSerializer(page, many=True).data)
