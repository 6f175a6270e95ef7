"""Shared API plumbing: the error shape and the exception handler (``EXCEPTION_HANDLER``).

Every error body has the shape ``{"detail": "...", "code": "..."}``; field errors keep DRF's
``{"field": ["message"]}``. Domain errors become 409 (or 403) with the service's own sentence.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, Forbidden


class ErrorSerializer(serializers.Serializer):
    """The body of every error: a sentence a person can act on and a machine code."""

    detail = serializers.CharField()
    code = serializers.CharField()


def strict_bool_param(request: Any, name: str) -> bool | None:
    """A true/false query parameter: ``None`` when absent, 400 naming it when not a boolean."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in {"true", "1"}:
        return True
    if value in {"false", "0"}:
        return False
    raise exceptions.ValidationError({name: ["Send true or false."]})


def api_not_found(request: Any, *args: Any, **kwargs: Any) -> Any:
    """Unknown paths under /api/ answer the API's JSON 404, not the site's HTML page."""
    from django.http import JsonResponse

    return JsonResponse(
        {"detail": "No API endpoint at this path.", "code": "not_found"}, status=404
    )


def _domain_body(exc: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": exc.detail, "code": exc.code}
    if exc.reasons:
        body["reasons"] = [{"code": r.code, "detail": r.detail} for r in exc.reasons]
    if exc.conflicts:
        body["conflicts"] = exc.conflicts
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Forbidden):
        return Response(_domain_body(exc), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(_domain_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request body is larger than 1 MiB.", "code": "payload_too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        data = response.data
        if isinstance(data, dict) and "detail" in data and "code" not in data:
            codes = exc.get_codes()
            data["code"] = codes if isinstance(codes, str) else "error"
    return response


UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not logged in.")
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='A query parameter is invalid; the body names it: {"pattern": ["…"]}.',
)
