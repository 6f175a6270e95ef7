"""Handing delivery ids to the broker.

Tasks are published by name, so the code that publishes (services, delivery) never imports the
tasks module, which imports it: the tasks sit on top of ``notifications`` and nothing below
them knows they exist (the way Zulip's ``queue_event_on_commit`` names its queue).
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager
from typing import Any

from celery import current_app
from django.conf import settings

DELIVER_TASK = "notifications.tasks.deliver_notification_task"


def clamp_countdown(seconds: float) -> int:
    """A countdown of at most ``MAX_TASK_COUNTDOWN`` (300 s) seconds.

    Redis holds countdown tasks as unacknowledged messages: long ones are redelivered in loops
    or lost on restart. Longer waits are rows that the sweep picks up.
    """
    return max(0, min(math.ceil(seconds), settings.MAX_TASK_COUNTDOWN))


def publish_delivery(delivery_id: int, *, wait_seconds: float = 0, producer: Any = None) -> None:
    """Publish one delivery task, without retrying: a broker failure raises at once, and the
    caller leaves the row for the sweep. ``producer`` (from ``producer()``) is reused across
    many publishes instead of taking one from the pool for each."""
    options: dict[str, Any] = {"retry": False}
    if producer is not None:
        options["producer"] = producer
    if wait_seconds > 0:
        options["countdown"] = clamp_countdown(wait_seconds)
    current_app.signature(DELIVER_TASK).apply_async(args=(delivery_id,), **options)


def producer() -> AbstractContextManager[Any]:
    """One broker producer for a run of publishes (the sweep's batches)."""
    return current_app.producer_or_acquire()
