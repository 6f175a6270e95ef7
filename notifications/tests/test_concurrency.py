"""Races settled in the database: two claims, two sweeps at once (threads, own connections).

They run on SQLite (IMMEDIATE transactions serialise writers) and, under CI, on PostgreSQL,
where row locks and the conditional UPDATE's re-check are what settle them.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from notifications import delivery as ledger
from notifications.kinds import Kind
from notifications.models import Delivery, Notification, Reminder
from notifications.services import Notice, register_reminder_handler, schedule_reminder
from notifications.sweep import dispatch_due_deliveries, fire_due_reminders
from notifications.tests.builders import notify_one

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at_once(work: Callable[[], Any], *, threads: int = 2) -> list[Any]:
    """Run ``work`` in several threads released together; returns their results."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads
    errors: list[BaseException] = []

    def run(slot: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[slot] = work()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_two_workers_claiming_one_delivery_at_once_only_one_wins(trainer):
    _, delivery = notify_one(trainer)

    for _ in range(5):
        Delivery.objects.filter(pk=delivery.pk).update(status="pending", lease_until=None)
        results = at_once(lambda: ledger.claim_delivery(delivery.pk), threads=4)
        assert sum(r is not None for r in results) == 1


def test_two_sweeps_at_once_fire_each_reminder_once(trainer, registries, settings):
    settings.SWEEP_BATCH_SIZE = 5

    def handler(reminder: Reminder) -> Notice:
        time.sleep(0.005)  # long enough for the other sweep to arrive mid-batch
        return Notice(recipient=reminder.recipient, kind=reminder.kind, title="Please answer")

    register_reminder_handler(Kind.RESPOND_REMINDER, handler)
    due = timezone.now() - datetime.timedelta(minutes=1)
    for n in range(30):
        schedule_reminder(
            kind=Kind.RESPOND_REMINDER,
            recipient=trainer,
            due_at=due,
            subject_type="handoff",
            subject_id=n,
            key=f"respond:{n}",
        )

    results = at_once(fire_due_reminders)

    assert sum(results) == 30
    assert Notification.objects.count() == 30
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 30


def test_two_sweeps_at_once_publish_each_lost_delivery_once(
    trainer, settings, broker_calls, published_ids
):
    settings.SWEEP_BATCH_SIZE = 5
    for n in range(30):
        notify_one(trainer, title=f"Notice {n}")
    Delivery.objects.update(enqueued_at=None)  # their tasks were lost
    broker_calls.clear()

    results = at_once(dispatch_due_deliveries)

    assert sum(results) == 30
    assert sorted(published_ids()) == sorted(Delivery.objects.values_list("pk", flat=True))
