"""Drill 9: PostgreSQL fails in the middle of a delivery task.

Two real database faults: a trigger that makes the claim's UPDATE raise once (the claim's
transaction rolls back and the sweep hands the delivery out again), and the worker's database
session terminated by ``pg_terminate_backend`` while it talks to the mail server (its mark-sent
meets a dead connection after the mail server has accepted the message).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connection

from notifications.models import Delivery
from notifications.tests.faults.helpers import (
    WORKER_APPLICATION_NAME,
    assert_each_delivered_once,
    settled,
    sweep_until,
)
from notifications.tests.test_workers import make_deliveries, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INJECTED = "drill: the database failed in the middle of the claim"

_CREATE_FAULT = [
    "CREATE TABLE drill_fault_target (delivery_id bigint PRIMARY KEY)",
    # A sequence, not a flag in a table: nextval() survives the rollback the error causes.
    "CREATE SEQUENCE drill_fault_once",
    """
    CREATE FUNCTION drill_fail_claim_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = 'pending' AND NEW.status = 'sending'
           AND EXISTS (SELECT 1 FROM drill_fault_target WHERE delivery_id = OLD.id) THEN
            IF nextval('drill_fault_once') = 1 THEN
                RAISE EXCEPTION 'drill: the database failed in the middle of the claim';
            END IF;
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER drill_fail_claim_once BEFORE UPDATE ON notifications_delivery
    FOR EACH ROW EXECUTE FUNCTION drill_fail_claim_once()
    """,
]
assert INJECTED in _CREATE_FAULT[2]

_DROP_FAULT = [
    "DROP TRIGGER IF EXISTS drill_fail_claim_once ON notifications_delivery",
    "DROP FUNCTION IF EXISTS drill_fail_claim_once()",
    "DROP SEQUENCE IF EXISTS drill_fault_once",
    "DROP TABLE IF EXISTS drill_fault_target",
]


@contextlib.contextmanager
def claim_fails_once(delivery_id: int) -> Iterator[None]:
    """The first claim of this delivery raises inside PostgreSQL, as a failing disk would."""
    try:
        with connection.cursor() as cursor:
            for statement in _CREATE_FAULT:
                cursor.execute(statement)
            cursor.execute("INSERT INTO drill_fault_target VALUES (%s)", [delivery_id])
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in _DROP_FAULT:
                cursor.execute(statement)


def terminate_worker_sessions() -> int:
    """Cut every worker's database session, as a failover or a restarted pooler would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [WORKER_APPLICATION_NAME],
        )
        return sum(1 for (terminated,) in cursor.fetchall() if terminated)


def test_database_errors_in_the_middle_of_a_task_roll_back_and_end_in_one_email(
    trainer, patient, broker, mail_server, workers
):
    # 1. The claim's transaction fails: nothing of it stays, and the sweep hands it out again.
    (first,) = make_deliveries(trainer, 1)
    with claim_fails_once(first):
        workers.start()
        wait_for(
            lambda: INJECTED in workers.text(), timeout=30, what="the fault", logs=workers.logs()
        )
        row = Delivery.objects.get(pk=first)
        assert (row.status, row.attempts, row.lease_until) == (Delivery.Status.PENDING, 0, None)
        sweep_until(settled, timeout=30, what="the first delivery sent", logs=workers.logs())

    # 2. The worker's session dies while the mail server holds the accepted message.
    held = mail_server.stall("DATA")
    (second,) = make_deliveries(patient, 1)
    wait_for(held.reached.is_set, timeout=20, what="the message accepted", logs=workers.logs())
    assert terminate_worker_sessions() >= 1
    held.release()
    sweep_until(settled, timeout=30, what="the second delivery sent", logs=workers.logs())

    for delivery_id in (first, second):
        row = Delivery.objects.get(pk=delivery_id)
        assert (row.status, row.attempts, row.lease_until) == (Delivery.Status.SENT, 1, None)
        assert row.sent_at is not None
    assert_each_delivered_once(mail_server)
