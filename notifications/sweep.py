"""The periodic sweep (Celery beat, every ``SWEEP_INTERVAL``): the safety net of design §6.

Each step returns how much it did and is safe to run twice at once (two beats by mistake):

- on PostgreSQL, rows are claimed with ``select_for_update(skip_locked=True)``, so two sweeps
  take disjoint batches;
- on SQLite, row locks are no-ops, but the database runs with ``transaction_mode=IMMEDIATE``
  (config.settings): a batch transaction takes the write lock at BEGIN, so a second sweep waits
  and then reads the rows the first one already changed. The status changes are conditional
  updates that must touch every row of the batch; if not, the batch is rolled back rather than
  sent twice.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.db import plans_for_these_values
from notifications.delivery import claimable
from notifications.heartbeat import record_sweep
from notifications.models import Delivery, Reminder
from notifications.services import (
    Notice,
    load_subjects,
    notify,
    publish_deliveries,
    reminder_handler,
    sweep_steps,
)

logger = logging.getLogger("baton.notifications")

STALE = "stale: no longer needed"


class SweepRaceError(Exception):
    """A batch changed under us: another sweep got there first. The batch is rolled back."""


# --- Reminders --------------------------------------------------------------------------------


def fire_due_reminders(now: datetime.datetime | None = None) -> int:
    """Turn due reminders into notifications, batch by batch. Returns how many were handled.

    A reminder whose handler raises stays pending (the error is logged) and is left out of the
    rest of this run, so one broken reminder never holds up the others.
    """
    now = now or timezone.now()
    with plans_for_these_values():  # reminder_pending_due is a partial index (core.db)
        if not _any_due_reminder(now):
            return 0
        handled = 0
        broken: set[int] = set()
        while True:
            try:
                done, batch_size = _fire_reminder_batch(now, broken)
            except _HandlerRaised as raised:
                # The batch was rolled back, whatever the handler wrote included; the next
                # batch takes the same reminders again without this one.
                broken.add(raised.reminder_id)
                continue
            handled += done
            if batch_size == 0:
                return handled


class _HandlerRaised(Exception):
    def __init__(self, reminder_id: int) -> None:
        super().__init__(reminder_id)
        self.reminder_id = reminder_id


def _fire_reminder_batch(now: datetime.datetime, broken: set[int]) -> tuple[int, int]:
    """One transaction: claim a batch, ask the handlers, notify, record. (handled, batch size)

    Handlers run without a savepoint each (two round trips per reminder, most of a batch's
    cost): a handler that raises rolls the whole batch back instead (``_HandlerRaised``), which
    is rare, and the batch is taken again without that reminder.
    """
    with transaction.atomic():
        batch = list(due_reminders(now, broken))
        if not batch:
            return 0, 0
        load_subjects(batch)  # one query per type of subject, not one per reminder
        outcomes: dict[int, Notice | str] = {}
        for reminder in batch:
            outcomes[reminder.pk] = _ask_handler(reminder)
        _record_fired(batch, outcomes, now)
        return len(batch), len(batch)


def _any_due_reminder(now: datetime.datetime) -> bool:
    """A look without a transaction or locks: most sweeps find nothing due, and this one query
    spares them the claim's BEGIN, SELECT … FOR UPDATE, COMMIT.

    It asks for the earliest pending reminder, not for "a pending one due by now": that is the
    first entry of ``reminder_pending_due`` whatever the statistics say. Asked the other way,
    after a burst of fired reminders PostgreSQL expects thousands of pending ones in the past
    (``status`` and ``due_at`` are correlated), bets that a sequential scan meets one at once,
    and reads a million future reminders to find none (100 ms instead of 0.1).
    """
    return _earliest(Reminder.objects.filter(status=Reminder.Status.PENDING), "due_at", now)


def _earliest(rows: QuerySet[Any], field: str, now: datetime.datetime) -> bool:
    """Whether the smallest ``field`` among ``rows`` (read by its index) is at or before now."""
    first = rows.order_by(field).values_list(field, flat=True)[:1]
    return any(value is not None and value <= now for value in first)


def due_reminders(now: datetime.datetime, broken: set[int]) -> QuerySet[Reminder]:
    """The next batch to claim: pending and due, oldest first (``reminder_pending_due``)."""
    return (
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(status=Reminder.Status.PENDING, due_at__lte=now)
        .exclude(pk__in=broken)
        .order_by("due_at", "id")[: settings.SWEEP_BATCH_SIZE]
    )


def _ask_handler(reminder: Reminder) -> Notice | str:
    """The handler's notice, or why the reminder is cancelled; ``_HandlerRaised`` if it raised."""
    handler = reminder_handler(reminder.kind)
    if handler is None:
        logger.error("reminder %s: no handler for kind %r", reminder.pk, reminder.kind)
        return f"no handler for kind {reminder.kind}"[:200]
    try:
        notice = handler(reminder)
    except SoftTimeLimitExceeded:
        raise  # out of time: stop the sweep, the next one carries on
    except Exception as exc:
        logger.exception("reminder %s: %s handler raised; left pending", reminder.pk, reminder.kind)
        raise _HandlerRaised(reminder.pk) from exc
    return notice if notice is not None else STALE


