"""The site's page middleware: the viewer's time zone, and refusals shown as pages.

These sit in ``config`` (the top layer) because they read who the viewer is
(``organisations.roles``) and their preferences (``notifications``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class TimeZoneMiddleware:
    """Show times in the viewer's zone: their own choice, else their organisation's.

    A person's preferences hold their zone; without one, a clinic's staff and patients see the
    clinic's zone and a gym's staff the gym's. Dates in templates then do not slip a day
    near midnight (``|date`` converts to the active zone before formatting).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = viewer_zone(request)
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


def viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from notifications.models import Preference
    from organisations.roles import actor_for

    name = Preference.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
    if not name:
        actor = actor_for(user)
        if actor.clinic_membership is not None:
            name = actor.clinic_membership.clinic.time_zone
        elif actor.gym_membership is not None:
            name = actor.gym_membership.gym.time_zone
        elif actor.patient is not None:
            name = actor.patient.clinic.time_zone
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class PageErrorsMiddleware:
    """Pages answer a refused action with a page, never a 500 or Django's debug page.

    A 404 raised by a page (a selector refusing) renders the site's 404 even in development;
    a domain refusal that a view did not handle itself becomes a 403 or 409 page saying why.
    The API has its own exception handler and is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.shortcuts import render

        from core.errors import DomainError, Forbidden

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", status=403)
        if isinstance(exception, DomainError):
            status = 403 if isinstance(exception, Forbidden) else 409
            context = {
                "status": status,
                "error_title": "Not allowed" if status == 403 else "That did not happen",
                "error_text": exception.detail,
                "back": request.META.get("HTTP_REFERER", "") if _same_site(request) else "",
            }
            return render(request, "error_page.html", context, status=status)
        return None


def _same_site(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    return bool(referer) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
