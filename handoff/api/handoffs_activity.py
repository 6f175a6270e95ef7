"""What happens on a handoff: versions and their diffs, acknowledgements, consent, session logs,
check-ins and messages (docs/api.md). Thin views, as in ``handoffs``: fetch (404), the caller's part
(403), the body (400), one service (409), the answer.

Who may do what, where docs/api.md is silent, follows the services:
- Lists answer on any state the caller can see; writing needs the state the service allows:
  a new version, an acknowledgement or a message while the handoff is open (sent, accepted,
  referred back); a session log or a check-in while training (accepted, referred back).
- Consent (``consent/`` and ``consent/revoke/``) is the therapist's and the patient's; the
  trainer sees its state on the handoff itself and gets 403 here. The patient reaches their
  draft's consent only: what will be shared and with whom, never the draft's packet.
- A patient's message list holds only the messages meant for them (``to_patient``), their
  own included; the therapist and the trainer see every message.

Reads of versions, diffs, session logs, check-ins, messages and consent are access logged.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.subjects import SubjectType
from handoff import services
from handoff.api.handoffs_common import (
    HANDOFF,
    Party,
    RefusalSerializer,
    answer,
    caller,
    committed,
    errors,
    log_reads,
    packet_spec,
    parse,
    require_party,
)
from handoff.api.serializers_handoff import PacketSerializer
from handoff.api.serializers_handoff_activity import (
    CheckInSerializer,
    ConsentStateSerializer,
    MessageSerializer,
    SessionLogSerializer,
    VersionDiffSerializer,
)
from handoff.api.serializers_handoff_input import (
    AcknowledgeInputSerializer,
    CheckInInputSerializer,
    ConsentInputSerializer,
    MessageInputSerializer,
    NewVersionInputSerializer,
    RevokeConsentInputSerializer,
    SessionLogInputSerializer,
)
from handoff.models import Consent, Handoff, PacketVersion
from handoff.selectors import access_handoff, access_handoff_for_consent
from handoff.selectors.packets import consent_status, with_packet_parts

TAGS = ["handoffs"]
ALL_PARTIES: tuple[Party, ...] = ("therapist", "trainer", "patient")


class _HandoffList(generics.GenericAPIView[Any]):
    """A paginated list that belongs to one handoff (the handoff comes from the URL).

    ``serializer_class`` is the body a POST takes (what OPTIONS describes).
    """

    filter_backends: list[Any] = []

    def page_of(self, items: QuerySet[Any]) -> list[Any]:
        return list(self.paginate_queryset(items) or [])


# --- Versions ---------------------------------------------------------------------------------------


class VersionListView(_HandoffList):
    serializer_class = NewVersionInputSerializer

    @extend_schema(
        operation_id="handoffs_versions_list",
        summary="The packet's versions, newest first",
        responses={200: PacketSerializer(many=True), **errors(body=False)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        handoff = access_handoff(request.user, pk)
        page = self.page_of(with_packet_parts(handoff.versions.newest_first()))
        log_reads(request, SubjectType.PACKET_VERSION, [v.pk for v in page], action="list")
        return self.get_paginated_response(PacketSerializer(page, many=True).data)

    @extend_schema(
        operation_id="handoffs_versions_create",
        summary="Amend a sent packet: version N+1",
        description=(
            "A full packet (a clearance and at least one program item) and an optional "
            "`change_note`. The trainer is told and must acknowledge it; items of the trainer's "
            "plan that break the new restrictions are suspended and named in that notice. "
            "A program that breaks its own restrictions without an override is refused with "
            "409 `program_conflicts` and the `conflicts`."
        ),
        request=NewVersionInputSerializer,
        responses={
            201: PacketSerializer,
            **errors(
                forbidden="The caller is not a therapist at the patient's clinic.",
                conflict="The handoff is a draft (edit it instead) or closed.",
            ),
            409: OpenApiResponse(
                RefusalSerializer,
                description="The handoff is a draft (edit it instead) or closed; or "
                "`program_conflicts` with the `conflicts`.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist",), "amend the packet")
        data = parse(NewVersionInputSerializer, request)
        change_note = data.pop("change_note", "")
        version = services.amend_packet(
            handoff, by=user, packet=packet_spec(data, handoff.clinic), change_note=change_note
        )

        def read_back() -> Any:
            full = with_packet_parts(PacketVersion.objects.filter(pk=version.pk)).get()
            log_reads(request, SubjectType.PACKET_VERSION, [full.pk], action="create")
            return PacketSerializer(full).data

        return committed(
            read_back,
            summary={"id": version.pk, "number": version.number},
            status_code=status.HTTP_201_CREATED,
            what=f"handoff {handoff.pk} version {version.number}",
        )


class VersionDiffView(APIView):
    @extend_schema(
        operation_id="handoffs_versions_diff",
        summary="What changed from version n-1 to version n",
        description="404 for version 1 (nothing before it) or a version that does not exist.",
        responses={200: VersionDiffSerializer, **errors(body=False)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int, number: int) -> Response:
        handoff = access_handoff(request.user, pk)
        # Exact lookups, not ``__in``: Django answers "no row" for a number past the column's
        # range instead of handing the database an integer it cannot hold.
        wanted = Q(number=number - 1) | Q(number=number)
        pair = list(with_packet_parts(handoff.versions.filter(wanted)).order_by("number"))
        if number < 2 or len(pair) != 2:
            raise Http404("No such version to compare.")
        log_reads(request, SubjectType.PACKET_VERSION, [v.pk for v in pair], action="diff")
        return Response(services.diff_versions(pair[0], pair[1]))


class AcknowledgeView(APIView):
    @extend_schema(
        operation_id="handoffs_acknowledge",
        summary="The trainer has read the latest version",
        request=AcknowledgeInputSerializer,
        responses={
            200: HANDOFF,
            **errors(
                forbidden="The caller is not the trainer the handoff was sent to.",
                conflict="Not the latest version (`not_latest_version`), or the handoff is closed.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "acknowledge a version")
        number = parse(AcknowledgeInputSerializer, request)["version"]
        handoff = services.acknowledge_version(handoff, by=user, number=number)
        return answer(request, handoff, action="acknowledge")


# --- Consent -----------------------------------------------------------------------------------------


def consent_body(handoff: Handoff) -> dict[str, Any]:
    """The consent state, with the active consent's text or else the one to sign now."""
    consents = Consent.objects.filter(patient_id=handoff.patient_id, gym_id=handoff.gym_id)
    state, consent = consent_status(handoff, consents)
    if state == "active" and consent is not None:
        text, elements = consent.authorization_text, consent.elements
    else:
        request = services.consent_request(handoff)
        text, elements = request["authorization_text"], request["elements"]
    return {
        "state": state,
        "method": consent.method if consent else None,
        "signed_on": consent.signed_on if consent else None,
        "expires_on": consent.expires_on if consent else None,
        "granted_at": consent.granted_at if consent else None,
        "revoked_at": consent.revoked_at if consent else None,
        "authorization_text": text,
        "elements": elements,
    }


