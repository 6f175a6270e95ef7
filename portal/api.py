"""``GET /api/v1/handoffs/{id}/handout.pdf``: the printable plan, for every party (API.md).

Scoped like the handoff itself (``access_handoff``: 404 for anyone who may not see it) and
access logged (``handout``). The paper is the clinic's (US Letter where Letter is the norm,
else A4) unless ``?paper=a4`` or ``?paper=letter`` asks otherwise.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.permissions import caller
from handoff.api.handoffs_common import errors, log_reads
from handoff.selectors import access_handoff
from handoff.selectors.packets import with_packet_parts
from portal.handout import PAPERS, build_handout, paper_for


def handout_response(handoff, *, paper: str | None, as_attachment: bool = True) -> HttpResponse:
    """The PDF as a response (shared by the API and the portal's download button)."""
    version = with_packet_parts(handoff.versions.order_by("-number")).first()
    if version is None:  # every handoff is created with version 1
        raise ValidationError({"handoff": ["This handoff has no packet to print."]})
    paper = paper or paper_for(handoff.clinic.time_zone)
    body = build_handout(handoff, version, paper=paper, today=handoff.clinic.today())
    response = HttpResponse(body, content_type="application/pdf")
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="baton-plan-{handoff.pk}.pdf"'
    return response


def parse_paper(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value.lower() not in PAPERS:
        raise ValidationError({"paper": ["Choose a4 or letter."]})
    return value.lower()


class HandoutView(APIView):
    @extend_schema(
        operation_id="handoffs_handout",
        summary="The printable plan (PDF) for the patient, the therapist and the trainer",
        parameters=[
            OpenApiParameter(
                "paper",
                str,
                enum=list(PAPERS),
                description="a4 or letter; by default the clinic's usual paper.",
            )
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="`paper` is not a4 or letter."),
            **errors(body=False),
        },
        tags=["handoffs"],
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        handoff = access_handoff(caller(request), pk)
        paper = parse_paper(request.query_params.get("paper"))
        response = handout_response(handoff, paper=paper)
        log_reads(request, "handoff", [handoff.pk], action="handout")
        log_reads(request, "patient", [handoff.patient_id], action="handout")
        return response
