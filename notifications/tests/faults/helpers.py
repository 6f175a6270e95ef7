"""The drills' tools: a mail server that can be told to fail, a Redis of the drill's own, worker
processes that can be killed, and the sweep played by the test process.

Everything here waits by polling with a deadline, never by a long sleep, and everything that
starts a process or a thread can stop it again (the fixtures in ``conftest.py`` always do).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connections

from config.celery import app
from notifications.models import Delivery
from notifications.sweep import run_sweep
from notifications.tests.test_workers import CELERY, _tail, wait_for

# Workers' database sessions carry this name, so a drill can find them in pg_stat_activity.
WORKER_APPLICATION_NAME = "baton-drill-worker"
UNFINISHED = (Delivery.Status.PENDING, Delivery.Status.SENDING)
SUPERVISE = Path(settings.BASE_DIR) / "deploy" / "supervise.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Timings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Knobs:
    """Leases, grace, backoff and limits shrunk to seconds, for workers and the test process."""

    task_time_limit: int = 5
    # config.settings keeps the soft limit at least EMAIL_TIMEOUT, so a send is never cut short.
    email_timeout: int = 4
    lease: int = 5
    grace: int = 1
    max_attempts: int = 6
    backoff_base: int = 1
    backoff_max: int = 2
    sweep_batch: int = 3
    sweep_interval: int = 1
    visibility_timeout: int = 400  # must exceed 300 + the task limit (config.settings)
    heartbeat: int = 2

    def env(self) -> dict[str, str]:
        return {
            "TASK_TIME_LIMIT_SECONDS": str(self.task_time_limit),
            "EMAIL_TIMEOUT": str(self.email_timeout),
            "DELIVERY_LEASE_SECONDS": str(self.lease),
            "DELIVERY_GRACE_SECONDS": str(self.grace),
            "DELIVERY_MAX_ATTEMPTS": str(self.max_attempts),
            "DELIVERY_BACKOFF_BASE_SECONDS": str(self.backoff_base),
            "DELIVERY_BACKOFF_MAX_SECONDS": str(self.backoff_max),
            "SWEEP_INTERVAL_SECONDS": str(self.sweep_interval),
            "SWEEP_BATCH_SIZE": str(self.sweep_batch),
            "BROKER_VISIBILITY_TIMEOUT_SECONDS": str(self.visibility_timeout),
            "WORKER_HEARTBEAT_SECONDS": str(self.heartbeat),
        }

    def apply(self, django_settings: Any) -> None:
        """The same values in the test process, which plays beat."""
        seconds = datetime.timedelta
        django_settings.TASK_TIME_LIMIT = self.task_time_limit
        django_settings.EMAIL_TIMEOUT = self.email_timeout
        django_settings.DELIVERY_LEASE = seconds(seconds=self.lease)
        django_settings.DELIVERY_GRACE = seconds(seconds=self.grace)
        django_settings.DELIVERY_MAX_ATTEMPTS = self.max_attempts
        django_settings.DELIVERY_BACKOFF_BASE = seconds(seconds=self.backoff_base)
        django_settings.DELIVERY_BACKOFF_MAX = seconds(seconds=self.backoff_max)
        django_settings.SWEEP_BATCH_SIZE = self.sweep_batch
        django_settings.SWEEP_INTERVAL = seconds(seconds=self.sweep_interval)
        django_settings.WORKER_HEARTBEAT_SECONDS = self.heartbeat


# --- The mail server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    to: str
    subject: str


@dataclass
class Stall:
    """The first SMTP session to reach ``stage`` waits there until released.

    ``MAIL``: before the server has accepted anything. ``DATA``: after the server has accepted
    (and recorded) the message, before it answers 250, i.e. between the mail server's accept and
    the worker's mark-sent. ``reached`` is set when a session arrives; ``limit`` bounds the wait.
    """

    stage: str
    limit: float = 20.0
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


class MailServer:
    """An SMTP server in the test process (aiosmtpd) that records every message it accepts.

    It can be told to answer 4xx to the next N recipients, to refuse a recipient for good (550),
    or to stall a session at a given stage. The workers reach it through Django's real SMTP
    backend.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._rcpts: list[tuple[str, float, int]] = []  # address, wall-clock time, reply code
        self._transient: dict[str, int] = {}
        self._refused: set[str] = set()
        self._stalls: list[Stall] = []
        # Seconds every message waits before the 250 (sessions wait side by side): workers
        # hold their tasks that long, so a drill can cut the broker with tasks in flight.
        self.answer_delay = 0.0
        self._in_data = 0
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        with self._lock:
            for stall in self._stalls:
                stall.release()
        self._controller.stop()

    # --- Telling it what to do

    def fail_transiently(self, to: str, *, times: int) -> None:
        with self._lock:
            self._transient[to.lower()] = times

    def refuse(self, to: str) -> None:
        with self._lock:
            self._refused.add(to.lower())

    def stall(self, stage: str) -> Stall:
        assert stage in {"MAIL", "DATA"}
        stall = Stall(stage)
        with self._lock:
            self._stalls.append(stall)
        return stall

    # --- What it saw

    def received(self) -> Counter[Received]:
        with self._lock:
            return Counter(self._received)

    def in_flight(self) -> int:
        """Sessions that have handed over a message and not yet had their answer."""
        with self._lock:
            return self._in_data

    def rcpt_replies(self, to: str) -> list[tuple[float, int]]:
        """Every RCPT for ``to``: when (wall clock) and what the server answered."""
        with self._lock:
            return [(at, code) for address, at, code in self._rcpts if address == to.lower()]

    # --- aiosmtpd hooks

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await self._maybe_stall("MAIL")
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        with self._lock:
            if key in self._refused:
                code = 550
            elif self._transient.get(key, 0) > 0:
                self._transient[key] -= 1
                code = 451
            else:
                code = 250
            self._rcpts.append((key, time.time(), code))
        if code == 550:
            return "550 5.1.1 Recipient address rejected: no such user (drill)"
        if code == 451:
            return "451 4.3.0 Mailbox temporarily unavailable, try again later (drill)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(message["Subject"])
        with self._lock:
            self._received.extend(Received(to.lower(), subject) for to in envelope.rcpt_tos)
            self._in_data += 1
        try:
            await self._maybe_stall("DATA")
            if self.answer_delay:
                await asyncio.sleep(self.answer_delay)
        finally:
            with self._lock:
                self._in_data -= 1
        return "250 2.0.0 Message accepted for delivery"

    async def _maybe_stall(self, stage: str) -> None:
        with self._lock:
            stall = next(
                (s for s in self._stalls if s.stage == stage and not s.reached.is_set()), None
            )
            if stall is not None:
                stall.reached.set()
        if stall is None:
            return
        deadline = time.monotonic() + stall.limit
        while not stall.released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)


