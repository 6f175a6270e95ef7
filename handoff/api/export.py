"""The patient's own data: ``me/export/`` (JSON) and ``me/export.pdf`` for the patient, and
``patients/{id}/export/`` and ``patients/{id}/export.pdf`` for an admin of the patient's clinic
producing the same on the patient's request. Every export writes the access log."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.permissions import caller
from audit.services import record_access
from clinics.models import Patient
from clinics.selectors import patients_visible_to
from core.errors import Forbidden
from handoff.export import export_pdf, patient_export
from handoff.models import Handoff
from organisations.roles import actor_for

_ERRORS = {
    401: OpenApiResponse(description="Not logged in."),
    403: OpenApiResponse(description="The caller's role cannot export this."),
}


def _own_patient(request: Request) -> Patient:
    actor = actor_for(caller(request))
    if not actor.is_patient or actor.patient is None:
        raise Forbidden("Only a patient can download their own data here.", code="wrong_role")
    return actor.patient


def _clinic_patient(request: Request, pk: int) -> Patient:
    user = caller(request)
    patient = patients_visible_to(user).select_related("clinic").filter(pk=pk).first()
    if patient is None:
        raise NotFound()
    if actor_for(user).role != "clinic_admin":
        raise Forbidden(
            "Only an admin of the clinic can export a patient's data.", code="wrong_role"
        )
    return patient


def _respond(request: Request, patient: Patient, *, pdf: bool) -> HttpResponse:
    data = patient_export(patient)
    record_access(request, action="export", object_type="patient", object_ids=[patient.pk])
    handoff_ids = Handoff.objects.filter(patient=patient).values_list("pk", flat=True)
    record_access(request, action="export", object_type="handoff", object_ids=list(handoff_ids))
    stem = f"baton-export-{patient.pk}"
    if pdf:
        response = HttpResponse(export_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    else:
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    response["Cache-Control"] = "no-store"
    return response


class MyExportView(APIView):
    @extend_schema(
        operation_id="me_export",
        tags=["me"],
        summary="Everything Baton holds about you (patients), as JSON",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), **_ERRORS},
    )
    def get(self, request: Request) -> HttpResponse:
        return _respond(request, _own_patient(request), pdf=False)


class MyExportPdfView(APIView):
    @extend_schema(
        operation_id="me_export_pdf",
        tags=["me"],
        summary="Everything Baton holds about you (patients), as a readable PDF",
        responses={200: OpenApiResponse(OpenApiTypes.BINARY), **_ERRORS},
    )
    def get(self, request: Request) -> HttpResponse:
        return _respond(request, _own_patient(request), pdf=True)


class PatientExportView(APIView):
    @extend_schema(
        operation_id="patients_export",
        tags=["patients"],
        summary="A patient's data export, produced by an admin of their clinic on request",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT),
            404: OpenApiResponse(description="No such patient at the caller's clinic."),
            **_ERRORS,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return _respond(request, _clinic_patient(request, pk), pdf=False)


class PatientExportPdfView(APIView):
    @extend_schema(
        operation_id="patients_export_pdf",
        tags=["patients"],
        summary="A patient's data export as PDF, produced by an admin of their clinic",
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description="No such patient at the caller's clinic."),
            **_ERRORS,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return _respond(request, _clinic_patient(request, pk), pdf=True)
