"""The sweep: due reminders become notifications, lost deliveries are published again."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Delivery, Notification, Reminder
from notifications.services import (
    Notice,
    register_reminder_handler,
    register_sweep_step,
    schedule_reminder,
)
from notifications.sweep import STALE, dispatch_due_deliveries, fire_due_reminders, run_sweep
from notifications.tests.builders import notify_one

pytestmark = pytest.mark.django_db


def remind(recipient, *, kind=Kind.RESPOND_REMINDER, due_at=None, subject_id=7, key=None):
    return schedule_reminder(
        kind=kind,
        recipient=recipient,
        due_at=due_at or timezone.now() - datetime.timedelta(minutes=1),
        subject_type="handoff",
        subject_id=subject_id,
        key=key or f"{kind}:{subject_id}:{recipient.pk}",
    )


def respond_notice(reminder: Reminder) -> Notice:
    return Notice(
        recipient=reminder.recipient,
        kind=reminder.kind,
        title="Please answer a packet",
        link=f"/handoffs/{reminder.subject_id}/",
        subject_type=reminder.subject_type,
        subject_id=reminder.subject_id,
    )


@pytest.fixture
def answered_handoffs() -> set[int]:
    """Handoff ids that were answered since their reminder was scheduled (stale reminders)."""
    return set()


@pytest.fixture
def respond_handler(registries, answered_handoffs):
    def handler(reminder: Reminder) -> Notice | None:
        if reminder.subject_id in answered_handoffs:
            return None
        return respond_notice(reminder)

    register_reminder_handler(Kind.RESPOND_REMINDER, handler)
    return handler


# --- Reminders ------------------------------------------------------------------------------------


def test_due_reminder_becomes_a_notification_with_its_email(
    trainer, respond_handler, django_capture_on_commit_callbacks, published_ids
):
    reminder = remind(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        assert fire_due_reminders() == 1

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.fired_at is not None
    notification = reminder.notification
    assert notification.recipient == trainer
    assert notification.kind == Kind.RESPOND_REMINDER
    assert published_ids() == [notification.deliveries.get().pk]


def test_stale_reminder_is_cancelled_and_tells_nobody(trainer, respond_handler, answered_handoffs):
    reminder = remind(trainer, subject_id=8)
    answered_handoffs.add(8)

    assert fire_due_reminders() == 1

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED
    assert reminder.cancelled_reason == STALE
    assert reminder.notification is None
    assert Notification.objects.count() == 0


def test_reminder_not_yet_due_waits(trainer, respond_handler):
    reminder = remind(trainer, due_at=timezone.now() + datetime.timedelta(hours=1))

    assert fire_due_reminders() == 0

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING


def test_reminder_of_a_kind_without_handler_is_cancelled_and_logged(
    trainer, respond_handler, caplog
):
    reminder = remind(trainer, kind=Kind.FOLLOW_UP)

    with caplog.at_level(logging.ERROR, logger="baton.notifications"):
        assert fire_due_reminders() == 1

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED
    assert "no handler" in reminder.cancelled_reason
    assert "no handler for kind 'follow_up'" in caplog.text


def test_reminders_fire_in_batches(trainer, respond_handler, answered_handoffs, settings):
    settings.SWEEP_BATCH_SIZE = 3
    for handoff_id in range(1, 9):
        remind(trainer, subject_id=handoff_id)
    answered_handoffs.update({2, 5})

    assert fire_due_reminders() == 8

    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 6
    assert Reminder.objects.filter(status=Reminder.Status.CANCELLED).count() == 2
    assert Notification.objects.count() == 6
    assert Delivery.objects.count() == 6


def _statements_to_fire(count: int, trainer, first_id: int) -> int:
    """Statements run by one sweep over ``count`` due reminders, savepoints left out."""
    for handoff_id in range(first_id, first_id + count):
        remind(trainer, subject_id=handoff_id)
    with CaptureQueriesContext(connection) as queries:
        assert fire_due_reminders() == count
    return len(queries)


def test_batch_cost_does_not_grow_with_its_size(trainer, respond_handler, settings):
    settings.SWEEP_BATCH_SIZE = 100

    # Every statement is per batch: no savepoint per handler, no query per reminder.
    assert _statements_to_fire(1, trainer, 1) == _statements_to_fire(50, trainer, 100)


def test_a_handler_that_raises_leaves_its_reminder_pending_and_the_others_go(
    trainer, registries, caplog, settings
):
    settings.SWEEP_BATCH_SIZE = 2

    def handler(reminder: Reminder) -> Notice:
        if reminder.subject_id == 1:
            raise RuntimeError("handler bug")
        return respond_notice(reminder)

    register_reminder_handler(Kind.RESPOND_REMINDER, handler)
    broken = remind(trainer, subject_id=1, due_at=timezone.now() - datetime.timedelta(hours=2))
    others = [remind(trainer, subject_id=n) for n in (2, 3, 4)]

    assert fire_due_reminders() == 3

    broken.refresh_from_db()
    assert broken.status == Reminder.Status.PENDING
    assert all(
        r.status == Reminder.Status.SENT
        for r in Reminder.objects.filter(pk__in=[o.pk for o in others])
    )
    assert "handler raised" in caplog.text


def test_what_a_raising_handler_wrote_is_rolled_back_and_the_batch_still_goes(
    trainer, registries, settings
):
    settings.SWEEP_BATCH_SIZE = 10

    def handler(reminder: Reminder) -> Notice:
        if reminder.subject_id == 2:
            remind(trainer, subject_id=99, due_at=timezone.now() + datetime.timedelta(days=1))
            raise RuntimeError("handler bug after a write")
        return respond_notice(reminder)

    register_reminder_handler(Kind.RESPOND_REMINDER, handler)
    reminders = [remind(trainer, subject_id=n) for n in (1, 2, 3)]

    assert fire_due_reminders() == 2

    assert not Reminder.objects.filter(subject_id=99).exists()
    statuses = dict(
        Reminder.objects.filter(pk__in=[r.pk for r in reminders]).values_list(
            "subject_id", "status"
        )
    )
    assert statuses == {
        1: Reminder.Status.SENT,
        2: Reminder.Status.PENDING,
        3: Reminder.Status.SENT,
    }
    assert Notification.objects.filter(kind=Kind.RESPOND_REMINDER).count() == 2


def test_two_sweeps_back_to_back_do_nothing_twice(
    trainer, respond_handler, django_capture_on_commit_callbacks, published_ids
):
    remind(trainer)
    notify_one(trainer)  # a pending delivery whose task was lost
    later = timezone.now() + settings.DELIVERY_GRACE + datetime.timedelta(seconds=1)

    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        first = run_sweep()
        second = run_sweep()

    assert first == {"reminders": 1, "deliveries": 1}
    assert second == {"reminders": 0, "deliveries": 0}
    assert Notification.objects.count() == 2
    # The reminder's delivery went out at commit; the lost one was published once by the sweep.
    assert len(published_ids()) == 2
    assert len(set(published_ids())) == 2


def test_a_reminder_fired_by_someone_else_mid_batch_rolls_the_batch_back(
    trainer, registries, caplog
):
    """If the locking assumption ever fails (another sweep fires the same rows), nobody is told
    twice: the batch is rolled back and the step reports -1."""

    def handler(reminder: Reminder) -> Notice:
        Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.SENT)
        return respond_notice(reminder)

    register_reminder_handler(Kind.RESPOND_REMINDER, handler)
    remind(trainer)

    assert run_sweep()["reminders"] == -1

    assert Notification.objects.count() == 0
    assert "fired by someone else" in caplog.text


# --- Deliveries -----------------------------------------------------------------------------------


def test_dispatch_picks_up_lost_deliveries_and_not_fresh_ones(
    trainer, moment, django_capture_on_commit_callbacks, published_ids
):
    grace = settings.DELIVERY_GRACE
    lease = settings.DELIVERY_LEASE
    rows = {}
    with time_machine.travel(moment, tick=False):
        for name in (
            "never_enqueued",
            "grace_expired",
            "fresh",
            "not_due",
            "lease_expired",
            "leased",
            "sent",
            "failed",
        ):
            rows[name] = notify_one(trainer, title=name)[1]
    second = datetime.timedelta(seconds=1)
    updates = {
        "never_enqueued": {"enqueued_at": None},
        "grace_expired": {"enqueued_at": moment - grace - second},
        "fresh": {"enqueued_at": moment - grace + second},
        "not_due": {"enqueued_at": None, "next_attempt_at": moment + second},
        "lease_expired": {
            "status": "sending",
            "lease_until": moment - second,
            "enqueued_at": moment - lease - grace,
        },
        "leased": {
            "status": "sending",
            "lease_until": moment + second,
            "enqueued_at": moment - lease - grace,
        },
        "sent": {"status": "sent", "enqueued_at": None},
        "failed": {"status": "failed", "enqueued_at": None},
    }
    for name, values in updates.items():
        Delivery.objects.filter(pk=rows[name].pk).update(**values)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_deliveries(now=moment) == 3
        assert dispatch_due_deliveries(now=moment) == 0  # stamped: left alone for the grace

    expected = {rows[name].pk for name in ("never_enqueued", "grace_expired", "lease_expired")}
    assert set(published_ids()) == expected
    assert len(published_ids()) == 3
    assert set(Delivery.objects.filter(enqueued_at=moment).values_list("pk", flat=True)) == expected


def test_dispatch_publishes_again_after_another_grace_period(
    trainer, moment, django_capture_on_commit_callbacks, published_ids
):
    with time_machine.travel(moment, tick=False):
        _, delivery = notify_one(trainer)
    after_grace = moment + settings.DELIVERY_GRACE + datetime.timedelta(seconds=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_deliveries(now=after_grace) == 1
        assert dispatch_due_deliveries(now=after_grace + datetime.timedelta(seconds=30)) == 0
        assert dispatch_due_deliveries(now=after_grace + settings.DELIVERY_GRACE * 2) == 1

    assert published_ids() == [delivery.pk, delivery.pk]


def test_dispatch_in_batches(trainer, settings, django_capture_on_commit_callbacks, published_ids):
    settings.SWEEP_BATCH_SIZE = 4
    for n in range(10):
        notify_one(trainer, title=f"Notice {n}")
    Delivery.objects.update(enqueued_at=None)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert dispatch_due_deliveries() == 10

    assert len(callbacks) == 3
    assert len(set(published_ids())) == 10


# --- The whole sweep ------------------------------------------------------------------------------


def test_a_failing_step_is_logged_reported_and_does_not_stop_the_others(
    trainer, registries, caplog
):
    def expire_overdue_handoffs() -> int:
        raise RuntimeError("step bug")

    register_sweep_step("expire overdue handoffs", expire_overdue_handoffs)
    register_sweep_step("revoke expired consents", lambda: 2)

    with caplog.at_level(logging.INFO, logger="baton.notifications"):
        results = run_sweep()

    assert results == {
        "expire overdue handoffs": -1,
        "revoke expired consents": 2,
        "reminders": 0,
        "deliveries": 0,
    }
    failure = next(r for r in caplog.records if "expire overdue handoffs failed" in r.message)
    assert failure.exc_info is not None
    assert "sweep: expire overdue handoffs=-1, revoke expired consents=2" in caplog.text


def test_sweep_task_runs_the_sweep(registries):
    from notifications.tasks import sweep_task

    register_sweep_step("revoke expired consents", lambda: 0)

    assert sweep_task.run() == {"revoke expired consents": 0, "reminders": 0, "deliveries": 0}


def test_beat_schedules_the_sweep_task():
    from notifications.tasks import sweep_task

    assert settings.CELERY_BEAT_SCHEDULE["sweep"]["task"] == sweep_task.name
