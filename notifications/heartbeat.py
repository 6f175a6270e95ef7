"""Signs of life: each Celery worker's heartbeat, and the sweep's (read by ``health``).

A worker writes its row from a consumer bootstep (``WorkerHeartbeat``, registered in
``config.celery``): a timer on the worker's own event loop, independent of beat. The step is
started when the worker has connected to the broker and is consuming, and stopped when the
connection is lost, so a worker that cannot take work stops beating; it starts again after the
reconnection. On a clean shutdown the row is deleted, so a stopped worker leaves the count at
once; a killed one drops out after three times ``WORKER_HEARTBEAT_SECONDS``.

Writing a heartbeat never raises: a database fault is logged and the next beat tries again.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import bootsteps
from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection
from django.utils import timezone

logger = logging.getLogger("baton.notifications")

SWEEP = "sweep"


def record_heartbeat(name: str, *, kind: str, pid: int | None = None, start: bool = False) -> bool:
    """Stamp ``name``'s row with now (creating it; ``start`` also resets ``started_at``)."""
    from notifications.models import Heartbeat

    now = timezone.now()
    values: dict[str, Any] = {"kind": kind, "pid": pid, "seen_at": now}
    if start:
        values["started_at"] = now
    try:
        # One UPDATE on every beat but the first (update_or_create is a transaction, a locking
        # SELECT and the UPDATE: the most of an idle sweep's time).
        if not Heartbeat.objects.filter(name=name).update(**values):
            Heartbeat.objects.update_or_create(
                name=name, defaults=values, create_defaults={**values, "started_at": now}
            )
    except (DatabaseError, InterfaceError) as exc:
        logger.warning("heartbeat %s not recorded: %s: %s", name, type(exc).__name__, exc)
        if not connection.in_atomic_block:
            connection.close()  # the next beat reconnects
        return False
    return True


def forget_heartbeat(name: str) -> None:
    from notifications.models import Heartbeat

    try:
        Heartbeat.objects.filter(name=name).delete()
    except (DatabaseError, InterfaceError) as exc:
        logger.warning("heartbeat %s not removed: %s: %s", name, type(exc).__name__, exc)


def record_sweep() -> None:
    record_heartbeat(SWEEP, kind="sweep")


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer step: beat while consuming, stop beating while the broker is gone."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_ref: Any = None
        self.node = ""

    def start(self, parent: Any) -> None:
        first = not self.node  # a restart after a lost connection keeps started_at
        self.node = parent.hostname
        pid = os.getpid()
        record_heartbeat(self.node, kind="worker", pid=pid, start=first)
        self._cancel()
        self.timer_ref = parent.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS,
            record_heartbeat,
            (self.node,),
            {"kind": "worker", "pid": pid},
        )

    def stop(self, parent: Any) -> None:
        self._cancel()

    def shutdown(self, parent: Any) -> None:
        self._cancel()
        if self.node:
            forget_heartbeat(self.node)

    def _cancel(self) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
        self.timer_ref = None
