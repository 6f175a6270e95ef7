"""The FHIR endpoints: a handoff as a Bundle, its Task alone, and importing a referral.

Same gates as the packet: ``access_handoff`` answers 404 for a handoff the caller may not see;
every export is recorded in the access log (one row for the handoff and one for its patient,
per read), and each party gets only what its packet view shows.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import caller
from core.drf import SafeJSONParser
from core.errors import Forbidden
from core.subjects import SubjectType
from gyms.models import GymMembership
from handoff.api.handoffs_common import (
    HANDOFF,
    NOT_FOUND,
    TOO_LARGE,
    UNAUTHENTICATED,
    error,
    log_reads,
    represent,
)
from handoff.selectors import access_handoff
from handoff.selectors.packets import prepare
from handoff.services import party_of
from interop.export import Party, as_json, export_bundle, export_task
from interop.services import import_referral
from organisations.roles import actor_for

FHIR_JSON = "application/fhir+json"
TAGS = ["fhir"]


class FhirJSONParser(SafeJSONParser):
    media_type = FHIR_JSON


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


def _party(request: Request, pk: int) -> tuple[Any, Party]:
    user = caller(request)
    handoff = access_handoff(user, pk)
    party = party_of(handoff, user)
    if party is None:
        raise Http404("No handoff matches the given query.")
    return handoff, cast(Party, party)


def _fhir_response(data: dict[str, Any]) -> Response:
    return Response(data, content_type=FHIR_JSON)


class HandoffBundleView(APIView):
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    @extend_schema(
        operation_id="handoffs_fhir_bundle",
        summary="The handoff as a FHIR R4 Bundle (the PA IG's post-rehab referral)",
        description=(
            "A `collection` Bundle in `application/fhir+json`: the referral ServiceRequest, "
            "its Task, the Patient, both sides' Practitioner, PractitionerRole and "
            "Organization, the Condition in lay terms, the CarePlan with the program and "
            "restrictions, the Consent, the session logs as Observations and the final report "
            "as a DiagnosticReport. Only what the caller may see: a trainer's bundle has no "
            "birth date, a patient's has no check-ins or final report. The same handoff "
            "exports the same resource ids every time. The read is recorded in the access log. "
            "docs/fhir.md has the mapping."
        ),
        responses={
            (200, FHIR_JSON): OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR Bundle."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        handoff, party = _party(request, pk)
        bundle = export_bundle(handoff, party=party)
        log_reads(request, SubjectType.HANDOFF, [handoff.pk], action="fhir_export")
        log_reads(request, SubjectType.PATIENT, [handoff.patient_id], action="fhir_export")
        return _fhir_response(as_json(bundle))


class HandoffTaskView(APIView):
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    @extend_schema(
        operation_id="handoffs_fhir_task",
        summary="The referral's FHIR Task alone, its status mapped from the handoff's state",
        description=(
            "What an EHR polls to follow the handoff: draft→draft, sent→requested, "
            "accepted→in-progress, declined→rejected, expired→failed, withdrawn and "
            "revoked→cancelled, referred back→on-hold, completed→completed; statusReason for "
            "rejected, on-hold, cancelled and failed; the trainer's check-ins as notes "
            "(therapist and trainer only). The read is recorded in the access log."
        ),
        responses={
            (200, FHIR_JSON): OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR Task."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        handoff, party = _party(request, pk)
        task = export_task(handoff, party=party)
        log_reads(request, SubjectType.HANDOFF, [handoff.pk], action="fhir_task")
        return _fhir_response(as_json(task))


class ImportedPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matched_by = serializers.ChoiceField(
        choices=["identifier", "name_birth_date_email"],
        allow_null=True,
        help_text="How an existing patient of the clinic was matched; null when created.",
    )


class UnmappedSerializer(serializers.Serializer):
    path = serializers.CharField()
    text = serializers.CharField()


class NotImportedSerializer(serializers.Serializer):
    path = serializers.CharField()
    resource_type = serializers.CharField()
    reason = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    handoff = HANDOFF
    patient = ImportedPatientSerializer()
    unmapped = UnmappedSerializer(many=True)
    not_imported = NotImportedSerializer(many=True)
    notices = serializers.ListField(child=serializers.CharField())


def _trainer_param(request: Request) -> User | None:
    raw = request.query_params.get("trainer")
    if raw is None:
        return None
    membership = None
    if raw.isdigit() and len(raw) < 12:
        membership = (
            GymMembership.objects.select_related("user")
            .filter(user_id=int(raw), role=GymMembership.Role.TRAINER)
            .first()
        )
    if membership is None:
        raise serializers.ValidationError({"trainer": ["No trainer with this id."]})
    return membership.user


class ImportView(APIView):
    parser_classes = [SafeJSONParser, FhirJSONParser]

    @extend_schema(
        operation_id="handoffs_fhir_import",
        summary="Import an EHR's referral Bundle as a draft handoff",
        description=(
            "A therapist posts a FHIR R4 Bundle holding a referral ServiceRequest, its Patient "
            "and, optionally, a CarePlan with the program and restrictions. The patient is "
            "matched within the caller's clinic (by identifier, or by name, birth date and "
            "email) or created; a draft is created for the trainer named by `?trainer=` (or "
            "the referral's performer, by email). What could not be mapped is listed in "
            "`unmapped` and kept as text in the draft's notes for the trainer. A malformed "
            "bundle, an unknown resource type or a reference that does not resolve answers "
            '400 naming the path, e.g. `{"entry[2].resource.subject": ["…"]}`; nothing is '
            "created."
        ),
        request={"application/json": OpenApiTypes.OBJECT, FHIR_JSON: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "trainer",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="The draft's trainer: an id from `trainers/`.",
            )
        ],
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='The path of the problem and why: {"entry[0].resource.name": ["…"]}.',
            ),
            401: UNAUTHENTICATED,
            403: error("The caller is not a therapist."),
            413: TOO_LARGE,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        user = caller(request)
        if not actor_for(user).is_therapist:  # the role first, before the body or the query
            raise Forbidden(
                "Only a physical therapist can import a referral.", code="therapist_only"
            )
        result = import_referral(bundle=request.data, by=user, trainer=_trainer_param(request))
        handoff = represent(request, [prepare(result.handoff)], action="import")[0]
        body = {
            "handoff": handoff,
            "patient": {"id": result.patient.pk, "matched_by": result.matched_by},
            "unmapped": result.referral.unmapped,
            "not_imported": result.referral.not_imported,
            "notices": result.referral.notices,
        }
        return Response(body, status=status.HTTP_201_CREATED)
