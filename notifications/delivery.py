"""The email delivery ledger: claim, send, record (design §6).

At-least-once and idempotent:

1. ``claim_delivery`` moves one row ``pending → sending`` (or takes over a ``sending`` row whose
   lease ran out: its worker died) with one conditional UPDATE in a short transaction, and
   commits before any network I/O, so no row lock is held while the mail server talks.
2. ``send_delivery`` sends the email, then records the outcome with conditional updates keyed
   on ``status=sending`` and the attempt number it claimed: a worker whose lease was taken over
   can never overwrite the newer attempt's result.
3. The only possible duplicate is a crash (or a lease lost) between the mail server accepting
   the message and the mark-sent. It is logged as a possible duplicate, naming the delivery,
   when the next attempt takes over the expired lease. A database error at the mark-sent is
   not a crash: the mark-sent is retried on a fresh connection (``_record_sent``).
"""

from __future__ import annotations

import datetime
import functools
import logging
import random
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, InterfaceError, connection, transaction
from django.db.models import F, Model, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.publishing import publish_delivery
from notifications.services import delivery_failure_handlers, next_send_time, preference_for

logger = logging.getLogger("baton.notifications")

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
CANCELLED = "cancelled"
SKIPPED = "skipped"


class DeliveryFailureHandlerError(Exception):
    """A failure handler raised. The delivery is recorded ``failed`` all the same."""


@dataclass(frozen=True)
class Claim:
    """What one worker claimed: the row as it was claimed, and its attempt number."""

    delivery: Delivery
    attempt: int


# --- Claiming ---------------------------------------------------------------------------------


def claimable(now: datetime.datetime) -> Q:
    """Due pending rows, and rows whose sender vanished (a killed worker's lease ran out)."""
    return _due(now) | _lease_expired(now)


def _due(now: datetime.datetime) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)


def _lease_expired(now: datetime.datetime) -> Q:
    return Q(status=Delivery.Status.SENDING, lease_until__lt=now)


def claim_delivery(delivery_id: int, *, now: datetime.datetime | None = None) -> Delivery | None:
    """Take the delivery for one send attempt, or ``None`` (sent, leased, finished, not due).

    The conditional UPDATE settles races in the database: on PostgreSQL a second UPDATE of the
    same row waits for the first to commit and then re-checks the WHERE clause against the new
    row, so exactly one worker gets 1 row. On SQLite the IMMEDIATE transaction mode serialises
    writers, with the same result. The lease outlives the task's hard time limit, so a live
    worker never loses its row.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        delivery, taken_over = _claim_in_one_statement(delivery_id, now)
        if delivery is None:
            return None
        if taken_over:
            _log_takeover(delivery)
        return delivery
    lease = {
        "status": Delivery.Status.SENDING,
        "lease_until": now + settings.DELIVERY_LEASE,
        "attempts": F("attempts") + 1,
    }
    with transaction.atomic():
        # Two conditional UPDATEs rather than one, to know whether this is a takeover.
        claimed = Delivery.objects.filter(_due(now), pk=delivery_id).update(**lease)
        taken_over = not claimed and bool(
            Delivery.objects.filter(_lease_expired(now), pk=delivery_id).update(**lease)
        )
        if not (claimed or taken_over):
            return None
        # Read back inside the transaction: nobody else can change the row before we commit.
        delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    if taken_over:
        _log_takeover(delivery)
    return delivery


def _log_takeover(delivery: Delivery) -> None:
    # The previous attempt's worker died (or stalled past its lease) while sending. If the
    # mail server had already accepted that message, this attempt sends it a second time:
    # the one duplicate the design allows, and it must be visible (DESIGN §6).
    logger.warning(
        "delivery %s: possible duplicate: the lease of attempt %s ran out while sending; "
        "sending again on attempt %s",
        delivery.pk,
        delivery.attempts - 1,
        delivery.attempts,
    )


def _claim_in_one_statement(
    delivery_id: int, now: datetime.datetime
) -> tuple[Delivery | None, bool]:
    """PostgreSQL: the same two conditional UPDATEs, each returning the claimed row with its
    notification and recipient in the same statement (``UPDATE … RETURNING`` in a CTE).

    One round trip for a due row instead of a transaction of three or four, and the row read
    back is exactly the row this statement wrote, so nothing can change it in between. The
    second statement runs only when the first claimed nothing: a takeover, or nothing to do.
    Row locking and the WHERE re-check on a concurrent UPDATE are PostgreSQL's, as before.
    """
    lease_until = now + settings.DELIVERY_LEASE
    for condition, taken_over in ((_DUE_SQL, False), (_EXPIRED_SQL, True)):
        with connection.cursor() as cursor:
            cursor.execute(
                _claim_sql().format(condition=condition),
                [Delivery.Status.SENDING, lease_until, delivery_id, now],
            )
            row = cursor.fetchone()
        if row is not None:
            return _claimed_from_row(row), taken_over
    return None, False


def _columns(model: type[Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _claimed_from_row(row: Sequence[Any]) -> Delivery:
    """The claimed delivery, its notification and recipient, from one row of the claim."""
    db = connection.alias
    user_model = get_user_model()
    d, n = len(_columns(Delivery)), len(_columns(Notification))
    delivery = Delivery.from_db(db, _attnames(Delivery), row[:d])
    notification = Notification.from_db(db, _attnames(Notification), row[d : d + n])
    notification.recipient = user_model.from_db(db, _attnames(user_model), row[d + n :])
    delivery.notification = notification
    return delivery


@functools.cache
def _claim_sql() -> str:
    """The claim statement; ``{condition}`` is ``_DUE_SQL`` or ``_EXPIRED_SQL``. Identifiers
    come from the models' metadata; every value is a query parameter."""
    q = connection.ops.quote_name
    user_model = get_user_model()

    def cols(prefix: str, model: type[Model]) -> str:
        return ", ".join(f"{prefix}.{q(column)}" for column in _columns(model))

    delivery = q(Delivery._meta.db_table)
    notification = q(Notification._meta.db_table)
    user = q(user_model._meta.db_table)
    returning = ", ".join(q(column) for column in _columns(Delivery))
    selected = ", ".join([cols("c", Delivery), cols("n", Notification), cols("u", user_model)])
    update = (
        f"UPDATE {delivery} SET status = %s, lease_until = %s, attempts = attempts + 1 "  # noqa: S608
        f"WHERE id = %s AND {{condition}} RETURNING {returning}"
    )
    joins = (
        f"JOIN {notification} n ON n.id = c.notification_id JOIN {user} u ON u.id = n.recipient_id"
    )
    return f"WITH claimed AS ({update}) SELECT {selected} FROM claimed c {joins}"  # noqa: S608


