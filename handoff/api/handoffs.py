"""``handoffs/``, ``handoffs/{id}/`` and the lifecycle actions (docs/api.md).

Every view is thin: fetch through ``access_handoff`` (404 for a handoff the caller may not
see), check the caller's part in it (403), parse the body (400), call one service (409 for an
illegal transition, with the service's sentence), and answer with the caller's role's
representation (``handoffs_common``). Actions answer 200 with the updated handoff in the shape
of ``GET handoffs/{id}/``; creating and reassigning answer 201 with the new handoff.

Who may do what, where docs/api.md is silent, follows the services: only a therapist at the
patient's clinic edits or discards a draft (PATCH and DELETE, draft only, else 409); a clinic
or gym admin, or a login with no role, has no use for the list (403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import Forbidden
from handoff import services
from handoff.api.handoffs_common import (
    BAD_FIELDS,
    HANDOFF,
    NOT_FOUND,
    TOO_LARGE,
    UNAUTHENTICATED,
    RefusalSerializer,
    answer,
    caller,
    error,
    errors,
    log_handoff_reads,
    packet_spec,
    parse,
    represent,
    require_party,
)
from handoff.api.serializers_handoff_input import (
    CompleteInputSerializer,
    CreateHandoffInputSerializer,
    EditDraftInputSerializer,
    ReasonInputSerializer,
    ReassignInputSerializer,
    ReferBackInputSerializer,
    ResumeInputSerializer,
)
from handoff.api.summaries import HandoffSummarySerializer, for_summaries, summaries
from handoff.models import Handoff
from handoff.selectors import access_handoff, handoffs_visible_to
from handoff.selectors.packets import prepare
from organisations.roles import actor_for

TAGS = ["handoffs"]
LIST_ROLES = ("therapist", "trainer", "patient")


# --- handoffs/ ---------------------------------------------------------------------------------------


class HandoffFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Handoff.Status.choices)

    class Meta:
        model = Handoff
        fields: list[str] = []


class HandoffListView(generics.GenericAPIView[Handoff]):
    # What OPTIONS describes; the views pick each role's serializer themselves.
    serializer_class = CreateHandoffInputSerializer
    filterset_class = HandoffFilter

    def get_queryset(self) -> QuerySet[Handoff]:
        if getattr(self, "swagger_fake_view", False):
            return Handoff.objects.none()
        return handoffs_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        operation_id="handoffs_list",
        summary="Handoffs the caller takes part in, newest first",
        description=(
            "A therapist: their clinic's handoffs. A trainer: those sent to them (not drafts, "
            "not after they declined or it closed without them). A patient: their own, once "
            "sent. Each row is a summary, the same for every role: who, where it stands and why "
            "it needs attention; the packet, the timeline and the patient's details are only in "
            "`GET handoffs/{id}/`. Every handoff on the page, and its patient, is recorded in "
            "the access log."
        ),
        responses={
            200: HandoffSummarySerializer(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description='An unknown `?status=`: {"status": ["…"]}.'
            ),
            401: UNAUTHENTICATED,
            403: error("Admins and logins without a role have no handoffs to list."),
        },
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        role = actor_for(request.user).role
        if role not in LIST_ROLES:
            raise Forbidden(
                "Only therapists, trainers and patients take part in handoffs.", code="wrong_role"
            )
        page = list(
            self.paginate_queryset(for_summaries(self.filter_queryset(self.get_queryset()))) or []
        )
        rows = summaries(page, role=role)
        log_handoff_reads(request, page, action="list")
        return self.get_paginated_response(rows)

    @extend_schema(
        operation_id="handoffs_create",
        summary="Start a draft",
        description=(
            "A therapist starts a draft for a patient of their clinic, to a trainer from "
            "`trainers/`. A draft's packet may lack its clearance and have no program yet; "
            "sending it is then refused with `packet_incomplete`."
        ),
        request=CreateHandoffInputSerializer,
        responses={
            201: HANDOFF,
            400: BAD_FIELDS,
            401: UNAUTHENTICATED,
            403: error("The caller is not a therapist."),
            413: TOO_LARGE,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        user = caller(request)
        actor = actor_for(user)
        if not actor.is_therapist or actor.clinic_membership is None:
            raise Forbidden("Only a physical therapist can start a handoff.", code="therapist_only")
        data = parse(CreateHandoffInputSerializer, request)
        handoff = services.create_handoff(
            patient=data["patient"],
            trainer=data["trainer"],
            packet=packet_spec(data["packet"], actor.clinic_membership.clinic),
            by=user,
        )
        return answer(request, handoff, action="create", status_code=status.HTTP_201_CREATED)


# --- handoffs/{id}/ ------------------------------------------------------------------------------------


class HandoffDetailView(APIView):
    @extend_schema(
        operation_id="handoffs_retrieve",
        summary="One handoff",
        description="In the caller's role's shape; the read is recorded in the access log.",
        responses={200: HANDOFF, 401: UNAUTHENTICATED, 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        # A read commits nothing before it, so it needs neither ``answer``'s fallback nor its
        # transaction: the access-log INSERT is one statement, and if it fails nothing is shown.
        handoff = prepare(access_handoff(request.user, pk))
        return Response(represent(request, [handoff], action="read")[0])

    @extend_schema(
        operation_id="handoffs_partial_update",
        summary="Edit a draft",
        description=(
            "The packet (replaced whole) or the trainer, or both. Drafts only: a sent packet is "
            "amended with `POST versions/` instead."
        ),
        request=EditDraftInputSerializer,
        responses={
            200: HANDOFF,
            **errors(
                forbidden="The caller is not a therapist at the patient's clinic.",
                conflict="The handoff is no longer a draft.",
            ),
        },
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "edit a draft")
        data = parse(EditDraftInputSerializer, request)
        packet = packet_spec(data["packet"], handoff.clinic) if "packet" in data else None
        handoff = services.update_draft(
            handoff, by=user, packet=packet, trainer=data.get("trainer")
        )
        return answer(request, handoff, action="update")

    @extend_schema(
        operation_id="handoffs_destroy",
        summary="Discard a draft",
        request=None,
        responses={
            204: None,
            **errors(
                forbidden="The caller is not a therapist at the patient's clinic.",
                conflict="The handoff is no longer a draft (withdraw it instead).",
                body=False,
            ),
        },
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "discard a draft")
        services.discard_draft(handoff, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Actions ---------------------------------------------------------------------------------------------


def _action_schema(
    name: str,
    summary: str,
    *,
    request: Any,
    forbidden: str,
    conflict: str,
    success: int = 200,
    **extra: Any,
) -> Any:
    responses = {
        success: HANDOFF,
        **errors(forbidden=forbidden, conflict=conflict, body=request is not None),
    }
    responses.update(extra.pop("responses", {}))
    return extend_schema(
        operation_id=f"handoffs_{name}",
        summary=summary,
        request=request,
        responses=responses,
        tags=TAGS,
        **extra,
    )


class SendView(APIView):
    @_action_schema(
        "send",
        "Send the draft to its trainer (draft → sent)",
        description=(
            "Refused with 409 and one reason per failed precondition: `consent_required`, "
            "`partnership_inactive`, `certification_expired`, `trainer_at_capacity`, "
            "`open_handoff_exists`, `packet_incomplete`, `program_conflicts` (the program breaks "
            "the packet's own restrictions without an override; the body then lists the "
            "`conflicts`) and `trainer_unavailable`."
        ),
        request=None,
        forbidden="The caller is not a therapist at the patient's clinic.",
        conflict="",
        responses={
            409: OpenApiResponse(
                RefusalSerializer,
                description="Not a draft, or a precondition failed (`conflicts` with "
                "`program_conflicts`).",
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "send this handoff")
        return answer(request, services.send_handoff(handoff, by=user), action="send")


class AcceptView(APIView):
    @_action_schema(
        "accept",
        "Accept the packet (sent → accepted)",
        request=None,
        forbidden="The caller is not the trainer the handoff was sent to.",
        conflict="The handoff is not waiting for an answer (e.g. already accepted).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "accept this handoff")
        return answer(request, services.accept_handoff(handoff, by=user), action="accept")


class DeclineView(APIView):
    @_action_schema(
        "decline",
        "Decline the packet, with a reason (sent → declined)",
        request=ReasonInputSerializer,
        forbidden="The caller is not the trainer the handoff was sent to.",
        conflict="The handoff is not waiting for an answer.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "decline this handoff")
        reason = parse(ReasonInputSerializer, request)["reason"]
        return answer(
            request, services.decline_handoff(handoff, by=user, reason=reason), action="decline"
        )


class WithdrawView(APIView):
    @_action_schema(
        "withdraw",
        "Withdraw an open handoff, with a reason",
        request=ReasonInputSerializer,
        forbidden="The caller is not a therapist at the patient's clinic.",
        conflict="The handoff is not open (sent, accepted or referred back).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "withdraw this handoff")
        reason = parse(ReasonInputSerializer, request)["reason"]
        return answer(
            request, services.withdraw_handoff(handoff, by=user, reason=reason), action="withdraw"
        )


class ReferBackView(APIView):
    @_action_schema(
        "refer_back",
        "Stop training and refer the patient back to the therapist",
        request=ReferBackInputSerializer,
        forbidden="The caller is not the trainer or the patient.",
        conflict="The handoff is not accepted.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer", "patient"), "refer this handoff back")
        data = parse(ReferBackInputSerializer, request)
        handoff = services.refer_back(
            handoff, by=user, reason=data["reason"], symptoms=data.get("symptoms", [])
        )
        return answer(request, handoff, action="refer_back")


class ResumeView(APIView):
    @_action_schema(
        "resume",
        "Resume training after a refer-back (referred back → accepted)",
        request=ResumeInputSerializer,
        forbidden="The caller is not a therapist at the patient's clinic.",
        conflict="The handoff is not referred back.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "resume this handoff")
        note = parse(ResumeInputSerializer, request)["note"]
        return answer(
            request, services.resume_handoff(handoff, by=user, note=note), action="resume"
        )


class CompleteView(APIView):
    @_action_schema(
        "complete",
        "Complete the handoff",
        description="The trainer's completion carries a final report for the therapist.",
        request=CompleteInputSerializer,
        forbidden="The caller is not the therapist or the trainer.",
        conflict="The handoff is not accepted or referred back.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist", "trainer"), "complete this handoff")
        report = parse(CompleteInputSerializer, request).get("final_report")
        return answer(
            request,
            services.complete_handoff(handoff, by=user, final_report=report),
            action="complete",
        )


class ReassignView(APIView):
    @_action_schema(
        "reassign",
        "Reassign a declined or expired handoff to another trainer",
        description="Answers 201 with the new draft, seeded from the latest packet version.",
        request=ReassignInputSerializer,
        forbidden="The caller is not a therapist at the patient's clinic.",
        conflict="The handoff is not declined or expired, or was already reassigned.",
        success=201,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "reassign this handoff")
        trainer = parse(ReassignInputSerializer, request)["trainer"]
        successor = services.reassign_handoff(handoff, by=user, trainer=trainer)
        return answer(request, successor, action="reassign", status_code=status.HTTP_201_CREATED)
