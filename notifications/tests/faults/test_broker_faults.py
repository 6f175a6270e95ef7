"""Drills 1-3: the broker goes away, loses its queue, or restarts; no notice is lost or doubled.

The Redis in these drills is the drill's own ``redis-server`` (see ``conftest.py``).
"""

from __future__ import annotations

import logging
import time

import pytest

from handoff import services as handoff_services
from handoff.models import Handoff
from handoff.tests import builders
from notifications.models import Delivery
from notifications.tests.faults.helpers import assert_each_delivered_once, settled, sweep_until
from notifications.tests.test_workers import make_deliveries, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_broker_down_at_commit_keeps_the_change_and_the_sweep_delivers_it_once(
    therapist, trainer, patient_record, broker, mail_server, workers, caplog
):
    handoff = builders.with_consent(
        builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer),
        therapist,
    )
    broker.stop()  # nothing listens on the broker's port any more

    with caplog.at_level(logging.WARNING, logger="baton.notifications"):
        started = time.monotonic()
        handoff_services.send_handoff(handoff, by=therapist)  # commits, then publishes
        took = time.monotonic() - started

    # The request is not held up by the broker, and the change and its deliveries are kept.
    assert took < 1.0, f"send_handoff took {took:.2f}s with the broker down"
    assert "broker unavailable" in caplog.text
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.SENT
    deliveries = Delivery.objects.filter(notification__subject_id=handoff.pk)
    assert deliveries.count() == 2  # the trainer and the patient
    assert set(deliveries.values_list("status", "attempts")) == {(Delivery.Status.PENDING, 0)}

    broker.start()  # an empty Redis on the same port: the publish never reached it
    workers.start()
    # The sweep leaves them alone for the grace period after their (failed) publication.
    sweep_until(settled, timeout=30, what="the deliveries sent", logs=workers.logs())

    assert_each_delivered_once(mail_server)
    assert set(deliveries.values_list("attempts", flat=True)) == {1}


def test_redis_flushed_with_tasks_queued_the_sweep_still_delivers_everything(
    therapist, trainer, patient_record, broker, real_broker, mail_server, workers
):
    builders.sent(therapist=therapist, patient_record=patient_record, trainer=trainer)
    make_deliveries(trainer, 6)
    published = Delivery.objects.count()
    assert published >= 8
    assert broker.queue_length(real_broker) == published  # on commit; no worker yet

    broker.flushall()
    assert broker.queue_length(real_broker) == 0
    workers.start()
    sweep_until(settled, timeout=30, what="every delivery sent", logs=workers.logs())

    assert_each_delivered_once(mail_server)
    assert mail_server.received().total() == published


def test_redis_restarted_mid_stream_loses_nothing_and_sends_each_once(
    trainer, broker, real_broker, mail_server, workers
):
    # The first send waits after the server has the message and before it answers: the worker
    # must ride out the broker restart and still mark it sent, so it is not sent twice.
    held = mail_server.stall("DATA")
    workers.start()
    make_deliveries(trainer, 20)
    wait_for(held.reached.is_set, timeout=30, what="a send in flight", logs=workers.logs())
    assert broker.queue_length(real_broker) > 0  # the rest are queued in Redis

    broker.restart()  # SIGKILL and start again on the same port: the queue is gone
    held.release()
    sweep_until(settled, timeout=60, what="every delivery sent", logs=workers.logs())

    assert_each_delivered_once(mail_server)
    assert mail_server.received().total() == 20
