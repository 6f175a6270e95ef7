"""Fixtures for the fault drills (design §6, §9; issue 7).

Each drill gets its own ``redis-server`` on a free port (never the machine's), its own Celery
queue, an SMTP server in the test process, and worker processes started on demand against the
run's PostgreSQL test database. The test process plays beat and publishes to the drill's Redis.
Every process and server is stopped in the fixtures' teardown, also when the drill fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from notifications.tests.faults.helpers import (
    WORKER_APPLICATION_NAME,
    Knobs,
    MailServer,
    RedisServer,
    Workers,
    celery_broker,
)
from notifications.tests.test_workers import database_url_for_workers, worker_env


@pytest.fixture
def knobs() -> Knobs:
    return Knobs()


@pytest.fixture(autouse=True)
def drill_timings(settings, knobs: Knobs) -> None:
    """The test process (which plays beat) uses the same tiny timings as the workers."""
    knobs.apply(settings)


@pytest.fixture
def real_broker() -> str:
    """The drill's queue (overrides the notifications fixture: the drill's Redis is its own).

    Asking for it makes the notifications conftest's ``broker_calls`` guard publish for real.
    """
    return f"{os.environ.get('CELERY_QUEUE', 'baton-test')}-drill-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker(redis_server: RedisServer, real_broker: str) -> Iterator[RedisServer]:
    """The test process publishes to the drill's Redis, on the drill's queue."""
    with celery_broker(redis_server.url):
        yield redis_server


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(
    tmp_path: Path,
    real_broker: str,
    broker: RedisServer,
    mail_server: MailServer,
    knobs: Knobs,
) -> Iterator[Workers]:
    """Start worker processes with ``workers.start()``; all are stopped after the drill."""
    env = worker_env(
        tmp_path,
        real_broker,
        DATABASE_URL=f"{database_url_for_workers()}?application_name={WORKER_APPLICATION_NAME}",
        CELERY_BROKER_URL=broker.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_server.port),
        LOG_LEVEL="INFO",
        **knobs.env(),
    )
    pool = Workers(env=env, queue=real_broker, logs_dir=tmp_path, knobs=knobs)
    try:
        yield pool
    finally:
        pool.stop_all()
