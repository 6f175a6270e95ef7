"""notify(): rows in the caller's transaction, publication after commit, preferences."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction

from notifications.kinds import Kind
from notifications.models import Delivery, Notification, Preference
from notifications.services import ensure_preference, next_send_time, notify
from notifications.tests.builders import notice, notify_one

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"


def test_notify_writes_rows_and_publishes_only_after_commit(
    trainer, django_capture_on_commit_callbacks, published_ids
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        (notification,) = notify([notice(trainer)])
        assert published_ids() == []  # nothing leaves before the commit

    delivery = Delivery.objects.get(notification=notification)
    assert len(callbacks) == 1
    assert published_ids() == [delivery.pk]
    assert notification.recipient == trainer
    assert notification.kind == Kind.HANDOFF_SENT
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.enqueued_at is not None
    assert delivery.idempotency_key == f"notification:{notification.pk}:email"


def test_rolled_back_change_tells_nobody(
    trainer, django_capture_on_commit_callbacks, published_ids
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([notice(trainer)])
        raise RuntimeError("the state change failed")

    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert published_ids() == []


def test_notify_many_uses_a_constant_number_of_queries(
    trainer, therapist, patient, django_assert_num_queries
):
    with django_assert_num_queries(3):  # preferences, notifications, deliveries
        notify([notice(person) for person in (trainer, therapist, patient) * 10])
    assert Delivery.objects.count() == 30


def test_inactive_recipient_gets_the_in_app_notice_but_no_email(trainer):
    trainer.is_active = False
    trainer.save()

    notification, delivery = notify_one(trainer)

    assert notification.pk is not None
    assert delivery is None


def test_email_opt_out_per_kind(patient):
    Preference.objects.create(user=patient, email={Kind.MESSAGE: False})

    _, message_delivery = notify_one(patient, kind=Kind.MESSAGE)
    _, sent_delivery = notify_one(patient, kind=Kind.HANDOFF_SENT)

    assert message_delivery is None
    assert sent_delivery is not None


def test_urgent_notice_is_emailed_even_when_the_kind_is_switched_off(therapist):
    Preference.objects.create(user=therapist, email={Kind.REFERRED_BACK: False})

    _, delivery = notify_one(therapist, kind=Kind.REFERRED_BACK, urgent=True)

    assert delivery is not None


# --- Quiet hours ----------------------------------------------------------------------------------


@pytest.fixture
def night_owl(patient):
    """The patient, in New York, with quiet hours from 22:00 to 07:00 (across midnight)."""
    ensure_preference(
        patient, time_zone=NEW_YORK, quiet_hours=(datetime.time(22), datetime.time(7))
    )
    return patient


def test_quiet_hours_defer_a_non_urgent_email_to_their_end(
    night_owl, django_capture_on_commit_callbacks, published_ids
):
    # 03:30 UTC on 11 March 2026 is 23:30 in New York (EDT, UTC-4, since 8 March).
    with (
        time_machine.travel(datetime.datetime(2026, 3, 11, 3, 30, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _, delivery = notify_one(night_owl)

    assert delivery.next_attempt_at == datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)
    assert delivery.enqueued_at is None  # the sweep publishes it when quiet hours end
    assert published_ids() == []


def test_quiet_hours_do_not_hold_back_an_urgent_email(
    night_owl, django_capture_on_commit_callbacks, published_ids
):
    now = datetime.datetime(2026, 3, 11, 3, 30, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        _, delivery = notify_one(night_owl, urgent=True, kind=Kind.REFERRED_BACK)

    assert delivery.next_attempt_at == now
    assert published_ids() == [delivery.pk]


@pytest.mark.parametrize(
    ("local_time", "deferred_to"),
    [
        # local wall-clock time in New York → when the email may go (local), None: at once
        (datetime.datetime(2026, 3, 10, 21, 59), None),
        (datetime.datetime(2026, 3, 10, 22, 0), datetime.datetime(2026, 3, 11, 7, 0)),
        (datetime.datetime(2026, 3, 11, 2, 0), datetime.datetime(2026, 3, 11, 7, 0)),
        (datetime.datetime(2026, 3, 11, 6, 59), datetime.datetime(2026, 3, 11, 7, 0)),
        (datetime.datetime(2026, 3, 11, 7, 0), None),
        (datetime.datetime(2026, 3, 11, 12, 0), None),
    ],
)
def test_quiet_hours_spanning_midnight(night_owl, local_time, deferred_to):
    zone = datetime.timezone(datetime.timedelta(hours=-4))  # EDT on these dates
    now = local_time.replace(tzinfo=zone)
    pref = Preference.objects.get(user=night_owl)

    due = next_send_time(pref, now, urgent=False)

    expected = now if deferred_to is None else deferred_to.replace(tzinfo=zone)
    assert due == expected


def test_quiet_hours_within_one_day(patient):
    pref = ensure_preference(
        patient, time_zone="Europe/Berlin", quiet_hours=(datetime.time(13), datetime.time(15))
    )
    # 13:30 in Berlin (CET, UTC+1) on 10 March 2026.
    now = datetime.datetime(2026, 3, 10, 12, 30, tzinfo=datetime.UTC)

    assert next_send_time(pref, now, urgent=False) == datetime.datetime(
        2026, 3, 10, 14, 0, tzinfo=datetime.UTC
    )
    assert next_send_time(pref, now, urgent=True) == now


def test_deferred_email_is_published_by_the_sweep_when_quiet_hours_end(
    night_owl, published_ids, django_capture_on_commit_callbacks
):
    from notifications.sweep import dispatch_due_deliveries

    with time_machine.travel(datetime.datetime(2026, 3, 11, 3, 30, tzinfo=datetime.UTC)):
        _, delivery = notify_one(night_owl)
        assert dispatch_due_deliveries() == 0

    with (
        time_machine.travel(datetime.datetime(2026, 3, 11, 11, 0, 30, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert dispatch_due_deliveries() == 1

    assert published_ids() == [delivery.pk]


def test_staff_have_no_quiet_hours_by_default(therapist, moment):
    with time_machine.travel(moment.replace(hour=3), tick=False):
        _, delivery = notify_one(therapist)

    assert delivery.next_attempt_at == moment.replace(hour=3)
