"""``GET /healthz`` for load balancers and operators (docs/api.md).

200 when the database and the broker answer, 503 naming the one that does not. Failed email
deliveries are reported for operators but never make the site unhealthy: a rejected address is
not an outage.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from notifications.selectors import failed_delivery_count

logger = logging.getLogger("baton.health")

BROKER_TIMEOUT_SECONDS = 2


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("healthz: database unreachable: %s", exc)
        return f"unreachable: {type(exc).__name__}"
    return "ok"


def broker_status() -> str:
    # A broker that accepts connections but never answers must not hold the probe (and a web
    # worker) for the transport's own socket timeout.
    options = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    try:
        with celery_app.connection_for_write(transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis: a connected socket is not yet an answering server
    except Exception as exc:
        logger.warning("healthz: broker unreachable: %s", exc)
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    body: dict[str, object] = {
        "database": database,
        "broker": broker_status(),
        "failed_deliveries": failed_delivery_count() if database == "ok" else None,
    }
    healthy = body["database"] == "ok" and body["broker"] == "ok"
    return JsonResponse(body, status=200 if healthy else 503)
