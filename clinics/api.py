"""``patients/``, ``patients/{id}/`` and ``patients/{id}/invite/``: a therapist's own patients.

Visibility first, then role: the queryset always comes from ``patients_visible_to``, so another
clinic's patient is a 404 whoever asks; a clinic member who may see a patient but is not a
therapist gets 403.

Every response that carries a patient writes one ``AccessLog`` row per patient in it (one
``bulk_create`` per request): ``read`` for a detail, ``list`` for each patient on a list page,
and ``create``, ``update`` or ``invite`` for the write that returned it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import caller
from audit.services import record_access
from clinics import permissions
from clinics.models import Patient, patient_fields_for
from clinics.selectors import membership_of, patients_visible_to
from clinics.services import create_patient, invite_patient, update_patient
from core.api import UNAUTHENTICATED, ErrorSerializer
from core.subjects import SubjectType

THERAPIST_ONLY = "Only a physical therapist can work with patient records."


class TherapistPatientSerializer(serializers.ModelSerializer[Patient]):
    """The therapist's view of a patient. ``private_notes`` are clinic-internal: this serializer
    is for therapists only and is never used for a trainer or the patient."""

    name = serializers.CharField(read_only=True)
    has_login = serializers.SerializerMethodField(
        help_text="The patient has a portal login, or was invited to one."
    )

    class Meta:
        model = Patient
        fields = [*patient_fields_for("therapist"), "has_login", "created_at", "updated_at"]
        read_only_fields = ["id", "name", "has_login", "created_at", "updated_at"]

    def get_has_login(self, patient: Patient) -> bool:
        # Invited counts as a login: whether the invitation could make one is not the
        # clinic's to learn (an address with a login elsewhere would show as "no login").
        return patient.user_id is not None or patient.portal_invited_at is not None


class TherapistsOnly(permissions.IsTherapist):
    message = THERAPIST_ONLY


def record_patient_access(request: Request, patients: Iterable[Patient], *, action: str) -> None:
    record_access(
        request, action=action, object_type=SubjectType.PATIENT, object_ids=[p.pk for p in patients]
    )


NOT_THERAPIST = OpenApiResponse(ErrorSerializer, description="The caller is not a therapist.")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such patient at the caller's clinic (never confirms one)."
)
BAD_FIELDS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='A field is invalid; the body names it: {"date_of_birth": ["…"]}. Nothing changed.',
)


class PatientListView(generics.GenericAPIView[Patient]):
    serializer_class = TherapistPatientSerializer
    permission_classes = [IsAuthenticated, TherapistsOnly]

    def get_queryset(self) -> QuerySet[Patient]:
        return patients_visible_to(self.request.user)

    @extend_schema(
        operation_id="patients_list",
        summary="The caller's clinic's patients, newest first",
        responses={
            200: TherapistPatientSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_THERAPIST,
        },
        tags=["patients"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        record_patient_access(request, page, action="list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="patients_create",
        summary="Add a patient to the caller's clinic",
        responses={
            201: TherapistPatientSerializer,
            400: BAD_FIELDS,
            401: UNAUTHENTICATED,
            403: NOT_THERAPIST,
        },
        tags=["patients"],
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_of(request.user)
        assert membership is not None  # noqa: S101 - IsTherapist guarantees it
        patient = create_patient(
            clinic=membership.clinic, by=caller(request), **serializer.validated_data
        )
        record_patient_access(request, [patient], action="create")
        return Response(self.get_serializer(patient).data, status=status.HTTP_201_CREATED)


class PatientObjectView(generics.GenericAPIView[Patient]):
    """One patient, found through ``patients_visible_to``: 404 before any role check."""

    serializer_class = TherapistPatientSerializer

    def get_queryset(self) -> QuerySet[Patient]:
        return patients_visible_to(self.request.user)

    def get_patient(self) -> Patient:
        patient = self.get_object()  # 404 first: never confirm another clinic's patient
        if not permissions.is_therapist(self.request.user):
            raise PermissionDenied(THERAPIST_ONLY, code="therapist_only")
        return patient


class PatientDetailView(PatientObjectView):
    @extend_schema(
        operation_id="patients_retrieve",
        summary="One patient of the caller's clinic",
        responses={
            200: TherapistPatientSerializer,
            401: UNAUTHENTICATED,
            403: NOT_THERAPIST,
            404: NOT_FOUND,
        },
        tags=["patients"],
    )
    def get(self, request: Request, pk: int) -> Response:
        patient = self.get_patient()
        record_patient_access(request, [patient], action="read")
        return Response(self.get_serializer(patient).data)

    @extend_schema(
        operation_id="patients_partial_update",
        summary="Change a patient's details",
        responses={
            200: TherapistPatientSerializer,
            400: BAD_FIELDS,
            401: UNAUTHENTICATED,
            403: NOT_THERAPIST,
            404: NOT_FOUND,
        },
        tags=["patients"],
    )
    def patch(self, request: Request, pk: int) -> Response:
        patient = self.get_patient()
        serializer = self.get_serializer(patient, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        patient = update_patient(patient, by=caller(request), **serializer.validated_data)
        record_patient_access(request, [patient], action="update")
        return Response(self.get_serializer(patient).data)


class PatientInviteView(PatientObjectView):
    @extend_schema(
        operation_id="patients_invite",
        summary="Email the patient a single-use link to the portal",
        request=None,
        responses={
            200: TherapistPatientSerializer,
            401: UNAUTHENTICATED,
            403: NOT_THERAPIST,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The patient has no email address, or already has a login.",
            ),
        },
        tags=["patients"],
    )
    def post(self, request: Request, pk: int) -> Response:
        patient = invite_patient(self.get_patient(), by=caller(request))
        record_patient_access(request, [patient], action="invite")
        return Response(self.get_serializer(patient).data)
