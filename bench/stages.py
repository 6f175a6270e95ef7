"""The benchmarks themselves. Each ``stage_*`` runs in its own process (see ``run.py``) on its
own copy of the database and returns a dict of figures; none asserts anything about speed.
"""

from __future__ import annotations

import datetime
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESPOND_REMINDERS_PER_HANDOFF = 2  # 24 h and 72 h after sending (handoff.reminders)


# --- Shared data ------------------------------------------------------------------------------------


def stage_migrate(options: dict[str, Any]) -> dict[str, Any]:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return {"seconds": time.perf_counter() - started}


def stage_backlog(options: dict[str, Any]) -> dict[str, Any]:
    """Sent handoffs (trainers not answering) whose respond reminders are all due."""
    from bench import world

    started = time.perf_counter()
    reminders = options["reminders"]
    people = world.organisations(trainers=10)
    real = max(1, min(options["handoffs"], reminders // RESPOND_REMINDERS_PER_HANDOFF))
    handoffs = world.sent_handoffs(people, real)
    topped_up = world.more_respond_reminders(
        handoffs, reminders, due_at=handoffs[-1].sent_at + datetime.timedelta(hours=24)
    )
    return {
        "handoffs": real,
        "reminders": reminders,
        "topped_up": topped_up,
        "seconds": time.perf_counter() - started,
    }


def _sweep_moment() -> datetime.datetime:
    """When every respond reminder is due and no handoff has expired yet (7 days to answer)."""
    from handoff.models import Handoff

    last_sent = Handoff.objects.order_by("-sent_at").values_list("sent_at", flat=True).first()
    assert last_sent is not None, "the backlog is empty"
    return last_sent + datetime.timedelta(hours=73)


def _broker_messages() -> int:
    from django.conf import settings

    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_out", "/nonexistent"))
    return sum(1 for _ in folder.glob("*")) if folder.is_dir() else 0


def _sweep_outcome(handled: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from notifications.models import Delivery, Notification, Reminder

    return {
        "fired": handled,
        "respond_still_pending": Reminder.objects.filter(
            kind="respond_reminder", status=Reminder.Status.PENDING
        ).count(),
        "notifications": Notification.objects.filter(kind="respond_reminder").count(),
        "deliveries": Delivery.objects.filter(notification__kind="respond_reminder").count(),
        "published": _broker_messages(),
        "batch_size": settings.SWEEP_BATCH_SIZE,
        "vendor": connection.vendor,
    }


# --- (i) The sweep's throughput --------------------------------------------------------------------


def stage_sweep(options: dict[str, Any]) -> dict[str, Any]:
    """``fire_due_reminders`` over the whole backlog, timed from the first claim to the last
    publication (the delivery tasks go to the filesystem broker after each batch commits)."""
    from notifications.sweep import fire_due_reminders

    now = _sweep_moment()
    started = time.perf_counter()
    handled = fire_due_reminders(now)
    seconds = time.perf_counter() - started
    return {**_sweep_outcome(handled), "seconds": seconds, "per_second": handled / seconds}


# --- (iv) The sweep's peak memory ------------------------------------------------------------------


def stage_sweep_memory(options: dict[str, Any]) -> dict[str, Any]:
    """The same sweep under ``tracemalloc``: the peak of Python allocations while it runs.

    Batching should keep this flat however long the backlog is; a figure that grows with the
    backlog means something holds on to every row.
    """
    from notifications.sweep import fire_due_reminders

    now = _sweep_moment()
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    handled = fire_due_reminders(now)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        **_sweep_outcome(handled),
        "peak_mib": (peak - baseline) / 2**20,
        "retained_mib": (current - baseline) / 2**20,
    }


# --- (ii) notify() throughput ----------------------------------------------------------------------


def stage_notify(options: dict[str, Any]) -> dict[str, Any]:
    """``notify`` as the services call it: in a transaction, ``batch`` notices at a time, each
    making a notification and an email delivery, published to the broker after commit."""
    from django.db import transaction

    from bench import world
    from notifications.models import Delivery, Notification
    from notifications.services import notify
    from notifications.tests.builders import notice

    people = world.organisations(trainers=10)
    results = {}
    for batch, total in options["notify_batches"]:
        before_n, before_d = Notification.objects.count(), Delivery.objects.count()
        recipients = people.trainers
        started = time.perf_counter()
        for start in range(0, total, batch):
            with transaction.atomic():
                notify(
                    notice(recipients[(start + k) % len(recipients)], title=f"Notice {start + k}")
                    for k in range(min(batch, total - start))
                )
        seconds = time.perf_counter() - started
        made_n = Notification.objects.count() - before_n
        made_d = Delivery.objects.count() - before_d
        results[str(batch)] = {
            "notifications": made_n,
            "deliveries": made_d,
            "seconds": seconds,
            "notifications_per_second": made_n / seconds,
            "deliveries_per_second": made_d / seconds,
        }
    return {"batches": results, "published": _broker_messages()}


# --- (iii) List endpoint latency -----------------------------------------------------------------


def stage_api(options: dict[str, Any]) -> dict[str, Any]:
    """GET a list endpoint as a therapist with ``handoffs`` handoffs (half accepted), through
    the whole middleware stack with Django's test client; median and p95 of ``requests``."""
    from django.test import Client
    from django.urls import Resolver404, resolve

    from bench import world
    from handoff import services

    people = world.organisations(trainers=10)
    handoffs = world.sent_handoffs(people, options["api_handoffs"])
    for handoff in handoffs[::2]:
        services.accept_handoff(handoff, by=handoff.trainer)
    client = Client()
    client.force_login(people.therapist)

    results: dict[str, Any] = {}
    for name, path in [("handoffs", "/api/v1/handoffs/"), ("patients", "/api/v1/patients/")]:
        try:
            resolve(path)
        except Resolver404:
            results[name] = {"skipped": f"{path} does not resolve yet"}
            continue
        results[name] = _time_list(client, path, options)
    return {"rows": len(handoffs), **results}


def _time_list(client: Any, path: str, options: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page_size = options["page_size"]
    url = f"{path}?page_size={page_size}"

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content!r}")
        return response

    for _ in range(5):  # warm up: URL resolver, serializer fields, connection
        get()
    with CaptureQueriesContext(connection) as captured:
        body = get().json()
    queries = len(captured)  # now: the next request clears the connection's query log
    timings = _timed(get, options["requests"])
    return {
        "count": body.get("count"),
        "page": len(body.get("results", [])),
        "queries": queries,
        "median_ms": statistics.median(timings) * 1000,
        "p95_ms": _percentile(timings, 95) * 1000,
        "max_ms": max(timings) * 1000,
    }


def _timed(call: Callable[[], Any], times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: p95 of 50 values is the 48th smallest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


STAGES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "migrate": stage_migrate,
    "backlog": stage_backlog,
    "sweep": stage_sweep,
    "sweep_memory": stage_sweep_memory,
    "notify": stage_notify,
    "api": stage_api,
}
