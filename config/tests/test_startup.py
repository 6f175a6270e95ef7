"""Every process starts on every supported set-up with the system checks on (issue 11).

Fresh interpreters against PostgreSQL and Redis, with the flags the README ships, under several
hash seeds (import order in Django's and Celery's start-up follows dict and set order in
places): ``manage.py check``, importing the API plumbing module before anything else imports it
(the circular import that once crashed workers at start), and a real worker and beat per seed
that run the sweep. ``CELERY_SKIP_CHECKS`` is never set: Celery's Django fix-up runs the checks
in the worker, as in production. The seeds run side by side, to keep the test short.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from notifications.models import Heartbeat
from notifications.tests.test_workers import CELERY, _tail, worker_env

pytestmark = [
    pytest.mark.services("postgres", "redis"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEEDS = ["0", "1", "4242"]
PYTHON = sys.executable
# Import the module that REST_FRAMEWORK names, first, in a fresh interpreter after setup().
IMPORT_API_FIRST = (
    "import importlib, django; django.setup(); from django.conf import settings; "
    "importlib.import_module(settings.REST_FRAMEWORK['DEFAULT_PARSER_CLASSES'][0]"
    ".rsplit('.', 1)[0])"
)
SWEEP_DONE = "Task notifications.tasks.sweep_task"
# Seconds for each phase: seconds on an idle machine, far more on a busy one.
STEP_TIMEOUT = 180


@dataclass
class Started:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def start(name: str, command: list[str], env: dict[str, str], folder: Path) -> Started:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Started(name, proc, log)


def stop(started: Started) -> None:
    started.proc.terminate()
    try:
        started.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        started.proc.kill()
        started.proc.wait()


def _ran_a_sweep(worker: Started) -> bool:
    return any(SWEEP_DONE in line and " succeeded " in line for line in worker.text().splitlines())


@pytest.fixture
def queues() -> Iterator[list[str]]:
    prefix = f"{os.environ.get('CELERY_QUEUE', 'baton-test')}-start-{uuid.uuid4().hex[:6]}"
    names = [f"{prefix}-{seed}" for seed in SEEDS]
    yield names
    from config.celery import app

    with app.connection_for_write() as conn, contextlib.suppress(Exception):
        for name in names:
            conn.default_channel.queue_delete(name)


@pytest.mark.timeout(2 * STEP_TIMEOUT + 60)
def test_check_worker_and_beat_start_in_fresh_processes_under_several_hash_seeds(tmp_path, queues):
    processes: list[Started] = []
    one_shots: list[Started] = []
    envs: list[tuple[str, Path, dict[str, str]]] = []
    try:
        for seed, queue in zip(SEEDS, queues, strict=True):
            folder = tmp_path / f"seed{seed}"
            (folder / "var").mkdir(parents=True)  # BATON_VAR_DIR: beat's schedule file
            env = worker_env(
                folder,
                queue,  # the seed's own queue: its beat feeds its worker
                CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
                PYTHONHASHSEED=seed,
                SWEEP_INTERVAL_SECONDS="1",
                LOG_LEVEL="INFO",
            )
            assert "CELERY_SKIP_CHECKS" not in env
            assert env["CELERY_BROKER_URL"].startswith("redis://")
            assert env["DATABASE_URL"].startswith("postgres://")
            envs.append((seed, folder, env))
        # First the one-shot processes, every seed at once; then a worker and beat per seed.
        for seed, folder, env in envs:
            one_shots.append(start(f"check{seed}", [PYTHON, "manage.py", "check"], env, folder))
            one_shots.append(start(f"api{seed}", [PYTHON, "-c", IMPORT_API_FIRST], env, folder))
        for shot in one_shots:
            code = shot.proc.wait(timeout=STEP_TIMEOUT)
            assert code == 0, f"{shot.name} failed:\n{shot.text()[-3000:]}"
        celery = [str(CELERY), "-A", "config"]
        for seed, folder, env in envs:
            processes.append(
                start(f"worker{seed}", [*celery, "worker", "--loglevel", "INFO"], env, folder)
            )
            processes.append(
                start(f"beat{seed}", [*celery, "beat", "--loglevel", "INFO"], env, folder)
            )
        deadline = time.monotonic() + STEP_TIMEOUT
        workers = [p for p in processes if p.name.startswith("worker")]
        while not all(_ran_a_sweep(w) for w in workers):
            dead = [p for p in processes if p.proc.poll() is not None]
            if dead or time.monotonic() > deadline:
                why = f"{dead[0].name} died" if dead else "timed out waiting for the sweeps"
                pytest.fail(why + "\n" + "\n".join(_tail(p.log) for p in processes))
            time.sleep(0.5)
        assert Heartbeat.objects.filter(kind=Heartbeat.Kind.SWEEP).exists()
        assert Heartbeat.objects.filter(kind=Heartbeat.Kind.WORKER).exists()
    finally:
        for started in processes + one_shots:
            if started.proc.poll() is None:
                stop(started)
    for started in processes:
        assert "Traceback" not in started.text(), _tail(started.log)
