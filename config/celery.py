"""The Celery app. Configuration lives in ``config.settings`` under the ``CELERY_`` prefix."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery, Task, signals
from django.db import close_old_connections

from config import kombu_fixes
from notifications.heartbeat import WorkerHeartbeat

kombu_fixes.apply()  # workers survive a broker outage (see the module)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("baton")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker writes its heartbeat while it consumes (read by /healthz and the admin).
app.steps["consumer"].add(WorkerHeartbeat)


@signals.task_prerun.connect(weak=False, dispatch_uid="baton-db-before-task")
@signals.task_postrun.connect(weak=False, dispatch_uid="baton-db-after-task")
def close_old_database_connections(sender: Task | None = None, **kwargs: object) -> None:
    """Around each task, what Django does around each request: close a connection that is past
    ``CONN_MAX_AGE`` or broke, and health-check a kept one before its next query. With
    ``CELERY_DB_REUSE_MAX`` set this replaces the fixup's close-every-time. Never for an eager
    task, which runs inside its caller's transaction."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()


def ensure_broker_folders() -> None:
    """Create the filesystem broker's folders; kombu expects them to exist.

    Called from ``config.apps`` at start, in the web process and the worker alike.
    """
    if not str(app.conf.broker_url or "").startswith("filesystem://"):
        return
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
