"""Is the work moving (notifications.health)? Fails with no live worker, with no sweep for two
intervals, and with a due delivery stuck past grace + two sweep intervals; retries and failures
are reported, never a failure. /healthz shows the same (config/tests/test_health.py)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from notifications.health import (
    BACKLOG_STUCK,
    NO_LIVE_WORKER,
    SWEEP_SILENT,
    backlog_limit,
    work_status,
)
from notifications.heartbeat import forget_heartbeat, record_heartbeat, record_sweep
from notifications.models import Delivery, Heartbeat
from notifications.sweep import run_sweep
from notifications.tests.builders import notify_one

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def timings(settings) -> None:
    settings.WORKER_HEARTBEAT_SECONDS = 10  # live: seen in the last 30 s
    settings.SWEEP_INTERVAL = datetime.timedelta(seconds=60)  # silent after 120 s
    settings.DELIVERY_GRACE = datetime.timedelta(seconds=120)  # stuck after 120 + 120 s


@pytest.fixture
def moving() -> None:
    record_heartbeat("w1@host", kind="worker", pid=10, start=True)
    record_sweep()


def codes(now: datetime.datetime | None = None) -> list[str]:
    return [code for code, _ in work_status(now).problems]


def test_work_is_moving_with_a_live_worker_a_recent_sweep_and_nothing_overdue(moving, trainer):
    notify_one(trainer)  # due now: not stuck

    status = work_status()

    assert status.healthy, status.problems
    assert status.live_workers == 1
    assert status.last_sweep_at is not None
    assert status.oldest_due_pending_seconds == 0


def test_no_live_worker_fails_when_the_last_heartbeat_is_three_beats_old(moving):
    now = timezone.now()

    assert codes(now + 29 * SECOND) == []
    assert codes(now + 31 * SECOND) == [NO_LIVE_WORKER]


def test_no_worker_at_all_fails():
    record_sweep()

    assert codes() == [NO_LIVE_WORKER]


def test_a_cleanly_stopped_worker_leaves_the_count_at_once(moving):
    forget_heartbeat("w1@host")

    assert codes() == [NO_LIVE_WORKER]


def test_no_sweep_for_two_intervals_fails(moving):
    now = timezone.now()

    assert SWEEP_SILENT not in codes(now + 119 * SECOND)
    assert SWEEP_SILENT in codes(now + 121 * SECOND)


def test_a_sweep_that_never_ran_fails():
    record_heartbeat("w1@host", kind="worker", pid=10, start=True)

    assert codes() == [SWEEP_SILENT]


def test_the_sweep_stamps_its_heartbeat_each_run(moving):
    Heartbeat.objects.filter(name="sweep").update(seen_at=timezone.now() - 10 * 60 * SECOND)
    assert SWEEP_SILENT in codes()

    run_sweep()

    assert codes() == []


def test_a_due_delivery_stuck_past_grace_and_two_sweep_intervals_fails(moving, trainer):
    _, delivery = notify_one(trainer)
    due = Delivery.objects.get(pk=delivery.pk).next_attempt_at
    limit = backlog_limit()
    assert limit == 240 * SECOND

    assert BACKLOG_STUCK not in codes(due + limit - SECOND)
    stuck = work_status(due + limit + SECOND)

    assert BACKLOG_STUCK in [code for code, _ in stuck.problems]
    assert stuck.oldest_due_pending_at == due
    assert stuck.oldest_due_pending_seconds == 241


def test_a_delivery_deferred_to_the_future_is_not_a_backlog(moving, trainer):
    _, delivery = notify_one(trainer)
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=8)  # quiet hours
    )

    status = work_status()

    assert status.oldest_due_pending_at is None
    assert status.healthy


def test_retries_and_failures_are_reported_but_never_fail(moving, trainer):
    for attempts, state in [(2, Delivery.Status.PENDING), (1, Delivery.Status.PENDING)]:
        _, delivery = notify_one(trainer)
        Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, status=state)
    _, failed = notify_one(trainer)
    Delivery.objects.filter(pk=failed.pk).update(status=Delivery.Status.FAILED, attempts=8)
    notify_one(trainer)  # pending, never tried: not in retry

    status = work_status()

    assert (status.in_retry, status.failed) == (2, 1)
    assert status.healthy


def test_healthz_reports_the_same_as_json(moving, trainer, client: Client, settings):
    settings.CELERY_BROKER_URL = "memory://"  # not what this test is about
    _, delivery = notify_one(trainer)
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - 300 * SECOND, attempts=1
    )
    Heartbeat.objects.filter(kind="worker").delete()

    body = client.get("/healthz").json()

    assert body["live_workers"] == 0
    assert body["in_retry"] == 1
    assert body["oldest_due_pending_seconds"] >= 300
    assert {p["code"] for p in body["problems"]} >= {NO_LIVE_WORKER, BACKLOG_STUCK}
    assert body["status"] == "failing"
    assert "w1@host" not in str(body)  # no host names on a public URL


def test_the_admin_shows_the_same_report(moving, client: Client, operator, settings):
    settings.CELERY_BROKER_URL = "memory://"
    Heartbeat.objects.filter(kind="worker").update(seen_at=timezone.now() - 60 * SECOND)
    client.force_login(operator)

    response = client.get("/admin/notifications/heartbeat/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "NOT MOVING" in page
    assert NO_LIVE_WORKER in page
    assert "w1@host" in page  # operators see which worker went quiet
