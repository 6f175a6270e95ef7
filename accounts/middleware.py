"""Idle and absolute session lifetimes."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED_KEY = "baton_session_started"
SEEN_KEY = "baton_session_seen"
# Refresh "last seen" at most this often, so that not every request writes the session.
SEEN_RESOLUTION_SECONDS = 30


def start_session_clock(request: HttpRequest) -> None:
    """Start both clocks at login, so a re-login on a live session gets a fresh absolute limit."""
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


class SessionLifetimeMiddleware:
    """End a session after ``SESSION_IDLE_TIMEOUT`` idle or ``SESSION_ABSOLUTE_TIMEOUT`` in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            self._enforce(request)
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        started = session.get(STARTED_KEY)
        seen = session.get(SEEN_KEY)
        if started is None or seen is None:
            session[STARTED_KEY] = started or now
            session[SEEN_KEY] = now
            return
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        if now - seen > idle or now - started > absolute:
            logout(request)  # flushes the session; the request goes on as anonymous
            return
        if now - seen > SEEN_RESOLUTION_SECONDS:
            session[SEEN_KEY] = now
