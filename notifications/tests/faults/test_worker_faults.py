"""Drills 6-7: duplicated tasks racing in two workers, and workers killed with SIGKILL.

The mail server stalls a session at a chosen stage, so that the race or the kill happens at a
known moment instead of by luck.
"""

from __future__ import annotations

import pytest

from notifications.models import Delivery
from notifications.services import publish_deliveries
from notifications.tests.faults.helpers import assert_each_delivered_once, settled, sweep_until
from notifications.tests.test_workers import make_deliveries, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_same_delivery_run_twice_at_once_by_two_workers_sends_one_email(
    trainer, broker, mail_server, workers
):
    first, second = workers.start(), workers.start()
    first.wait_ready()
    second.wait_ready()
    held = mail_server.stall("MAIL")
    (delivery_id,) = make_deliveries(trainer, 1)  # published once on commit
    publish_deliveries([delivery_id])  # and once more, at once

    # One worker holds the claim while the mail server talks; the other runs the duplicate.
    wait_for(held.reached.is_set, timeout=20, what="a send in flight", logs=workers.logs())
    wait_for(
        lambda: f"delivery {delivery_id} skipped: not claimable" in workers.text(),
        timeout=20,
        what="the duplicate task skipped",
        logs=workers.logs(),
    )
    held.release()
    # And a batch of duplicated tasks with nothing held: two workers race over each id.
    ids = make_deliveries(trainer, 10)
    publish_deliveries(ids)
    wait_for(settled, timeout=30, what="every delivery sent", logs=workers.logs())

    assert_each_delivered_once(mail_server)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert "possible duplicate" not in workers.text()


def test_worker_killed_before_sending_sends_once_after_restart_and_lease_expiry(
    trainer, broker, mail_server, workers
):
    worker = workers.start()
    held = mail_server.stall("MAIL")  # before the mail server has accepted anything
    (delivery_id,) = make_deliveries(trainer, 1)
    wait_for(held.reached.is_set, timeout=20, what="the send in flight", logs=workers.logs())

    worker.kill()  # SIGKILL to the main process and its pool child at once
    held.release()
    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENDING, 1)
    assert mail_server.received().total() == 0

    workers.start()  # its message died with the worker: only the lease brings it back
    sweep_until(settled, timeout=30, what="the delivery sent", logs=workers.logs())

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert_each_delivered_once(mail_server)


def test_worker_killed_between_the_mail_servers_accept_and_mark_sent_is_logged(
    trainer, broker, mail_server, workers
):
    worker = workers.start()
    held = mail_server.stall("DATA")  # the server has recorded the message, not yet said 250
    (delivery_id,) = make_deliveries(trainer, 1)
    wait_for(held.reached.is_set, timeout=20, what="the message accepted", logs=workers.logs())

    worker.kill_pool_child()  # the main process survives, starts a new child, requeues the task
    held.release()
    assert mail_server.received().total() == 1
    sweep_until(settled, timeout=30, what="the delivery sent", logs=workers.logs())

    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    # The one case that may send twice: at least once, at most twice, and logged by name.
    assert 1 <= mail_server.received().total() <= 2
    assert f"delivery {delivery_id}: possible duplicate" in workers.text()
