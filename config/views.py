"""The home page, the role-home redirect and the site's error pages.

Under ``/api/`` errors answer in the API's JSON shape; everywhere else they are pages in the
site's style. The catch-all ``not_found`` route makes an unknown path a styled 404 even with
``DEBUG`` on (Django would show its URL list), and keeps ``APPEND_SLASH`` working.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from config.navigation import home_url
from organisations.roles import actor_for

API_PREFIX = "/api/"


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land on their role's home page; everyone else sees the welcome page."""
    if request.user.is_authenticated:
        target = home_url(actor_for(request.user))
        if target is not None:
            return redirect(target)
    return render(request, "home.html")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("Not found.", "not_found", 404)
    return render(request, "404.html", status=404)


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """The last route: what no other route matched (with the slash-appending redirect kept)."""
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not_found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return page_not_found(request)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("You do not have permission to perform this action.", "forbidden", 403)
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("The request could not be understood.", "bad_request", 400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """No database, no context processors: this page must render when everything else fails."""
    if _is_api(request):
        return _json("Something went wrong on our side.", "server_error", 500)
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _is_api(request):
        return _json("CSRF check failed: reload and try again.", "csrf_failed", 403)
    return render(request, "403_csrf.html", status=403)