def _record_fired(
    done: list[Reminder], outcomes: dict[int, Notice | str], now: datetime.datetime
) -> None:
    """Flip the batch to sent (conditionally), notify, then record what each one became."""
    if not done:
        return
    flipped = Reminder.objects.filter(
        pk__in=[r.pk for r in done], status=Reminder.Status.PENDING
    ).update(status=Reminder.Status.SENT, fired_at=now)
    if flipped != len(done):
        raise SweepRaceError(f"{len(done) - flipped} reminders were fired by someone else")
    notices = {pk: o for pk, o in outcomes.items() if isinstance(o, Notice)}
    sent = [r for r in done if r.pk in notices]
    notifications = notify([notices[r.pk] for r in sent], now=now)
    _link_notifications([(r.pk, n.pk) for r, n in zip(sent, notifications, strict=True)])
    cancelled: dict[str, list[int]] = {}
    for pk, outcome in outcomes.items():
        if isinstance(outcome, str):
            cancelled.setdefault(outcome, []).append(pk)
    for reason, pks in cancelled.items():  # usually one reason: stale
        Reminder.objects.filter(pk__in=pks).update(
            status=Reminder.Status.CANCELLED, cancelled_reason=reason
        )


def _link_notifications(pairs: list[tuple[int, int]]) -> None:
    """Point each fired reminder at its notification: one statement for the batch."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        rows = [Reminder(pk=r, notification_id=n) for r, n in pairs]
        Reminder.objects.bulk_update(rows, ["notification"])
        return
    table = connection.ops.quote_name(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET notification_id = v.notification_id "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, notification_id) WHERE r.id = v.id",
            [[p[0] for p in pairs], [p[1] for p in pairs]],
        )


# --- Deliveries -------------------------------------------------------------------------------


def dispatch_due_deliveries(now: datetime.datetime | None = None) -> int:
    """Publish deliveries that are due and not on the broker. Returns how many were published.

    That is: pending rows never enqueued (deferred by quiet hours or a long backoff), rows
    enqueued longer than ``DELIVERY_GRACE`` ago and still pending (a lost message, a flushed
    Redis), and ``sending`` rows whose lease expired (a killed worker; the claim takes them
    over). ``enqueued_at`` is stamped so that the next sweep leaves them alone for the grace
    period.
    """
    now = now or timezone.now()
    due = claimable(now) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - settings.DELIVERY_GRACE)
    )
    with plans_for_these_values():  # delivery_pending_due is a partial index (core.db)
        return _dispatch(due, now)


def _dispatch(due: Q, now: datetime.datetime) -> int:
    # As for reminders: a plain look first, the claim's transaction only when something may be
    # due. One look per partial index (an OR of the two makes PostgreSQL scan the table).
    # The earliest pending attempt and the earliest sending lease, each from its own partial
    # index (see _any_due_reminder for why not "is there one due").
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    sending = Delivery.objects.filter(status=Delivery.Status.SENDING)
    if not (
        _earliest(pending, "next_attempt_at", now)
        or _earliest(sending, "lease_until", now - datetime.timedelta(microseconds=1))
    ):
        return 0
    published = 0
    while True:
        with transaction.atomic():
            ids = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(due)
                .order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)[: settings.SWEEP_BATCH_SIZE]
            )
            if not ids:
                return published
            Delivery.objects.filter(due, pk__in=ids).update(enqueued_at=now)
            transaction.on_commit(partial(publish_deliveries, ids), robust=True)
        published += len(ids)


# --- The sweep ----------------------------------------------------------------------------------


def run_sweep() -> dict[str, int]:
    """Run every step; one that fails is logged with its traceback and reported as -1.

    The domain apps' steps (expire overdue handoffs, revoke expired consents) run first, so the
    reminder handlers see the world as it is now; deliveries go last, picking up what the
    other steps created.
    """
    steps = {
        **sweep_steps(),
        "reminders": fire_due_reminders,
        "deliveries": dispatch_due_deliveries,
    }
    results: dict[str, int] = {}
    with plans_for_these_values():  # the steps lean on partial indexes (core.db)
        for name, step in steps.items():
            try:
                results[name] = step()
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                logger.exception("sweep step %s failed", name)
                results[name] = -1
    logger.info("sweep: %s", ", ".join(f"{name}={count}" for name, count in results.items()))
    record_sweep()  # for /healthz: the sweep ran (a failed step is logged above)
    return results
