"""Rate limits kept in the cache (Redis in production), answered 429 with ``Retry-After``.

Fixed windows: each limit counts hits per key in the current window of ``seconds``; the first
hit past ``count`` is refused until the window ends. Keys are hashed, so an email address never
appears in the cache. The API's per-user limits are DRF throttles built on the same cache.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    @classmethod
    def parse(cls, name: str, rate: str) -> Limit:
        """``"5/hour"``, ``"30/minute"``, ``"10/s"``: DRF's notation."""
        count, _, period = rate.partition("/")
        if not count.strip().isdigit() or not period or period.strip()[0] not in _PERIODS:
            raise ValueError(f"A rate looks like 5/hour or 30/minute, not {rate!r}.")
        return cls(name=name, count=int(count), seconds=_PERIODS[period.strip()[0]])


def limit(name: str) -> Limit:
    return Limit.parse(name, settings.RATE_LIMITS[name])


def hit(limit: Limit, key: str) -> int | None:
    """Count one hit; ``None`` if it is allowed, else the seconds until the window ends."""
    now = time.time()
    window = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"baton:rate:{limit.name}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr: a new window began
        cache.add(cache_key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def first_refusal(checks: list[tuple[str, str | None]]) -> int | None:
    """Apply several limits (name, key); the longest wait of those exceeded, or ``None``.

    A missing key (a request with no client address) is counted under one shared key: such
    requests are limited together rather than not at all.
    """
    waits = [wait for name, key in checks if (wait := hit(limit(name), key or "-")) is not None]
    return max(waits) if waits else None


def too_many_requests(request: HttpRequest, retry_after: int, what: str) -> HttpResponse:
    """429 with ``Retry-After``: JSON under ``/api/``, a page elsewhere."""
    minutes = math.ceil(retry_after / 60)
    wait = f"{retry_after} seconds" if retry_after < 120 else f"{minutes} minutes"
    detail = f"Too many {what}. Try again in {wait}."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail, "code": "throttled"}, status=429)
    else:
        response = render(request, "accounts/rate_limited.html", {"detail": detail}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class UserThrottle(UserRateThrottle):
    """Per-user API limit (per address for anonymous callers); rates in ``REST_FRAMEWORK``."""

    scope = "user"


class AnonThrottle(AnonRateThrottle):
    scope = "anon"
