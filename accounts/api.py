"""``POST /api/v1/auth/token/``: exchange an email and a password for an API token."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import InvalidCredentials, LockedOut
from accounts.lockout import lockout_response
from accounts.services import issue_token, login_with_password
from core.api import ErrorSerializer


class CredentialsSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    # trim_whitespace=False: leading or trailing spaces are part of a password.
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class ObtainTokenView(APIView):
    # A login endpoint: no credentials yet, and no session, so no CSRF check either.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary="Log in and get an API token",
        request=CredentialsSerializer,
        parameters=[
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[429],
                description="Seconds until this account can log in again from this address.",
            )
        ],
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Wrong email or password (`invalid_credentials`), or a field is "
                'missing or malformed (`{"field": ["message"]}`).',
                examples=[
                    OpenApiExample(
                        "Wrong credentials",
                        value={
                            "detail": "The email address or the password is not right.",
                            "code": "invalid_credentials",
                        },
                    )
                ],
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Five failures for this account from this client address: the "
                "pair is locked (`locked_out`); the `Retry-After` header says for how many "
                "seconds.",
            ),
        },
    )
    def post(self, request: Request) -> Response | HttpResponse:
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # django-axes records failures on, and its middleware reads, Django's own request.
        django_request = request._request
        try:
            user = login_with_password(
                django_request,
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except LockedOut:
            return lockout_response(django_request)
        except InvalidCredentials as exc:
            return Response(
                {"detail": exc.detail, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"token": issue_token(user)})