_DUE_SQL = "status = 'pending' AND next_attempt_at <= %s"
_EXPIRED_SQL = "status = 'sending' AND lease_until < %s"


# --- Sending ----------------------------------------------------------------------------------


def send_delivery(delivery_id: int) -> str:
    """Claim, send and record one email delivery. Returns the outcome.

    ``sent``; ``retry`` (transient error, pending again after a backoff); ``failed`` (permanent
    error or last attempt); ``cancelled`` (the recipient is inactive or has no email address);
    ``skipped`` (nothing to do: sent, leased by another worker, finished or not yet due).
    """
    delivery = claim_delivery(delivery_id)
    if delivery is None:
        logger.info("delivery %s skipped: not claimable", delivery_id)
        return SKIPPED
    claim = Claim(delivery=delivery, attempt=delivery.attempts)
    recipient = delivery.notification.recipient
    if not recipient.is_active or not recipient.email:
        return _cancel(claim, reason="The recipient is inactive or has no email address.")
    try:
        email = build_email(
            delivery.notification, to=recipient.email, delivery_key=delivery.idempotency_key
        )
        email.send(fail_silently=False)
    except Exception as exc:
        return record_error(claim, exc)
    return mark_sent(claim)


def build_email(
    notification: Notification, *, to: str, delivery_key: str = ""
) -> EmailMultiAlternatives:
    """The email for one notification: title, a neutral sentence and a link, nothing more.

    The body is not included: it may hold restrictions or health details, which stay behind
    login. The title is the subject, which the domain apps keep neutral.
    """
    invitation = notification.kind == Kind.INVITATION
    context = {
        "title": notification.title,
        "url": absolute_link(notification.link),
        "urgent": notification.urgent,
        "site_url": settings.SITE_URL,
        # An invitation says who invited and when the link expires (no health details in it);
        # other bodies stay behind login.
        "invitation": invitation,
        "body": notification.body if invitation else "",
        "preferences_url": absolute_link(reverse("notifications:preferences")),
    }
    message = EmailMultiAlternatives(
        subject=" ".join(notification.title.split()),  # no newlines in a header
        body=render_to_string("notifications/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
        # The delivery's key lets a mail system (and the soak test) tell a resend from a new
        # email: the one possible duplicate, a crash between accept and mark-sent, carries it.
        headers={
            "Auto-Submitted": "auto-generated",
            **({"X-Baton-Delivery": delivery_key} if delivery_key else {}),
        },
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message


def absolute_link(link: str) -> str:
    """Links are site paths; emails carry them as absolute URLs on ``SITE_URL``, nowhere else."""
    return f"{settings.SITE_URL}/{link.lstrip('/')}"


# --- Recording the outcome ----------------------------------------------------------------------


def _this_attempt(claim: Claim) -> Q:
    """The row as this worker claimed it; 0 rows means another worker took it over."""
    return Q(pk=claim.delivery.pk, status=Delivery.Status.SENDING, attempts=claim.attempt)


# How often the mark-sent is tried before the row is left to its lease (see _record_sent).
MARK_SENT_TRIES = 3


def mark_sent(claim: Claim) -> str:
    updated = _record_sent(claim, now=timezone.now())
    if updated != 1:
        # The lease ran out while the mail server was talking and another worker re-claimed
        # the row: it may send the same email again. Rare (lease > hard time limit), logged.
        logger.warning(
            "delivery %s: possible duplicate: sent on attempt %s after its lease was lost",
            claim.delivery.pk,
            claim.attempt,
        )
    elif claim.attempt > 1:
        # The summary of a delivery that needed retries: one line, however many it took.
        logger.warning(
            "delivery %s sent on attempt %s after %s failed (last error: %s)",
            claim.delivery.pk,
            claim.attempt,
            claim.attempt - 1,
            _error_kind(claim.delivery.last_error),
        )
    else:
        logger.info("delivery %s sent on attempt %s", claim.delivery.pk, claim.attempt)
    return SENT


def _error_kind(error: str) -> str:
    """The exception's name, never its text (which may quote an address)."""
    return error.split(":", 1)[0] or "unknown"


def _record_sent(claim: Claim, *, now: datetime.datetime) -> int:
    """The conditional UPDATE to ``sent``, riding out a brief database fault.

    The mail server has accepted the message: if this UPDATE failed for good, the row would
    stay leased and the sweep would send the email again. A dropped connection (a failover, a
    restarted pooler, ``pg_terminate_backend``) is therefore retried a few times on a fresh
    connection. The UPDATE is keyed on this attempt, so a retry never overwrites a newer one.
    """
    tried = 1
    while True:
        try:
            return Delivery.objects.filter(_this_attempt(claim)).update(
                status=Delivery.Status.SENT, sent_at=now, lease_until=None
            )
        except (DatabaseError, InterfaceError) as exc:
            if tried >= MARK_SENT_TRIES or connection.in_atomic_block:
                logger.error(
                    "delivery %s: possible duplicate: sent on attempt %s but not recorded "
                    "(%s); it is sent again after its lease",
                    claim.delivery.pk,
                    claim.attempt,
                    type(exc).__name__,
                )
                raise
            logger.warning(
                "delivery %s: recording the send failed (%s: %s); trying again",
                claim.delivery.pk,
                type(exc).__name__,
                exc,
            )
            connection.close_if_unusable_or_obsolete()  # the next query reconnects
            time.sleep(0.2 * tried)
            tried += 1


def record_error(claim: Claim, exc: Exception) -> str:
    """Classify a send error and record it: retry later, or fail for good.

    Unexpected errors (a bug, a broken template) are recorded as transient, so the attempt
    budget bounds them, and then raised so that they are seen. Database errors are raised
    untouched: the row stays leased and the sweep hands it out again after the lease.
    """
    if isinstance(exc, DatabaseError):
        raise exc
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_permanent(exc):
        return _fail(claim, error=error, why="permanent error")
    outcome = record_transient(claim, error=error)
    if not is_transient(exc):
        logger.error("delivery %s: unexpected error while sending", claim.delivery.pk)
        raise exc
    return outcome


def is_permanent(exc: BaseException) -> bool:
    """The mail server will refuse this message however often we try (RFC 5321 5xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # 4xx for every recipient (mailbox busy, greylisting) is worth another try.
        codes = [code for code, _ in exc.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPConnectError):
        return False  # our configuration or the server's state, not this message
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600  # SMTPSenderRefused, SMTPDataError and the like
    # Django refuses an address it cannot encode or that smuggles headers.
    return isinstance(exc, ValueError)


def is_transient(exc: BaseException) -> bool:
    """Timeouts, dropped connections, 4xx replies: try again later."""
    return isinstance(exc, smtplib.SMTPException | OSError | SoftTimeLimitExceeded)


def record_transient(claim: Claim, *, error: str) -> str:
    if claim.attempt >= settings.DELIVERY_MAX_ATTEMPTS:
        return _fail(claim, error=error, why=f"attempt {claim.attempt} was the last")
    now = timezone.now()
    delay = backoff(claim.attempt)
    notification = claim.delivery.notification
    # A retry respects the recipient's quiet hours, as the first attempt did.
    due = next_send_time(
        preference_for(notification.recipient), now + delay, urgent=notification.urgent
    )
    updated = Delivery.objects.filter(_this_attempt(claim)).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=due,
        # Null: the sweep publishes it when due, unless the task re-publishes it sooner.
        enqueued_at=None,
        lease_until=None,
        last_error=error,
    )
    if updated != 1:
        logger.warning("delivery %s: attempt %s lost its lease", claim.delivery.pk, claim.attempt)
        return SKIPPED
    # The first failure and the outcome are logged (here, and in mark_sent or _fail); the
    # attempts in between only at DEBUG: a mail outage must not write a line per retry.
    logger.log(
        logging.WARNING if claim.attempt == 1 else logging.DEBUG,
        "delivery %s: attempt %s of %s failed (%s), retry in %ds%s",
        claim.delivery.pk,
        claim.attempt,
        settings.DELIVERY_MAX_ATTEMPTS,
        _error_kind(error),
        delay.total_seconds(),
        "; the outcome is logged when it is known" if claim.attempt == 1 else "",
    )
    return RETRY


def backoff(attempt: int) -> datetime.timedelta:
    """Exponential backoff with equal jitter after failed attempt ``attempt`` (1-based).

    Between half and all of ``base * 2**(attempt-1)``, capped at ``DELIVERY_BACKOFF_MAX``: never
    an immediate retry, and many deliveries failing together spread out instead of returning
    to the mail server all at once.
    """
    base = settings.DELIVERY_BACKOFF_BASE.total_seconds()
    cap = settings.DELIVERY_BACKOFF_MAX.total_seconds()
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    jitter = random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret
    return datetime.timedelta(seconds=ceiling / 2 + jitter)


def _cancel(claim: Claim, *, reason: str) -> str:
    Delivery.objects.filter(_this_attempt(claim)).update(
        status=Delivery.Status.CANCELLED, lease_until=None, last_error=reason
    )
    logger.info("delivery %s cancelled: %s", claim.delivery.pk, reason)
    return CANCELLED


def _fail(claim: Claim, *, error: str, why: str) -> str:
    """Mark the delivery failed and tell the failure handlers, in one transaction.

    Each handler runs in a savepoint: one that raises is rolled back alone, the failure itself
    is still recorded (visible in the admin and /healthz) and the error is raised after commit.
    """
    delivery = claim.delivery
    errors: list[Exception] = []
    with transaction.atomic():
        updated = Delivery.objects.filter(_this_attempt(claim)).update(
            status=Delivery.Status.FAILED,
            failed_at=timezone.now(),
            lease_until=None,
            last_error=error,
        )
        if updated != 1:
            logger.warning("delivery %s: attempt %s lost its lease", delivery.pk, claim.attempt)
            return SKIPPED
        delivery.refresh_from_db(fields=["status", "failed_at", "lease_until", "last_error"])
        logger.error(
            "delivery %s failed for good after %s attempt(s) (%s): %s",
            delivery.pk,
            claim.attempt,
            why,
            error,
        )
        if delivery.notification.kind != Kind.DELIVERY_FAILED:
            errors = _call_failure_handlers(delivery)
    if errors:
        raise DeliveryFailureHandlerError(
            f"delivery {delivery.pk}: {len(errors)} failure handler(s) raised"
        ) from errors[0]
    return FAILED


def _call_failure_handlers(delivery: Delivery) -> list[Exception]:
    errors = []
    for handler in delivery_failure_handlers():
        try:
            with transaction.atomic():
                handler(delivery)
        except Exception as exc:
            logger.exception("delivery %s: failure handler %r raised", delivery.pk, handler)
            errors.append(exc)
    return errors


# --- Re-publishing a retry ----------------------------------------------------------------------


def publish_retry(delivery_id: int) -> bool:
    """Publish the next attempt with a short countdown, if it is due within 300 seconds.

    Otherwise, or when the broker is down, the sweep publishes it when due. True if published.
    """
    row = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).first()
    if row is None:
        return False
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    if wait > settings.MAX_TASK_COUNTDOWN:
        return False
    try:
        publish_delivery(delivery_id, wait_seconds=wait)
    except Exception as exc:
        # Any broker failure: enqueued_at stays null, so the sweep publishes it when due.
        logger.warning("delivery %s: retry left for the sweep: %s", delivery_id, exc)
        return False
    # The sweep leaves it alone until its grace period after it is due.
    Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, attempts=row.attempts
    ).update(enqueued_at=row.next_attempt_at)
    return True
