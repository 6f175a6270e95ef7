"""The trainer's plan and the live safety check (issue 12). Thin views, as in ``handoffs``:
fetch (404 for a handoff the caller may not see), the caller's part (403), the body (400), one
service (409), the answer.

- ``plan/``: everyone on the handoff reads it (the patient sees it with the home program);
  only the trainer adds, changes or removes items, while the handoff is accepted.
- ``plan/{item}/exception/``: the trainer asks for a suspended or refused item;
  ``…/grant/`` and ``…/refuse/``: the therapist answers.
- ``check/``: therapist or trainer; items against the latest restrictions, nothing saved.

Every answer that shows the plan or the restrictions is recorded in the access log (the handoff
and its patient).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.subjects import SubjectType
from handoff.api.handoffs import parse
from handoff.api.handoffs_common import Party, caller, errors, log_reads, require_party
from handoff.api.serializers_plan import (
    CheckInputSerializer,
    CheckResultSerializer,
    ExceptionAnswerInputSerializer,
    ExceptionRequestInputSerializer,
    PlanItemSerializer,
    PlanItemWriteSerializer,
    ProgramConflictsSerializer,
)
from handoff.models import Handoff, PlanItem
from handoff.selectors import access_handoff
from handoff.services import plan

TAGS = ["plan"]
ALL_PARTIES: tuple[Party, ...] = ("therapist", "trainer", "patient")
BLOCKED = OpenApiResponse(
    ProgramConflictsSerializer,
    description="`program_conflicts`: the item breaks a restriction (the conflicts are listed) "
    "and no exception was asked for; or the handoff is not accepted.",
)


def _log(request: Request, handoff: Handoff, action: str) -> None:
    log_reads(request, SubjectType.HANDOFF, [handoff.pk], action=action)
    log_reads(request, SubjectType.PATIENT, [handoff.patient_id], action=action)


def _answer(request: Request, handoff: Handoff, item: PlanItem, *, action: str, code: int = 200):
    _log(request, handoff, action)
    return Response(PlanItemSerializer(item).data, status=code)


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("body_regions", "patterns"):
        if key in data:
            data[key] = tuple(dict.fromkeys(data[key]))
    for key in ("name", "load", "notes", "load_unit", "impact"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


class PlanView(APIView):
    @extend_schema(
        operation_id="handoffs_plan_list",
        summary="The trainer's plan",
        description="Everyone on the handoff. Each item carries its status and its conflicts "
        "with the packet's latest restrictions (warnings too).",
        responses={200: PlanItemSerializer(many=True), **errors(body=False)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        handoff = access_handoff(request.user, pk)
        require_party(handoff, caller(request), ALL_PARTIES, "read the plan")
        items = handoff.plan_items.select_related("exception_answered_by").order_by(
            "created_at", "id"
        )
        _log(request, handoff, "read_plan")
        return Response(PlanItemSerializer(items, many=True).data)

    @extend_schema(
        operation_id="handoffs_plan_create",
        summary="Add an item to the plan (checked)",
        description="201 `active` (with any warnings), or 201 `awaiting_exception` when the item "
        "breaks a restriction and the body carries `exception_reason` (the therapist is asked); "
        "otherwise 409 `program_conflicts` with the conflicts.",
        request=PlanItemWriteSerializer,
        responses={
            201: PlanItemSerializer,
            **errors(forbidden="The caller is not the handoff's trainer."),
            409: BLOCKED,
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "change the plan")
        data = _changes(parse(PlanItemWriteSerializer, request))
        reason = data.pop("exception_reason", "")
        item = plan.add_plan_item(
            handoff, by=user, spec=plan.plan_item_spec(data), exception_reason=reason
        )
        return _answer(request, handoff, item, action="plan_add", code=status.HTTP_201_CREATED)


class PlanItemView(APIView):
    @extend_schema(
        operation_id="handoffs_plan_partial_update",
        summary="Change a plan item (checked again)",
        description="Any fields of the item; `exercise: null` makes it a free-text item, which "
        "must then carry its own tags. Refused like an addition when it breaks a restriction.",
        request=PlanItemWriteSerializer(partial=True),
        responses={
            200: PlanItemSerializer,
            **errors(forbidden="The caller is not the handoff's trainer."),
            409: BLOCKED,
        },
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int, item: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "change the plan")
        body = PlanItemWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = _changes(dict(body.validated_data))
        reason = data.pop("exception_reason", "")
        if not data and not reason:
            raise serializers.ValidationError({"non_field_errors": ["Give a field to change."]})
        changed = plan.update_plan_item(
            handoff, item_id=item, by=user, changes=data, exception_reason=reason
        )
        return _answer(request, handoff, changed, action="plan_change")

    @extend_schema(
        operation_id="handoffs_plan_destroy",
        summary="Remove a plan item",
        request=None,
        responses={
            204: None,
            **errors(
                forbidden="The caller is not the handoff's trainer.",
                conflict="The handoff is not accepted.",
                body=False,
            ),
        },
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int, item: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "change the plan")
        plan.remove_plan_item(handoff, item_id=item, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExceptionRequestView(APIView):
    @extend_schema(
        operation_id="handoffs_plan_exception_request",
        summary="Ask the therapist for an exception for a suspended or refused item",
        request=ExceptionRequestInputSerializer,
        responses={
            200: PlanItemSerializer,
            **errors(
                forbidden="The caller is not the handoff's trainer.",
                conflict="The item needs no exception, or the handoff is not accepted.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int, item: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "ask for an exception")
        data = parse(ExceptionRequestInputSerializer, request)
        asked = plan.request_exception(handoff, item_id=item, by=user, reason=data["reason"])
        return _answer(request, handoff, asked, action="plan_exception")


def _answer_schema(verb: str, result: str) -> Any:
    return extend_schema(
        operation_id=f"handoffs_plan_exception_{verb}",
        summary=f"{verb.capitalize()} the trainer's exception (the item becomes `{result}`)",
        request=ExceptionAnswerInputSerializer,
        responses={
            200: PlanItemSerializer,
            **errors(
                forbidden="The caller is not a therapist at the patient's clinic.",
                conflict="The item is not waiting for an exception.",
            ),
        },
        tags=TAGS,
    )


class ExceptionGrantView(APIView):
    @_answer_schema("grant", "active")
    def post(self, request: Request, pk: int, item: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "answer an exception")
        note = parse(ExceptionAnswerInputSerializer, request).get("note", "")
        granted = plan.grant_exception(handoff, item_id=item, by=user, note=note)
        return _answer(request, handoff, granted, action="plan_exception")


class ExceptionRefuseView(APIView):
    @_answer_schema("refuse", "refused")
    def post(self, request: Request, pk: int, item: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "answer an exception")
        note = parse(ExceptionAnswerInputSerializer, request).get("note", "")
        refused = plan.refuse_exception(handoff, item_id=item, by=user, note=note)
        return _answer(request, handoff, refused, action="plan_exception")


class CheckView(APIView):
    @extend_schema(
        operation_id="handoffs_check",
        summary="Check items against the handoff's current restrictions (nothing is saved)",
        description="For live checks while a therapist or trainer edits. `item` in each "
        "conflict is the item's position in `items` (1, 2, …).",
        request=CheckInputSerializer,
        responses={
            200: CheckResultSerializer,
            **errors(forbidden="The caller is not the therapist or the trainer."),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist", "trainer"), "check a program")
        data = parse(CheckInputSerializer, request)
        specs = [plan.plan_item_spec(_changes(dict(i))) for i in data["items"]]
        result = plan.check_specs(handoff, specs)
        _log(request, handoff, "check")
        return Response(
            {
                "conflicts": [c.as_dict() for c in result.conflicts],
                "unchecked": [u.as_dict() for u in result.unchecked],
            }
        )
