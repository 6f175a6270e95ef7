"""Drills 4-5: the mail server fails for a while, or refuses an address for good.

The workers talk to the drill's SMTP server through Django's real SMTP backend.
"""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings

from handoff.tests import builders
from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.sweep import run_sweep
from notifications.tests.faults.helpers import assert_each_delivered_once, settled, sweep_until
from notifications.tests.test_workers import make_deliveries

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_mail_server_failing_transiently_then_recovering_delivers_once_after_backoff(
    trainer, broker, mail_server, workers
):
    mail_server.fail_transiently(trainer.email, times=3)
    workers.start()
    (delivery_id,) = make_deliveries(trainer, 1)

    # Beat keeps running meanwhile: the sweep must not hurry a delivery that is backing off.
    sweep_until(settled, timeout=40, what="the delivery sent", logs=workers.logs())

    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 4
    assert "451" in delivery.last_error  # the last failure is kept for operators
    replies = mail_server.rcpt_replies(trainer.email)
    assert [code for _, code in replies] == [451, 451, 451, 250]
    base = settings.DELIVERY_BACKOFF_BASE.total_seconds()
    cap = settings.DELIVERY_BACKOFF_MAX.total_seconds()
    for attempt, ((failed_at, _), (next_at, _)) in enumerate(itertools.pairwise(replies), start=1):
        # backoff(): at least half of min(cap, base * 2**(attempt-1)), jitter on top
        least = min(cap, base * 2 ** (attempt - 1)) / 2
        assert next_at - failed_at >= least, f"attempt {attempt + 1} came too early"
    assert_each_delivered_once(mail_server)


def test_mail_server_refusing_an_address_fails_it_at_once_and_tells_the_sender(
    therapist, trainer, patient_record, broker, real_broker, mail_server, workers, client
):
    mail_server.refuse(trainer.email)
    workers.start()
    handoff = builders.sent(therapist=therapist, patient_record=patient_record, trainer=trainer)

    sweep_until(settled, timeout=30, what="every delivery finished", logs=workers.logs())

    refused = Delivery.objects.get(notification__recipient=trainer)
    assert refused.status == Delivery.Status.FAILED
    assert refused.attempts == 1
    assert refused.failed_at is not None
    assert "550" in refused.last_error
    # The sender's side is told, in the app and by email (the therapist's address works).
    told = Notification.objects.get(recipient=therapist, kind=Kind.DELIVERY_FAILED)
    assert (told.subject_type, told.subject_id) == ("handoff", handoff.pk)
    assert told.deliveries.get().status == Delivery.Status.SENT
    # Not retried: a failed delivery is nothing the sweep hands out again.
    assert run_sweep()["deliveries"] == 0
    assert broker.queue_length(real_broker) == 0
    assert len(mail_server.rcpt_replies(trainer.email)) == 1
    # Operators see it, and a failed delivery is not a reason for 503 (the work is moving).
    run_sweep()
    health = client.get("/healthz")
    assert health.status_code == 200, health.content
    assert health.json()["failed_deliveries"] == 1
    assert_each_delivered_once(mail_server, failed={refused.pk})
