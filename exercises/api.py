"""``exercises/``: the exercise library, for any staff member.

Who may list it (staff of a clinic or a gym) is a question of roles, which live above this app;
``config/api_urls.py`` wires the view with ``organisations.permissions.IsStaffMember``
(docs/decisions/0012-permissions-wired-where-roles-are-known.md).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers

from core.api import BAD_FILTER, UNAUTHENTICATED, ErrorSerializer
from core.filters import json_list_has
from exercises.models import Exercise
from exercises.vocabularies import BodyRegion, Pattern


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    body_regions = serializers.ListField(child=serializers.CharField())
    patterns = serializers.ListField(child=serializers.CharField())
    equipment = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Exercise
        fields = ["id", "name", "instructions", "body_regions", "patterns", "impact", "equipment"]
        read_only_fields = fields


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
        return json_list_has(queryset, "body_regions", value)

    def filter_pattern(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        return json_list_has(queryset, "patterns", value)

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
    filterset_class = ExerciseFilter
    queryset = Exercise.objects.order_by("name", "pk")
