"""Celery tasks: thin, they carry only ids and call the services.

Nothing here catches an exception: a database error propagates, the row keeps its lease or stays
pending, and the sweep hands it out again (design §6).
"""

from __future__ import annotations

from celery import shared_task

from notifications.delivery import RETRY, publish_retry, send_delivery
from notifications.sweep import run_sweep


@shared_task(acks_late=True)
def deliver_notification_task(delivery_id: int) -> str:
    outcome = send_delivery(delivery_id)
    if outcome == RETRY:
        publish_retry(delivery_id)
    return outcome


@shared_task(acks_late=True)
def sweep_task() -> dict[str, int]:
    return run_sweep()
