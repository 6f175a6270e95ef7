"""Is the notification work moving? What ``/healthz`` and the admin's status page report.

Three signs, each from the database, so every web node answers the same:

- **live workers**: workers whose heartbeat (``notifications.heartbeat``) is younger than three
  beats. None live: nothing sends.
- **the sweep**: when it last ran. Silent for two sweep intervals: beat is down (or the sweep
  keeps failing), and nothing lost, deferred or retried is picked up again.
- **the backlog**: the oldest *due* pending delivery. Due for longer than the grace period plus
  two sweep intervals: neither its task nor the sweep got it sent, whatever the cause.

``in_retry`` (pending after a failed attempt) and ``failed`` (failed for good) are reported for
operators but are never a failure on their own: a rejected address or a mail server that
refuses for a while is not an outage of Baton.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from notifications.heartbeat import SWEEP
from notifications.models import Delivery, Heartbeat

logger = logging.getLogger("baton.health")

BROKER_TIMEOUT_SECONDS = 2
NO_LIVE_WORKER = "no_live_worker"
SWEEP_SILENT = "sweep_silent"
BACKLOG_STUCK = "backlog_stuck"


@dataclass(frozen=True)
class WorkerSeen:
    name: str
    pid: int | None
    started_at: datetime.datetime
    seen_at: datetime.datetime
    live: bool


@dataclass(frozen=True)
class WorkStatus:
    """The state of the notification work at ``checked_at``; ``problems`` empty when healthy."""

    checked_at: datetime.datetime
    workers: list[WorkerSeen]
    last_sweep_at: datetime.datetime | None
    oldest_due_pending_at: datetime.datetime | None
    in_retry: int
    failed: int
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def live_workers(self) -> int:
        return sum(1 for worker in self.workers if worker.live)

    @property
    def oldest_due_pending_seconds(self) -> int | None:
        if self.oldest_due_pending_at is None:
            return None
        return max(0, int((self.checked_at - self.oldest_due_pending_at).total_seconds()))

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        """The JSON of ``/healthz`` (counts only: no worker host names on a public URL)."""
        return {
            "live_workers": self.live_workers,
            "last_sweep_at": _iso(self.last_sweep_at),
            "oldest_due_pending_at": _iso(self.oldest_due_pending_at),
            "oldest_due_pending_seconds": self.oldest_due_pending_seconds,
            "in_retry": self.in_retry,
            "failed_deliveries": self.failed,
            "problems": [{"code": code, "detail": detail} for code, detail in self.problems],
        }


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def worker_live_within() -> datetime.timedelta:
    return datetime.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)


def sweep_due_within() -> datetime.timedelta:
    return 2 * settings.SWEEP_INTERVAL


def backlog_limit() -> datetime.timedelta:
    return settings.DELIVERY_GRACE + 2 * settings.SWEEP_INTERVAL


def work_status(now: datetime.datetime | None = None) -> WorkStatus:
    """Read the heartbeats and the delivery ledger (five small queries, all indexed)."""
    now = now or timezone.now()
    beats = list(Heartbeat.objects.all())
    live_since = now - worker_live_within()
    workers = [
        WorkerSeen(b.name, b.pid, b.started_at, b.seen_at, live=b.seen_at >= live_since)
        for b in beats
        if b.kind == Heartbeat.Kind.WORKER
    ]
    sweep = next((b for b in beats if b.kind == Heartbeat.Kind.SWEEP and b.name == SWEEP), None)
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    oldest = pending.filter(next_attempt_at__lte=now).aggregate(at=Min("next_attempt_at"))["at"]
    status = WorkStatus(
        checked_at=now,
        workers=workers,
        last_sweep_at=sweep.seen_at if sweep else None,
        oldest_due_pending_at=oldest,
        in_retry=pending.filter(attempts__gt=0).count(),
        failed=Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
    )
    status.problems.extend(_problems(status, now))
    return status


def _problems(status: WorkStatus, now: datetime.datetime) -> list[tuple[str, str]]:
    problems = []
    if not status.live_workers:
        seconds = int(worker_live_within().total_seconds())
        problems.append((NO_LIVE_WORKER, f"No worker has sent a heartbeat in {seconds}s."))
    sweep_window = sweep_due_within()
    if status.last_sweep_at is None:
        problems.append((SWEEP_SILENT, "The sweep has never run (is beat running?)."))
    elif status.last_sweep_at < now - sweep_window:
        problems.append(
            (
                SWEEP_SILENT,
                f"The sweep has not run for {int(sweep_window.total_seconds())}s "
                "(is beat running?).",
            )
        )
    if status.oldest_due_pending_at is not None:
        limit = backlog_limit()
        if status.oldest_due_pending_at < now - limit:
            problems.append(
                (
                    BACKLOG_STUCK,
                    f"A delivery has been due for {status.oldest_due_pending_seconds}s, "
                    f"longer than {int(limit.total_seconds())}s.",
                )
            )
    return problems


def broker_status() -> str:
    """``ok``, or ``unreachable: <error>`` within about two seconds.

    The broker belongs to this app's publishing; ``/healthz`` and the admin ask here.
    """
    # A broker that accepts connections but never answers must not hold the probe (and a web
    # worker) for the transport's own socket timeout.
    options = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    try:
        with current_app.connection_for_write(transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis: a connected socket is not yet an answering server
    except Exception as exc:
        logger.warning("healthz: broker unreachable: %s", exc)
        return f"unreachable: {type(exc).__name__}"
    return "ok"
