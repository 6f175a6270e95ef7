"""Publishing: a broker outage never fails the request, retries never wait on the broker long,
and no countdown or ETA anywhere goes beyond MAX_TASK_COUNTDOWN."""

from __future__ import annotations

import ast
import contextlib
import datetime
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from celery.app.task import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import delivery as ledger
from notifications import publishing
from notifications.models import Delivery
from notifications.services import notify, publish_deliveries
from notifications.sweep import dispatch_due_deliveries
from notifications.tasks import deliver_notification_task
from notifications.tests.builders import notice, notify_one

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR)


@pytest.fixture
def broker_down():
    """The broker refuses connections until ``broker_down.stop()``."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    outage = mock.patch.object(deliver_notification_task, "apply_async", refuse)
    outage.start()
    yield outage
    with contextlib.suppress(RuntimeError):  # already stopped by the test
        outage.stop()


# --- Broker down --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_at_commit_the_change_is_saved_and_the_sweep_sends_later(
    trainer, broker_down, published_ids, caplog
):
    with transaction.atomic():  # the request's state change
        (notification,) = notify([notice(trainer)])
    # Commit happened, the on-commit publish failed, and nothing was raised here.

    delivery = Delivery.objects.get(notification=notification)
    assert delivery.status == Delivery.Status.PENDING
    assert "broker unavailable" in caplog.text

    broker_down.stop()  # the broker is back
    later = timezone.now() + settings.DELIVERY_GRACE + datetime.timedelta(seconds=1)
    with time_machine.travel(later):
        assert dispatch_due_deliveries() == 1
    assert delivery.pk in published_ids()


def test_broker_down_does_not_fail_the_admin_retry_request(
    client, operator, trainer, broker_down, django_capture_on_commit_callbacks, caplog
):
    """A real request that writes and publishes: the admin's retry action."""
    _, delivery = notify_one(trainer)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/admin/notifications/delivery/",
            {"action": "retry_failed", "_selected_action": [delivery.pk]},
        )

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert "broker unavailable" in caplog.text
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_publish_stops_at_the_first_broker_error_and_reports_how_many_went(broker_down, caplog):
    assert publish_deliveries([1, 2, 3]) == 0
    assert "3 deliveries left for the sweep" in caplog.text


# --- Retry publication ----------------------------------------------------------------------------


def test_a_retry_due_within_300_seconds_is_republished_with_a_countdown(
    trainer, smtp, broker_calls
):
    _, delivery = notify_one(trainer)
    smtp.append(TimeoutError("timed out"))

    assert deliver_notification_task.run(delivery.pk) == ledger.RETRY

    delivery.refresh_from_db()
    (call,) = broker_calls
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 0 < call.options["countdown"] <= settings.MAX_TASK_COUNTDOWN
    assert abs(call.options["countdown"] - wait) <= 2
    assert call.options["retry"] is False
    # The sweep leaves it alone until a grace period after it is due.
    assert delivery.enqueued_at == delivery.next_attempt_at


def test_a_longer_retry_is_left_to_the_sweep(trainer, smtp, broker_calls, settings):
    settings.DELIVERY_BACKOFF_BASE = datetime.timedelta(minutes=20)
    _, delivery = notify_one(trainer)
    smtp.append(TimeoutError("timed out"))

    assert deliver_notification_task.run(delivery.pk) == ledger.RETRY

    delivery.refresh_from_db()
    assert broker_calls == []
    assert delivery.enqueued_at is None
    with time_machine.travel(delivery.next_attempt_at):
        assert dispatch_due_deliveries() == 1


def test_a_retry_with_the_broker_down_is_left_to_the_sweep(trainer, smtp, broker_down):
    _, delivery = notify_one(trainer)
    smtp.append(TimeoutError("timed out"))

    assert deliver_notification_task.run(delivery.pk) == ledger.RETRY

    delivery.refresh_from_db()
    assert delivery.enqueued_at is None
    with time_machine.travel(delivery.next_attempt_at):
        assert dispatch_due_deliveries() == 1


def test_clamp_countdown():
    assert publishing.clamp_countdown(-5) == 0
    assert publishing.clamp_countdown(12.2) == 13
    assert publishing.clamp_countdown(10_000) == settings.MAX_TASK_COUNTDOWN == 300


# --- No countdown or ETA beyond 300 seconds -------------------------------------------------------

SCHEDULING_CALLS = {"apply_async", "retry", "send_task", "signature", "s", "si", "set"}


def _source_files() -> list[Path]:
    skip = {".venv", "var", "node_modules", "migrations", "tests", "bench", "static"}
    return [
        path
        for path in PROJECT.rglob("*.py")
        if not skip.intersection(path.relative_to(PROJECT).parts)
    ]


def _scheduling_offences(path: Path) -> list[str]:
    offences = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in SCHEDULING_CALLS and node.func.attr != "delay":
            continue
        for keyword in node.keywords:
            where = f"{path.relative_to(PROJECT)}:{node.lineno}"
            if keyword.arg == "eta":
                offences.append(f"{where}: eta= (use a countdown through clamp_countdown)")
            elif keyword.arg == "countdown" and not _clamped(keyword.value):
                offences.append(f"{where}: countdown= not a constant <= 300 nor clamp_countdown()")
    return offences


def _clamped(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int | float) and value.value <= 300
    return (
        isinstance(value, ast.Call)
        and getattr(value.func, "id", getattr(value.func, "attr", None)) == "clamp_countdown"
    )


def test_no_countdown_or_eta_beyond_300_seconds_anywhere_in_the_project():
    files = _source_files()
    assert PROJECT / "notifications" / "delivery.py" in files

    offences = [offence for path in files for offence in _scheduling_offences(path)]

    assert offences == []
    assert settings.MAX_TASK_COUNTDOWN == 300


def test_the_scan_catches_an_unclamped_countdown(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "task.apply_async(args=(1,), countdown=3600)\n"
        "task.apply_async(args=(1,), countdown=wait)\n"
        "task.apply_async(args=(1,), eta=tomorrow)\n"
        "task.apply_async(args=(1,), countdown=clamp_countdown(wait))\n"
        "task.apply_async(args=(1,), countdown=60)\n"
    )
    global PROJECT
    saved, PROJECT = PROJECT, tmp_path
    try:
        assert len(_scheduling_offences(bad)) == 3
    finally:
        PROJECT = saved


def test_the_runtime_guard_refuses_a_long_countdown():
    with pytest.raises(AssertionError, match="countdown 301s"):
        Task.apply_async(deliver_notification_task, args=(1,), countdown=301)
    with pytest.raises(AssertionError, match="ETA"):
        Task.apply_async(
            deliver_notification_task,
            args=(1,),
            eta=timezone.now() + datetime.timedelta(hours=1),
        )
