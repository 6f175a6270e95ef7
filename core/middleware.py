"""Project-wide middleware."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control


class BodySizeLimitMiddleware:
    """Answer 413 to a body declared larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    Django itself refuses such a body only when it is read, and then with a 400; a client
    deserves to be told the real reason before anything is parsed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return JsonResponse(
                {"detail": "The request body is larger than 1 MiB.", "code": "payload_too_large"},
                status=413,
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """Forbid caching of every dynamic response.

    Pages and API answers carry health information; a shared or browser cache must never keep
    them. Static files, which carry none, keep their own caching headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ApiServerErrorMiddleware:
    """An unhandled exception under ``/api/`` answers 500 in the API's error shape
    (``{"detail": …, "code": "server_error"}``), never Django's HTML error page.

    It is logged exactly as Django logs an uncaught exception (``django.request``, with the
    traceback), so error reporting is unchanged. Other paths keep Django's own 500 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/api/") or isinstance(exception, _DJANGO_ANSWERS):
            return None  # Django's own answer (404, 403, 400) or a page, not the API
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return JsonResponse(
            {
                "detail": "Something went wrong on our side; it has been logged. "
                "If you were changing something, check whether it was done before retrying.",
                "code": "server_error",
            },
            status=500,
        )


_DJANGO_ANSWERS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)
