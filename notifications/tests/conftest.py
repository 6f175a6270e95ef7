"""Fixtures for the notifications tests.

Every Celery publication in these tests goes through a guard that fails the test if a countdown
or ETA goes beyond ``MAX_TASK_COUNTDOWN``. Unless a test asks for ``real_broker``, publications
are recorded in ``broker_calls`` instead of reaching a broker.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from celery.app.task import Task
from django.conf import settings
from django.utils import timezone

# Registers the tasks in this process: publishing goes by task name (notifications.publishing),
# and an unregistered name is sent with ``app.send_task``, past the guard below (and past the
# drills' own queues).
import notifications.tasks  # noqa: F401
from notifications import services
from notifications.tests import backends


@dataclass
class Published:
    task: str
    args: tuple
    options: dict[str, Any] = field(default_factory=dict)


def _check_countdown(options: dict[str, Any]) -> None:
    countdown = options.get("countdown")
    eta = options.get("eta")
    limit = settings.MAX_TASK_COUNTDOWN
    assert countdown is None or countdown <= limit, f"countdown {countdown}s > {limit}s"
    if eta is not None:
        ahead = (eta - timezone.now()).total_seconds()
        assert ahead <= limit, f"ETA {ahead:.0f}s ahead > {limit}s"


@pytest.fixture(autouse=True)
def broker_calls(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list:
    """Guard every ``apply_async``; record it instead of publishing unless ``real_broker``."""
    calls: list[Published] = []
    queue = (
        request.getfixturevalue("real_broker") if "real_broker" in request.fixturenames else None
    )
    original = Task.apply_async

    def guarded(self: Task, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        _check_countdown(options)
        calls.append(Published(self.name, tuple(args or ()), dict(options)))
        if queue is None:
            return None
        options.setdefault("queue", queue)
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", guarded)
    return calls


@pytest.fixture
def real_broker() -> Iterator[str]:
    """Publications reach the configured broker, on a queue of this test's own (worker tests).

    Its own queue: concurrent runs and other tests on one Redis never take each other's tasks.
    """
    queue = f"{os.environ.get('CELERY_QUEUE', 'baton-test')}-{uuid.uuid4().hex[:6]}"
    yield queue
    from config.celery import app

    with app.connection_for_write() as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_purge(queue)
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def published_ids(broker_calls: list[Published]) -> Callable[[], list[int]]:
    def ids() -> list[int]:
        return [
            c.args[0]
            for c in broker_calls
            if c.task == "notifications.tasks.deliver_notification_task"
        ]

    return ids


@pytest.fixture
def smtp(settings: Any) -> Iterator[list]:
    """The scripted mail server: append steps to ``backends.script``; yields the outbox."""
    from django.core import mail

    settings.EMAIL_BACKEND = "notifications.tests.backends.ScriptedBackend"
    mail.outbox = []
    backends.script.clear()
    yield backends.script
    backends.script.clear()


@pytest.fixture
def registries() -> Iterator[None]:
    """Tests register their own handlers and steps; the app's own come back afterwards."""
    handlers = dict(services._reminder_handlers)
    steps = dict(services._sweep_steps)
    hooks = list(services._delivery_failure_handlers)
    services._reminder_handlers.clear()
    services._sweep_steps.clear()
    services._delivery_failure_handlers.clear()
    yield
    services._reminder_handlers.clear()
    services._reminder_handlers.update(handlers)
    services._sweep_steps.clear()
    services._sweep_steps.update(steps)
    services._delivery_failure_handlers[:] = hooks


@pytest.fixture
def moment() -> datetime.datetime:
    """A fixed instant for time-machine: Tuesday 10 March 2026, 15:00 UTC."""
    return datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def operator(db):
    """A site operator (Django admin)."""
    from accounts.models import User

    return User.objects.create_superuser(
        "ops@baton.test", "correct-horse-battery-staple", name="Ops"
    )
