"""``POST /api/v1/auth/token/``: exchange an email and a password for an API token."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication
from accounts.credentials import revoke_presented_token
from accounts.errors import InvalidCredentials, LockedOut
from accounts.lockout import lockout_response
from accounts.models import ApiToken
from accounts.otp_api import SecondFactorRefused, check_second_factor_for_token
from accounts.services import issue_token, login_with_password
from accounts.throttles import first_refusal, too_many_requests
from core.api import ErrorSerializer
from core.net import client_address


class CredentialsSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    # trim_whitespace=False: leading or trailing spaces are part of a password.
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=32,
        required=False,
        help_text="The code from the authenticator app (or a recovery code); required when the "
        "account has two-factor sign-in.",
    )


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
                OpenApiTypes.OBJECT,
                description="Wrong email or password (`invalid_credentials`), a code from the "
                "authenticator app needed (`otp_required`) or wrong (`otp_invalid`), or a field is "
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
        # django-axes records failures on, and its middleware reads, Django's own request.
        django_request = request._request
        wait = first_refusal([("token_address", client_address(django_request))])
        if wait is not None:
            return too_many_requests(django_request, wait, "token requests from this address")
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        try:
            user = login_with_password(
                django_request,
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except LockedOut:
            return lockout_response(django_request, credentials={"username": email})
        except InvalidCredentials as exc:
            return Response(
                {"detail": exc.detail, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            check_second_factor_for_token(user, serializer.validated_data.get("otp"))
        except SecondFactorRefused as exc:
            return Response({"detail": exc.detail, "code": exc.code}, status=exc.status)
        return Response({"token": issue_token(user)})

    @extend_schema(
        operation_id="auth_token_destroy",
        tags=["auth"],
        summary="Revoke the token that makes this request",
        request=None,
        responses={
            204: OpenApiResponse(description="The token is revoked."),
            401: OpenApiResponse(ErrorSerializer, description="No valid token was presented."),
        },
    )
    def delete(self, request: Request) -> Response:
        token = _presented_token(request)
        if token is None:
            return Response(
                {
                    "detail": "Send the token to revoke as Authorization: Token <key>.",
                    "code": "not_authenticated",
                },
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        revoke_presented_token(token)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _presented_token(request: Request) -> ApiToken | None:
    try:
        found = TokenAuthentication().authenticate(request)
    except exceptions.AuthenticationFailed:
        return None
    if found is None or not isinstance(found[1], ApiToken):
        return None
    return found[1]