# --- The drill's own Redis -------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` of the drill's own on a free port: stopping or flushing it disturbs
    nobody. No persistence, so a restart loses everything, as a flush would."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self._proc is None, "already running"
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += ["--dir", str(self.dir)]
        with (self.dir / "redis.log").open("ab") as log:
            self._proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        """SIGKILL: whatever it held is gone."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(timeout=10)
            self._proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def answers(self) -> bool:
        try:
            with contextlib.closing(self.client()) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def flushall(self) -> None:
        with contextlib.closing(self.client()) as client:
            client.flushall()

    def queue_length(self, queue: str) -> int:
        with contextlib.closing(self.client()) as client:
            return int(client.llen(queue))


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the test process's Celery app at ``url``; put it back afterwards."""
    previous = app.conf.broker_url
    _drop_broker_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_broker_pools()
        app.conf.broker_url = previous


def _drop_broker_pools() -> None:
    """Close pooled broker connections, so the next publish connects to the current URL."""
    from kombu import pools

    pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


# --- Worker processes ---------------------------------------------------------------------------


class Worker:
    """One ``celery worker`` process (prefork, one pool child) in a process group of its own."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        with log.open("ab") as out:
            self._proc = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: a kill takes the pool child along
            )

    @property
    def pid(self) -> int:
        return self._proc.pid

    def alive(self) -> bool:
        return self._proc.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 30) -> None:
        wait_for(
            lambda: " ready." in self.text(),
            timeout=timeout,
            what=f"{self.name} ready",
            logs=[self.log],
        )

    def supervised_pids(self) -> list[int]:
        """The pids the supervisor started, in order (``start_as_shipped`` workers)."""
        return [
            int(line.rsplit("started pid ", 1)[1].split()[0])
            for line in self.text().splitlines()
            if "started pid " in line
        ]

    def pool_children(self) -> list[int]:
        return _children_of(self.pid)

    def kill_pool_child(self) -> int:
        """SIGKILL the process running the task; the main process survives and notices."""
        (child,) = self.pool_children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool child, at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait(timeout=10)

    def terminate(self) -> None:
        """Ask for a warm shutdown: the task in progress finishes."""
        if self.alive():
            self._proc.terminate()

    def stop(self) -> None:
        """Warm shutdown, then SIGKILL to whatever is left in the group."""
        if self.alive():
            self._proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=10)


def _children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:  # state, then the parent's pid
                children.append(int(stat.parent.name))
    return children


class Workers:
    """Starts worker processes for one drill; ``stop_all`` (always called) ends every one."""

    def __init__(self, *, env: dict[str, str], queue: str, logs_dir: Path, knobs: Knobs) -> None:
        self.env = env
        self.queue = queue
        self.logs_dir = logs_dir
        self.knobs = knobs
        self.started: list[Worker] = []

    def start(self) -> Worker:
        n = len(self.started)
        name = f"w{n}-{self.queue}@%h"
        command = [str(CELERY), "-A", "config", "worker", "--pool", "prefork"]
        command += ["--concurrency", "1", "-Q", self.queue, "-n", name]
        command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
        command += ["--loglevel", "INFO"]
        worker = Worker(name, command, self.env, self.logs_dir / f"worker{n}.log")
        self.started.append(worker)
        return worker

    def start_as_shipped(self, *, concurrency: int = 2, extra: Sequence[str] = ()) -> Worker:
        """A worker with the flags the README and ``deploy/`` ship (heartbeat, mingle and gossip
        on), under the shipped supervisor (``deploy/supervise.py``), as ``make run`` runs it
        (``extra=["-B"]``: with the embedded beat, as ``make run`` does).

        Only the queue and the node name are the drill's own. ``pid`` is the supervisor's.
        """
        n = len(self.started)
        name = f"w{n}-{self.queue}@%h"
        # The supervisor's stop timeout is the task time limit (5 s here), shorter than
        # Worker.stop's wait, so it always reaps its worker itself.
        command = [sys.executable, str(SUPERVISE), "--name", f"worker{n}", "--"]
        command += [str(CELERY), "-A", "config", "worker", *extra]
        command += ["--concurrency", str(concurrency), "--loglevel", "INFO"]
        command += ["-Q", self.queue, "-n", name]
        worker = Worker(name, command, self.env, self.logs_dir / f"worker{n}.log")
        self.started.append(worker)
        return worker

    def logs(self) -> list[Path]:
        return [w.log for w in self.started]

    def text(self) -> str:
        return "".join(w.text() for w in self.started)

    def stop_all(self) -> None:
        for worker in self.started:  # all at once: each warm shutdown takes a moment
            worker.terminate()
        for worker in self.started:
            worker.stop()


# --- Playing beat, waiting and checking ------------------------------------------------------------


def settled() -> bool:
    """No delivery is waiting or being sent."""
    return not Delivery.objects.filter(status__in=UNFINISHED).exists()


def sweep_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    logs: Sequence[Path] = (),
    every: float = 0.25,
) -> int:
    """Play beat: run the sweep every ``every`` seconds until ``condition`` holds. Returns how
    many sweeps ran."""
    deadline = time.monotonic() + timeout
    runs = 0
    while True:
        run_sweep()
        runs += 1
        if condition():
            return runs
        if time.monotonic() > deadline:
            fail_with_logs(f"timed out after {timeout}s of sweeps waiting for {what}", logs)
        time.sleep(every)


def concurrent_sweeps(count: int = 2) -> list[dict[str, int]]:
    """Run ``count`` sweeps at the same instant, each in a thread with its own connection."""
    barrier = threading.Barrier(count)
    results: list[dict[str, int] | BaseException] = [RuntimeError("did not run")] * count

    def sweep(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[n] = run_sweep()
        except BaseException as exc:
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def concurrent_sweeps_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    logs: Sequence[Path] = (),
    every: float = 0.25,
) -> list[dict[str, int]]:
    """Two beats by mistake: pairs of simultaneous sweeps until ``condition`` holds. Returns
    every sweep's results."""
    deadline = time.monotonic() + timeout
    results: list[dict[str, int]] = []
    while True:
        results += concurrent_sweeps(2)
        if condition():
            return results
        if time.monotonic() > deadline:
            fail_with_logs(f"timed out after {timeout}s of sweeps waiting for {what}", logs)
        time.sleep(every)


