"""What the handoff views share: the role gate, the role's serializer, the access log, and the
documented responses.

Visibility first, then role: ``access_handoff`` answers 404 for a handoff the caller may not
see; ``require_party`` answers 403 for one they may see but may not act on in that way. The
services check the role again under their row lock; the gate here makes sure a wrong-role
caller hears 403 before any complaint about their body.

Access log (``audit.services.record_accesses``): every response that carries a handoff writes one row per
handoff (``object_type=SubjectType.HANDOFF``) and one per patient in it (``"patient"``), with the
``action`` that produced it (``read``, ``list``, ``create``, ``send``, …). Versions, diffs,
session logs, check-ins and messages log their own rows. A response's rows are one INSERT.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, cast

from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import caller
from audit.services import record_accesses
from clinics.models import Clinic
from core.api import ErrorSerializer
from core.errors import Forbidden
from core.subjects import SubjectType
from handoff.api.serializers_handoff import (
    PatientHandoffSerializer,
    SafetyConflictSerializer,
    TherapistHandoffSerializer,
    TrainerHandoffSerializer,
)
from handoff.models import Handoff
from handoff.selectors.packets import delivery_problems, prepare
from handoff.services import PacketSpec, packet_spec_from_data, party_of
from organisations.roles import actor_for

logger = logging.getLogger("baton.api")

Party = Literal["therapist", "trainer", "patient"]
RoleSerializer = (
    type[TherapistHandoffSerializer]
    | type[TrainerHandoffSerializer]
    | type[PatientHandoffSerializer]
)
_SERIALIZERS: dict[str, RoleSerializer] = {
    "therapist": TherapistHandoffSerializer,
    "trainer": TrainerHandoffSerializer,
    "patient": PatientHandoffSerializer,
}
_PARTY_NAMES = {
    "therapist": "a therapist at the patient's clinic",
    "trainer": "the trainer this handoff was sent to",
    "patient": "the patient",
}


def require_party(handoff: Handoff, user: User, parties: Sequence[Party], doing: str) -> Party:
    """The caller's part in a handoff they can see, or 403 if that part may not ``doing``."""
    party = party_of(handoff, user)
    if party not in parties:
        who = " or ".join(_PARTY_NAMES[p] for p in parties)
        raise Forbidden(f"Only {who} can {doing}.", code="wrong_role")
    return cast(Party, party)


def serializer_for(user: User) -> RoleSerializer:
    """Each role has its own serializer with its own field list (design §4)."""
    role = actor_for(user).role
    if role not in _SERIALIZERS:  # nobody else sees a handoff: access_handoff already said 404
        raise Http404("No handoff matches the given query.")
    return _SERIALIZERS[cast(str, role)]


def represent(request: Request, handoffs: Sequence[Handoff], *, action: str) -> list[Any]:
    """The caller's role's representation of prepared ``handoffs``, with the reads logged."""
    serializer_class = serializer_for(caller(request))
    context: dict[str, Any] = {"request": request}
    if serializer_class is not PatientHandoffSerializer:
        context["delivery_problems"] = delivery_problems(h.pk for h in handoffs)
    data = serializer_class(handoffs, many=True, context=context).data
    log_handoff_reads(request, handoffs, action=action)
    return list(data)


def log_handoff_reads(request: Request, handoffs: Sequence[Handoff], *, action: str) -> None:
    """The handoffs and their patients, in one write."""
    objects: dict[str, list[int]] = {
        SubjectType.HANDOFF: [h.pk for h in handoffs],
        SubjectType.PATIENT: list(dict.fromkeys(h.patient_id for h in handoffs)),
    }
    record_accesses(request, action=action, objects=objects)


READ_BACK_FAILED = "read_back_failed"


def committed(
    read_back: Callable[[], Any], *, summary: dict[str, Any], status_code: int, what: str
) -> Response:
    """The answer to a write whose service has committed: what happens now cannot undo it.

    ``read_back`` builds the full body and records the access (one savepoint: both or
    neither). If it fails (a database connection cut after the commit, a bug in a serializer),
    the caller still hears ``status_code``, with ``summary`` (ids and the new state, never
    packet or patient content, which is only shown with its access recorded) and
    ``"code": "read_back_failed"``: the action was done; a GET gives the details. A retry of
    the action would be refused (409), so a 500 here would be a lie (issue 11).
    """
    try:
        with transaction.atomic():
            return Response(read_back(), status=status_code)
    except Exception:
        logger.exception("%s committed; reading it back failed", what)
    body = {
        **summary,
        "detail": "Done. Reading the result back failed; fetch it again for the details.",
        "code": READ_BACK_FAILED,
    }
    return Response(body, status=status_code)


def log_reads(request: Request, object_type: str, ids: Iterable[int], *, action: str) -> None:
    record_accesses(request, action=action, objects={object_type: list(ids)})


def parse(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def packet_spec(data: dict[str, Any], clinic: Clinic) -> PacketSpec:
    """A packet left without a pain ceiling takes the clinic's default."""
    return packet_spec_from_data(data, default_pain_ceiling=clinic.default_pain_ceiling)


def answer(
    request: Request, handoff: Handoff, *, action: str, status_code: int = status.HTTP_200_OK
) -> Response:
    """The handoff in the caller's shape, after a service committed ``action`` on it.

    If the read-back fails, the answer is still ``status_code``, with only the id and the new
    status (``committed``).
    """
    return committed(
        lambda: represent(request, [prepare(handoff)], action=action)[0],
        summary={"id": handoff.pk, "status": handoff.status},
        status_code=status_code,
        what=f"handoff {handoff.pk} {action}",
    )


# --- Documented responses ------------------------------------------------------------------------

HANDOFF = PolymorphicProxySerializer(
    component_name="Handoff",
    serializers=[TherapistHandoffSerializer, TrainerHandoffSerializer, PatientHandoffSerializer],
    resource_type_field_name=None,
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not logged in.")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No handoff with this id that the caller may see (never confirms one exists).",
)
BAD_FIELDS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The body is not JSON, or a field is invalid and the body names it: "
    '{"field": ["message"]}. Nothing changed.',
)
TOO_LARGE = OpenApiResponse(ErrorSerializer, description="The body is larger than 1 MiB.")


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def errors(
    *, forbidden: str | None = None, conflict: str | None = None, body: bool = True
) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint on one handoff."""
    responses = {401: UNAUTHENTICATED, 404: NOT_FOUND}
    if forbidden:
        responses[403] = error(forbidden)
    if body:
        responses |= {400: BAD_FIELDS, 413: TOO_LARGE}
    if conflict:
        responses[409] = error(conflict)
    return responses


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class RefusalSerializer(ErrorSerializer):
    """A refused action; a refused send lists one reason per failed precondition."""

    reasons = ReasonSerializer(many=True, required=False)
    conflicts = SafetyConflictSerializer(
        many=True, required=False, help_text="With `program_conflicts`: what breaks which rule."
    )
