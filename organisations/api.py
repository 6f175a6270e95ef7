"""``me/``: who am I (role and organisation, from memberships)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import caller
from core.api import UNAUTHENTICATED
from organisations.roles import actor_for
from organisations.serializers import MeSerializer, me_data


class MeView(APIView):
    @extend_schema(
        operation_id="me",
        summary="Who am I",
        description=(
            "The caller's role and organisation, from their memberships. A login that belongs "
            "to no organisation and no patient record gets `role` and `organisation` null."
        ),
        responses={200: MeSerializer, 401: UNAUTHENTICATED},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        user = caller(request)
        return Response(MeSerializer(me_data(user, actor_for(user))).data)