def _consent_answer(request: Request, handoff: Handoff, *, action: str, code: int) -> Response:
    def read_back() -> Any:
        data = ConsentStateSerializer(consent_body(handoff)).data
        log_reads(request, SubjectType.PATIENT, [handoff.patient_id], action=action)
        return data

    if request.method == "GET":
        return Response(read_back(), status=code)
    state = {"consent": "active", "revoke": "revoked"}.get(action)
    return committed(
        read_back,
        summary={"handoff": handoff.pk, "state": state},
        status_code=code,
        what=f"handoff {handoff.pk} {action}",
    )


CONSENT_FORBIDDEN = "The caller is not the patient or a therapist at the patient's clinic."
FORM_INCOMPLETE = "The clinic's authorization form is incomplete (`consent_form_incomplete`)."


class ConsentView(APIView):
    @extend_schema(
        operation_id="handoffs_consent_retrieve",
        summary="The patient's consent to share the packet with this gym",
        description=(
            "The state (`active`, `none`, `revoked`, `expired`) and the authorization: the "
            "active consent's text and elements, otherwise those the patient would sign now. "
            "The patient reaches this on their draft: what will be shared and with whom."
        ),
        responses={
            200: ConsentStateSerializer,
            **errors(forbidden=CONSENT_FORBIDDEN, conflict=FORM_INCOMPLETE, body=False),
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff_for_consent(user, pk)
        require_party(handoff, user, ("therapist", "patient"), "see the consent")
        return _consent_answer(request, handoff, action="consent", code=status.HTTP_200_OK)

    @extend_schema(
        operation_id="handoffs_consent_create",
        summary="Record (therapist) or give (patient) consent",
        description=(
            'The therapist records a signed paper form: `{"method": "recorded", "signed_on"}`. '
            'The patient signs in the portal: `{"method": "portal"}`. A method that is not the '
            "caller's is a 403."
        ),
        request=ConsentInputSerializer,
        responses={
            201: ConsentStateSerializer,
            **errors(
                forbidden=CONSENT_FORBIDDEN + " Or the method is not the caller's.",
                conflict="The handoff is closed, or " + FORM_INCOMPLETE,
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff_for_consent(user, pk)
        require_party(handoff, user, ("therapist", "patient"), "give or record consent")
        data = parse(ConsentInputSerializer, request)
        optional = {"expires_on": data.get("expires_on"), "purpose": data.get("purpose") or None}
        if data["method"] == Consent.Method.RECORDED:
            services.record_consent(handoff, by=user, signed_on=data["signed_on"], **optional)
        else:
            services.grant_consent(handoff, by=user, **optional)
        return _consent_answer(request, handoff, action="consent", code=status.HTTP_201_CREATED)


class ConsentRevokeView(APIView):
    @extend_schema(
        operation_id="handoffs_consent_revoke",
        summary="Revoke the consent",
        description=(
            "Every open handoff it alone covered closes at once (`revoked`) and its trainer "
            "loses access. Answers with the consent state."
        ),
        request=RevokeConsentInputSerializer,
        responses={
            200: ConsentStateSerializer,
            **errors(forbidden=CONSENT_FORBIDDEN, conflict="There is no active consent."),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff_for_consent(user, pk)
        require_party(handoff, user, ("therapist", "patient"), "revoke consent")
        note = parse(RevokeConsentInputSerializer, request).get("note", "")
        services.revoke_consent(handoff, by=user, note=note)
        return _consent_answer(request, handoff, action="revoke", code=status.HTTP_200_OK)


# --- Session logs, check-ins, messages ----------------------------------------------------------------


class SessionLogListView(_HandoffList):
    serializer_class = SessionLogInputSerializer

    @extend_schema(
        operation_id="handoffs_sessions_list",
        summary="The patient's session logs, newest first",
        responses={200: SessionLogSerializer(many=True), **errors(body=False)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        handoff = access_handoff(request.user, pk)
        page = self.page_of(handoff.session_logs.order_by("-date", "-id"))
        log_reads(request, SubjectType.SESSION_LOG, [s.pk for s in page], action="list")
        return self.get_paginated_response(SessionLogSerializer(page, many=True).data)

    @extend_schema(
        operation_id="handoffs_sessions_create",
        summary="The patient logs a session",
        description=(
            "A red-flag symptom or pain above the packet's ceiling refers the handoff back at "
            "once, with an urgent notice for the therapist."
        ),
        request=SessionLogInputSerializer,
        responses={
            201: SessionLogSerializer,
            **errors(
                forbidden="The caller is not the patient.",
                conflict="The handoff is not accepted or referred back.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("patient",), "log a session")
        log = services.log_session(handoff, by=user, **parse(SessionLogInputSerializer, request))

        def read_back() -> Any:
            log_reads(request, SubjectType.SESSION_LOG, [log.pk], action="create")
            return SessionLogSerializer(log).data

        return committed(
            read_back,
            summary={"id": log.pk},
            status_code=status.HTTP_201_CREATED,
            what=f"handoff {handoff.pk} session log {log.pk}",
        )


class CheckInListView(_HandoffList):
    serializer_class = CheckInInputSerializer

    @extend_schema(
        operation_id="handoffs_check_ins_list",
        summary="The trainer's progress reports, newest first",
        responses={
            200: CheckInSerializer(many=True),
            **errors(forbidden="The caller is the patient: check-ins are for staff.", body=False),
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("therapist", "trainer"), "read check-ins")
        page = self.page_of(handoff.check_ins.select_related("author").order_by("-date", "-id"))
        log_reads(request, SubjectType.CHECK_IN, [c.pk for c in page], action="list")
        return self.get_paginated_response(CheckInSerializer(page, many=True).data)

    @extend_schema(
        operation_id="handoffs_check_ins_create",
        summary="The trainer posts a progress report",
        request=CheckInInputSerializer,
        responses={
            201: CheckInSerializer,
            **errors(
                forbidden="The caller is not the trainer the handoff was sent to.",
                conflict="The handoff is not accepted or referred back.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ("trainer",), "post a check-in")
        check_in = services.add_check_in(handoff, by=user, **parse(CheckInInputSerializer, request))
        return committed(
            lambda: CheckInSerializer(check_in).data,
            summary={"id": check_in.pk},
            status_code=status.HTTP_201_CREATED,
            what=f"handoff {handoff.pk} check-in {check_in.pk}",
        )


class MessageListView(_HandoffList):
    serializer_class = MessageInputSerializer

    @extend_schema(
        operation_id="handoffs_messages_list",
        summary="Messages about the handoff, newest first",
        description="The patient sees only the messages meant for them (`to_patient`).",
        responses={200: MessageSerializer(many=True), **errors(body=False)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        messages = handoff.messages.select_related("author").order_by("-created_at", "-id")
        if require_party(handoff, user, ALL_PARTIES, "read messages") == "patient":
            messages = messages.filter(to_patient=True)
        page = self.page_of(messages)
        log_reads(request, SubjectType.MESSAGE, [m.pk for m in page], action="list")
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        operation_id="handoffs_messages_create",
        summary="Write to the other side",
        description="A patient's messages are always `to_patient` (both staff see them).",
        request=MessageInputSerializer,
        responses={
            201: MessageSerializer,
            **errors(
                forbidden="The caller is not on the handoff.",
                conflict="The handoff is not open (sent, accepted or referred back).",
            ),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        handoff = access_handoff(user, pk)
        require_party(handoff, user, ALL_PARTIES, "write about this handoff")
        message = services.post_message(handoff, by=user, **parse(MessageInputSerializer, request))
        return committed(
            lambda: MessageSerializer(message).data,
            summary={"id": message.pk},
            status_code=status.HTTP_201_CREATED,
            what=f"handoff {handoff.pk} message {message.pk}",
        )
