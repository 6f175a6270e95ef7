"""Real Celery workers: an embedded one on Redis, two worker processes racing over duplicated
tasks, and a worker process fed through the filesystem broker (the embedded default).

Workers in other processes open the test database itself: under SQLite it is a file (see the
root conftest), under PostgreSQL its URL is built from the test connection.
"""

from __future__ import annotations

import contextlib
import email
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection, transaction

from config.celery import app
from notifications.models import Delivery
from notifications.services import notify, publish_deliveries
from notifications.tests.builders import notice

CELERY = Path(sys.executable).with_name("celery")
TASK = "notifications.tasks.deliver_notification_task"


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, logs=()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(_tail(log) for log in logs)
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{tails}")
        time.sleep(0.1)


def _tail(log: Path) -> str:
    return f"--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:])


def database_url_for_workers() -> str:
    """The URL of the test database, for worker processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{db['NAME']}"


def worker_env(tmp_path: Path, queue: str, **extra: str) -> dict[str, str]:
    (tmp_path / "var").mkdir(parents=True, exist_ok=True)  # an embedded beat's schedule file
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="test",
        DATABASE_URL=database_url_for_workers(),
        CELERY_QUEUE=queue,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        BATON_VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def worker_processes(
    count: int, *, env: dict[str, str], queue: str, logs_dir: Path, options: list[str]
) -> Iterator[list[Path]]:
    """Start ``count`` ``celery worker`` processes; always stop them (warm, then kill)."""
    procs: list[subprocess.Popen[bytes]] = []
    logs = [logs_dir / f"worker{n}.log" for n in range(count)]
    try:
        for n, log in enumerate(logs):
            command = [str(CELERY), "-A", "config", "worker", "-Q", queue, "-n", f"w{n}-{queue}@%h"]
            command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
            command += ["--loglevel", "WARNING", *options]
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        command,
                        cwd=settings.BASE_DIR,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        yield logs
    finally:
        for proc in procs:
            proc.terminate()  # warm shutdown: tasks in progress finish
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def mailed_subjects(mail_dir: Path) -> Counter[str]:
    """Subjects of every message the file backend wrote (a file may hold several)."""
    subjects: Counter[str] = Counter()
    separator = b"\n" + b"-" * 79 + b"\n"
    for path in mail_dir.glob("*.log") if mail_dir.exists() else ():
        for raw in path.read_bytes().split(separator):
            if raw.strip():
                subjects[email.message_from_bytes(raw)["Subject"]] += 1
    return subjects


def make_deliveries(recipient, count: int) -> list[int]:
    """Notify ``count`` times in one committed transaction; returns the delivery ids."""
    with transaction.atomic():
        notifications = notify([notice(recipient, title=f"Notice {n:02d}") for n in range(count)])
    return list(
        Delivery.objects.filter(notification__in=notifications).values_list("pk", flat=True)
    )


def sent_count(ids: list[int]) -> int:
    return Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENT).count()


# --- (a) an embedded worker on Redis --------------------------------------------------------------


@pytest.mark.services("postgres", "redis")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notify_committed_reaches_the_outbox_through_a_real_worker(trainer, mailbox, real_broker):
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[real_broker]):
        with transaction.atomic():
            (notification,) = notify([notice(trainer)])
        delivery = notification.deliveries.get()

        wait_for(lambda: sent_count([delivery.pk]) == 1, timeout=15, what="the delivery sent")

    assert [m.subject for m in mailbox] == [notification.title]
    assert mailbox[0].to == [trainer.email]


# --- (b) two worker processes, every task duplicated ------------------------------------------------


@pytest.mark.services("postgres", "redis")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_send_each_duplicated_delivery_exactly_once(
    trainer, real_broker, tmp_path
):
    ids = make_deliveries(trainer, 40)  # each published once on commit
    for delivery_id in ids:  # and twice more: duplicated tasks side by side
        publish_deliveries([delivery_id, delivery_id])
    env = worker_env(
        tmp_path, real_broker, CELERY_BROKER_URL=settings.CELERY_BROKER_URL, LOG_LEVEL="INFO"
    )

    with worker_processes(
        2, env=env, queue=real_broker, logs_dir=tmp_path, options=["--concurrency", "2"]
    ) as logs:
        wait_for(lambda: sent_count(ids) == 40, timeout=60, what="40 deliveries sent", logs=logs)
        # Every duplicate task runs too, and does nothing.
        wait_for(lambda: skipped(logs) == 80, timeout=30, what="80 duplicates run", logs=logs)

    subjects = mailed_subjects(tmp_path / "mail")
    assert sum(subjects.values()) == 40, subjects
    assert set(subjects.values()) == {1}
    assert set(Delivery.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
    assert "possible duplicate" not in "".join(path.read_text() for path in logs)


def skipped(logs: list[Path]) -> int:
    return sum(path.read_text(errors="replace").count(" skipped: not claimable") for path in logs)


# --- (c) the filesystem broker and a real worker process ------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filesystem_broker_delivers_a_task_to_a_worker_process(trainer, tmp_path):
    broker = tmp_path / "broker"
    folders = {
        "data_folder_in": str(broker / "out"),
        "data_folder_out": str(broker / "out"),
        "processed_folder": str(broker / "processed"),
        "control_folder": str(broker / "control"),
    }
    for folder in folders.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    queue = f"{os.environ.get('CELERY_QUEUE', 'baton-test')}-fs"
    (delivery_id,) = make_deliveries(trainer, 1)  # recorded, not published (no real_broker)
    env = worker_env(
        tmp_path, queue, CELERY_BROKER_URL="filesystem://", BATON_BROKER_DIR=str(broker)
    )

    with worker_processes(
        1, env=env, queue=queue, logs_dir=tmp_path, options=["--pool", "solo"]
    ) as logs:
        transport_options = {**folders, "store_processed": False}
        with app.connection_for_write("filesystem://", transport_options=transport_options) as conn:
            app.send_task(TASK, args=(delivery_id,), queue=queue, connection=conn, retry=False)
        wait_for(
            lambda: sent_count([delivery_id]) == 1, timeout=30, what="delivery sent", logs=logs
        )

    assert mailed_subjects(tmp_path / "mail") == Counter({"Notice 00": 1})
