"""Every endpoint under ``/api/v1/`` (API.md)."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("handoff.api.urls")),
    path("", include("notifications.api_urls")),
]
