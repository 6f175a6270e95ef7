"""``GET /livez`` for load balancers, ``GET /healthz`` for operators and monitoring
(docs/api.md, docs/operations.md).

``/livez``: this process answers and reaches the database; nothing else. A web node needs
nothing more to serve requests (a broker outage delays emails, never a request: publishing
falls back to the sweep), so the load balancer must not pull nodes when Redis is away.

``/healthz``: is the work moving? The database, the broker, and what the notifications app
reports (``notifications.health``: live workers, the last sweep, the oldest due pending
delivery, retries and failures); 503 with each problem named when any of them is wrong.
This module only composes the checks into HTTP answers.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from notifications.health import broker_status, work_status

logger = logging.getLogger("baton.health")


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("healthz: database unreachable: %s", exc)
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    database = database_status()
    return JsonResponse({"database": database}, status=200 if database == "ok" else 503)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    broker = broker_status()
    body: dict[str, object] = {"database": database, "broker": broker}
    problems: list[dict[str, str]] = []
    if database != "ok":
        problems.append({"code": "database_unreachable", "detail": database})
    if broker != "ok":
        problems.append({"code": "broker_unreachable", "detail": broker})
    if database == "ok":
        try:
            work = work_status().as_dict()
        except Exception as exc:  # the database answered SELECT 1 and failed since
            logger.warning("healthz: work status unreadable: %s", exc)
            problems.append({"code": "database_unreachable", "detail": type(exc).__name__})
        else:
            problems.extend(work.pop("problems"))  # type: ignore[arg-type]
            body.update(work)
    body["status"] = "failing" if problems else "ok"
    body["problems"] = problems
    return JsonResponse(body, status=503 if problems else 200)
