"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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
