"""Drill: Redis is gone for 60 seconds while workers hold tasks (issue 11).

Unlike the other broker drills, the workers here run exactly as Baton ships them: the README's
flags (heartbeat, mingle and gossip on, two pool processes each) under ``deploy/supervise.py``,
the supervisor that ``make run`` uses and that the systemd units mirror with ``Restart=always``.
One worker rides the outage out; the other one's main process dies in the middle of it (as
kombu's "Unrecoverable error" made workers exit before ``config.kombu_fixes``), so the drill
also exercises the shipped supervision.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from notifications.sweep import run_sweep
from notifications.tests.faults.helpers import (
    assert_each_delivered_once,
    fail_with_logs,
    settled,
    sweep_until,
)
from notifications.tests.test_workers import make_deliveries, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OUTAGE_SECONDS = 60


def test_workers_ride_out_a_60_second_redis_outage_with_tasks_in_flight(
    trainer, broker, mail_server, workers, client
):
    steady, crashing = workers.start_as_shipped(), workers.start_as_shipped()
    for worker in (steady, crashing):
        worker.wait_ready()
    wait_for(lambda: _live_workers() == 2, timeout=20, what="two heartbeats", logs=workers.logs())
    steady_pid, crashing_pid = steady.supervised_pids()[0], crashing.supervised_pids()[0]
    mail_server.answer_delay = 2.0  # each send holds its task for two seconds
    make_deliveries(trainer, 24)  # published on commit
    wait_for(lambda: mail_server.in_flight() >= 3, timeout=30, what="sends in flight")

    broker.stop()  # SIGKILL: every connection drops, nothing answers for a minute
    down_at = time.monotonic()
    # The web tier is fine without the broker: the load balancer's probe says so; the
    # operators' says the work is not moving.
    assert client.get("/livez").status_code == 200
    healthz = client.get("/healthz")
    assert healthz.status_code == 503
    assert "broker_unreachable" in [p["code"] for p in healthz.json()["problems"]]
    # The sends in flight finish (their acks cannot), then one worker's main process dies.
    wait_for(lambda: mail_server.in_flight() == 0, timeout=20, what="the sends finished")
    os.killpg(crashing_pid, signal.SIGKILL)
    wait_for(
        lambda: len(crashing.supervised_pids()) == 2,
        timeout=10,
        what="the supervisor restarting the dead worker",
        logs=workers.logs(),
    )
    while time.monotonic() - down_at < OUTAGE_SECONDS:
        if not (steady.alive() and crashing.alive()):
            fail_with_logs("a supervisor died during the outage", workers.logs())
        time.sleep(1)
    broker.start()  # an empty Redis on the same port: the queue went with the old one
    up_at = time.monotonic()

    sweep_until(settled, timeout=90, what="every delivery sent", logs=workers.logs(), every=1)
    print(f"all sent {time.monotonic() - up_at:.1f}s after Redis came back")  # pytest -s

    assert_each_delivered_once(mail_server)
    assert mail_server.received().total() == 24
    # The worker that rode it out is the same process; the dead one was restarted.
    assert steady.supervised_pids() == [steady_pid]
    assert _running(steady_pid)
    restarted = crashing.supervised_pids()[-1]
    assert restarted != crashing_pid and _running(restarted)
    assert "Unrecoverable error" not in workers.text()
    # Both beat again, and the health signal is green once more.
    wait_for(lambda: _live_workers() == 2, timeout=30, what="two heartbeats again")
    run_sweep()  # beat's part, played by the drill
    healthz = client.get("/healthz")
    assert healthz.status_code == 200, healthz.json()


def _live_workers() -> int:
    from notifications.health import work_status

    return work_status().live_workers


def _running(pid: int) -> bool:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 0)
        return True
    return False