def subject_of(title: str) -> str:
    return " ".join(title.split())


def expected_mail(deliveries: Any = None) -> Counter[Received]:
    """One message per sent delivery, by recipient and subject."""
    rows = (deliveries if deliveries is not None else Delivery.objects.all()).filter(
        status=Delivery.Status.SENT
    )
    return Counter(
        Received(d.notification.recipient.email.lower(), subject_of(d.notification.title))
        for d in rows.select_related("notification__recipient")
    )


def assert_each_delivered_once(mail: MailServer, *, failed: Collection[int] = ()) -> None:
    """Every delivery is sent (or failed, where the drill expects it), and the mail server got
    exactly one message per sent delivery: nothing lost, nothing twice."""
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses, "the drill made no deliveries"
    wrong = {
        pk: status
        for pk, status in statuses.items()
        if status != (Delivery.Status.FAILED if pk in failed else Delivery.Status.SENT)
    }
    assert not wrong, f"deliveries not in their expected final state: {wrong}"
    received = mail.received()
    twice = {key: n for key, n in received.items() if n > 1}
    assert received == expected_mail(), f"received {received}, twice: {twice}"


def fail_with_logs(message: str, logs: Sequence[Path]) -> None:
    tails = "\n".join(_tail(log) for log in logs)
    pytest.fail(f"{message}\n{tails}")
