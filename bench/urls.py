"""The site's URLs plus the bare reference view, routed only under ``bench.settings``."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def bare(request: HttpRequest) -> HttpResponse:
    """The reference: a fixed response through the same middleware as every other view."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *site]
