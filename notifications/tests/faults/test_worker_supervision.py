"""``make run``'s worker (``deploy/supervise.py`` around ``celery worker -B``): Ctrl-C and
SIGTERM stop it, pool and embedded beat included, within the task time limit, even with a send
in flight (issue 11: a warm shutdown was seen hanging until SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from django.conf import settings

from notifications.tests.faults.helpers import Knobs
from notifications.tests.test_workers import make_deliveries, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_runs_worker_stops_within_the_task_time_limit_with_a_send_in_flight(
    signum, trainer, broker, mail_server, workers, knobs: Knobs
):
    worker = workers.start_as_shipped(extra=["-B"])
    worker.wait_ready()
    held = mail_server.stall("DATA")  # the send hangs (longer than the time limit)
    make_deliveries(trainer, 1)
    wait_for(held.reached.is_set, timeout=30, what="a send in flight", logs=workers.logs())
    (celery_pid,) = worker.supervised_pids()

    started = time.monotonic()
    os.kill(worker.pid, signum)
    wait_for(
        lambda: not worker.alive() and _group_gone(celery_pid),
        timeout=knobs.task_time_limit + 10,
        what="the supervisor, the worker, its pool and its beat gone",
        logs=workers.logs(),
    )
    took = time.monotonic() - started
    held.release()

    # The stop timeout is the time limit; a little more to reap the processes on a busy machine.
    assert took <= knobs.task_time_limit + 5, f"stopping took {took:.1f}s"
    assert "restarting" not in worker.text()  # stopped, not restarted
    print(f"{signal.Signals(signum).name}: stopped in {took:.1f}s")  # pytest -s


def test_make_run_runs_the_worker_under_the_supervisor():
    recipe = subprocess.run(
        ["make", "-n", "run", "VENV=/venv"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "/venv/bin/python deploy/supervise.py --name worker -- " in recipe
    assert "/venv/bin/celery -A config worker -B " in recipe
    assert "trap 'kill -TERM $worker" in recipe
