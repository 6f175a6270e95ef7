"""``trainers/``: the trainers a therapist's handoff may go to, with how many cases each has open."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from clinics.permissions import IsTherapist
from core.api import BAD_FILTER, UNAUTHENTICATED, ErrorSerializer
from core.filters import IdFilter, json_list_has
from gyms.models import Certification, GymMembership, Specialty
from handoff.api.serializers_handoff import GymSummarySerializer
from handoff.selectors import trainers_available_to


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


class ChoosesTrainers(IsTherapist):
    message = "Only a physical therapist can choose a trainer for a handoff."


class TrainerFilter(filters.FilterSet):
    specialty = filters.ChoiceFilter(choices=Specialty.choices, method="filter_specialty")
    gym = IdFilter(field_name="gym_id", label="Gym id")

    class Meta:
        model = GymMembership
        fields: list[str] = []

    def filter_specialty(
        self, queryset: QuerySet[GymMembership], name: str, value: str
    ) -> QuerySet[GymMembership]:
        return json_list_has(queryset, "specialties", value)


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
    permission_classes = [IsAuthenticated, ChoosesTrainers]
    filterset_class = TrainerFilter

    def get_queryset(self) -> QuerySet[GymMembership]:
        if getattr(self, "swagger_fake_view", False):
            return GymMembership.objects.none()
        return trainers_available_to(self.request.user)
