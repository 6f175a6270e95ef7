"""Drills 8 and 10: a reminder whose reason has gone, and two beats sweeping at once.

Reminders are rows with a due time, so the drills bring them due by moving ``due_at`` (the
clock of the workers, other processes, cannot be frozen).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from handoff import services as handoff_services
from handoff.tests import builders
from notifications.kinds import Kind
from notifications.models import Delivery, Notification, Reminder
from notifications.services import schedule_reminder
from notifications.sweep import STALE
from notifications.tests.faults.helpers import (
    assert_each_delivered_once,
    concurrent_sweeps_until,
    settled,
    subject_of,
    sweep_until,
)
from notifications.tests.test_workers import make_deliveries, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RESPOND_TITLE = "Reminder: a handoff packet is waiting for your answer"


def nothing_due() -> bool:
    return not Reminder.objects.filter(
        status=Reminder.Status.PENDING, due_at__lte=timezone.now()
    ).exists()


def test_stale_reminder_sends_nothing_when_it_falls_due_and_nothing_else_is_lost(
    therapist, trainer, patient_record, broker, mail_server, workers
):
    workers.start()
    handoff = builders.sent(therapist=therapist, patient_record=patient_record, trainer=trainer)
    respond = Reminder.objects.filter(kind=Kind.RESPOND_REMINDER, subject_id=handoff.pk)
    first = respond.earliest("due_at")  # the 24-hour one
    soon = timezone.now() + datetime.timedelta(seconds=1)
    respond.filter(pk=first.pk).update(due_at=soon)

    handoff_services.accept_handoff(handoff, by=trainer)  # the trainer answers before it is due
    # One the answer could not cancel (scheduled by a request racing the answer): the handler
    # must find it stale when it falls due.
    straggler = schedule_reminder(
        kind=Kind.RESPOND_REMINDER,
        recipient=trainer,
        due_at=soon,
        subject_type="handoff",
        subject_id=handoff.pk,
        key=f"respond_reminder:{handoff.pk}:{trainer.pk}:straggler",
    )
    # Due at the same time and still wanted: the first follow-up check.
    follow_up = Reminder.objects.filter(kind=Kind.FOLLOW_UP, subject_id=handoff.pk).earliest(
        "due_at"
    )
    Reminder.objects.filter(pk=follow_up.pk).update(due_at=soon)
    wait_for(lambda: timezone.now() > soon, timeout=5, what="the due time")

    sweep_until(
        lambda: nothing_due() and settled(),
        timeout=30,
        what="the due reminders handled and every email sent",
        logs=workers.logs(),
    )

    first.refresh_from_db()
    straggler.refresh_from_db()
    follow_up.refresh_from_db()
    assert (first.status, first.cancelled_reason) == (Reminder.Status.CANCELLED, "answered")
    assert (straggler.status, straggler.cancelled_reason) == (Reminder.Status.CANCELLED, STALE)
    assert first.notification_id is None and straggler.notification_id is None
    assert follow_up.status == Reminder.Status.SENT
    assert follow_up.notification.deliveries.get().status == Delivery.Status.SENT
    assert not Notification.objects.filter(kind=Kind.RESPOND_REMINDER).exists()
    assert RESPOND_TITLE not in {m.subject for m in mail_server.received()}
    sent_kinds = set(
        Delivery.objects.filter(status=Delivery.Status.SENT).values_list(
            "notification__kind", flat=True
        )
    )
    assert {Kind.HANDOFF_SENT, Kind.HANDOFF_ACCEPTED, Kind.FOLLOW_UP} <= sent_kinds
    assert_each_delivered_once(mail_server)


def test_two_sweeps_at_once_fire_each_reminder_once_and_send_each_email_once(
    therapist,
    trainer,
    trainer2,
    patient_record,
    other_patient_record,
    broker,
    mail_server,
    workers,
    settings,
):
    builders.accepted(therapist=therapist, patient_record=patient_record, trainer=trainer)
    builders.accepted(therapist=therapist, patient_record=other_patient_record, trainer=trainer2)
    make_deliveries(trainer, 12)
    # The backlog: every reminder is due, and every message on the broker was lost an hour ago.
    now = timezone.now()
    due = list(Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=due).update(due_at=now)
    lost = Delivery.objects.update(enqueued_at=now - datetime.timedelta(hours=1))
    broker.flushall()
    # A grace period longer than the drill: each lost delivery is due for exactly one publish.
    settings.DELIVERY_GRACE = datetime.timedelta(minutes=5)
    workers.start()

    results = concurrent_sweeps_until(
        lambda: nothing_due() and settled(),
        timeout=30,
        what="two beats through the backlog",
        logs=workers.logs(),
    )

    assert all(count >= 0 for result in results for count in result.values()), results
    assert sum(r["reminders"] for r in results) == len(due)
    assert sum(r["deliveries"] for r in results) == lost
    fired = Reminder.objects.filter(pk__in=due)
    assert set(fired.values_list("status", flat=True)) == {Reminder.Status.SENT}
    notifications = list(fired.values_list("notification_id", flat=True))
    assert None not in notifications and len(set(notifications)) == len(due)
    reminder_kinds = set(fired.values_list("kind", flat=True))
    assert Notification.objects.filter(kind__in=reminder_kinds).count() == len(due)
    assert_each_delivered_once(mail_server)
    assert mail_server.received().total() == lost + len(due)
    assert subject_of("Follow-up check due") in {m.subject for m in mail_server.received()}
