"""The delivery ledger: claim and lease, sending, retries, failures and their handlers."""

from __future__ import annotations

import datetime
import logging
import smtplib

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from notifications import delivery as ledger
from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.services import Notice, notify, register_delivery_failure_handler
from notifications.tasks import deliver_notification_task
from notifications.tests.builders import HEALTH_DETAIL, notify_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(trainer, moment):
    """A pending email delivery to the trainer, due at ``moment``."""
    with time_machine.travel(moment, tick=False):
        _, delivery = notify_one(trainer)
    return delivery


def refreshed(delivery: Delivery) -> Delivery:
    delivery.refresh_from_db()
    return delivery


# --- Claim and lease ------------------------------------------------------------------------------


def test_claim_takes_a_due_delivery_and_leases_it(pending, moment):
    claimed = ledger.claim_delivery(pending.pk, now=moment)

    assert claimed is not None
    assert claimed.status == Delivery.Status.SENDING
    assert claimed.attempts == 1
    assert claimed.lease_until == moment + settings.DELIVERY_LEASE


def test_a_second_claim_while_leased_does_nothing(pending, moment):
    assert ledger.claim_delivery(pending.pk, now=moment) is not None

    again = ledger.claim_delivery(pending.pk, now=moment + settings.DELIVERY_LEASE)

    assert again is None
    assert refreshed(pending).attempts == 1


def test_an_expired_lease_is_claimed_again(pending, moment):
    ledger.claim_delivery(pending.pk, now=moment)
    later = moment + settings.DELIVERY_LEASE + datetime.timedelta(seconds=1)

    again = ledger.claim_delivery(pending.pk, now=later)

    assert again is not None
    assert again.attempts == 2
    assert again.lease_until == later + settings.DELIVERY_LEASE


def test_a_delivery_not_yet_due_is_not_claimed(pending, moment):
    Delivery.objects.filter(pk=pending.pk).update(
        next_attempt_at=moment + datetime.timedelta(minutes=5)
    )

    assert ledger.claim_delivery(pending.pk, now=moment) is None


@pytest.mark.parametrize(
    "status", [Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.CANCELLED]
)
def test_a_finished_delivery_is_never_claimed(pending, moment, status):
    Delivery.objects.filter(pk=pending.pk).update(status=status)

    assert ledger.claim_delivery(pending.pk, now=moment + datetime.timedelta(days=30)) is None


def test_lease_outlives_the_task_hard_time_limit():
    assert settings.DELIVERY_LEASE.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT > settings.EMAIL_TIMEOUT


# --- Sending --------------------------------------------------------------------------------------


def test_send_delivers_a_neutral_email_with_a_link(pending, smtp, trainer):
    outcome = ledger.send_delivery(pending.pk)

    assert outcome == ledger.SENT
    (message,) = smtp_outbox()
    assert message.to == [trainer.email]
    assert message.subject == "A new packet is waiting for you"
    text = message.body
    html = message.alternatives[0].content
    assert f"{settings.SITE_URL}/handoffs/7/" in text
    assert f'href="{settings.SITE_URL}/handoffs/7/"' in html
    assert "Open Baton to read it" in text
    assert "<script" not in html.lower()
    for part in (text, html, message.subject):
        assert HEALTH_DETAIL not in part
        assert "rotator cuff" not in part
    delivery = refreshed(pending)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.sent_at is not None
    assert delivery.lease_until is None


def test_email_escapes_the_title_in_html(trainer, smtp):
    _, delivery = notify_one(trainer, title='Dana <b>"R"</b> & co')

    ledger.send_delivery(delivery.pk)

    (message,) = smtp_outbox()
    assert "&lt;b&gt;" in message.alternatives[0].content
    assert 'Dana <b>"R"</b> & co' in message.body  # plain text is not HTML-escaped


def test_a_sent_delivery_is_not_sent_again(pending, smtp):
    assert ledger.send_delivery(pending.pk) == ledger.SENT

    assert ledger.send_delivery(pending.pk) == ledger.SKIPPED
    assert deliver_notification_task.run(pending.pk) == ledger.SKIPPED
    assert len(smtp_outbox()) == 1


def test_email_goes_to_the_recipients_current_address(pending, smtp, trainer):
    trainer.email = "terry.new@ironoak.test"
    trainer.save()

    ledger.send_delivery(pending.pk)

    assert smtp_outbox()[0].to == ["terry.new@ironoak.test"]


def test_recipient_deactivated_after_notify_is_cancelled(pending, smtp, trainer):
    trainer.is_active = False
    trainer.save()

    assert ledger.send_delivery(pending.pk) == ledger.CANCELLED

    assert smtp_outbox() == []
    assert refreshed(pending).status == Delivery.Status.CANCELLED


def test_mark_sent_after_a_lost_lease_logs_a_possible_duplicate(pending, smtp, caplog):
    def another_worker_takes_over() -> None:
        # This worker stalled past its lease; another one re-claimed the row.
        later = timezone.now() + settings.DELIVERY_LEASE * 2
        assert ledger.claim_delivery(pending.pk, now=later) is not None

    smtp.append(another_worker_takes_over)

    with caplog.at_level(logging.WARNING, logger="baton.notifications"):
        assert ledger.send_delivery(pending.pk) == ledger.SENT

    assert f"delivery {pending.pk}: possible duplicate" in caplog.text
    delivery = refreshed(pending)
    assert delivery.status == Delivery.Status.SENDING  # the newer attempt's, untouched
    assert delivery.attempts == 2


def test_log_never_carries_the_body(pending, smtp, caplog):
    smtp.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with caplog.at_level(logging.DEBUG, logger="baton.notifications"):
        ledger.send_delivery(pending.pk)
        ledger.send_delivery(pending.pk)

    assert HEALTH_DETAIL not in caplog.text


# --- Retries ----------------------------------------------------------------------------------


def test_transient_failures_back_off_then_succeed(pending, smtp, moment):
    smtp.extend(
        [
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            TimeoutError("timed out"),
            smtplib.SMTPResponseException(421, b"Service not available"),
        ]
    )
    base = settings.DELIVERY_BACKOFF_BASE
    now = moment
    waits = []
    for attempt in (1, 2, 3):
        with time_machine.travel(now, tick=False):
            assert ledger.send_delivery(pending.pk) == ledger.RETRY
        delivery = refreshed(pending)
        assert delivery.status == Delivery.Status.PENDING
        assert delivery.attempts == attempt
        wait = delivery.next_attempt_at - now
        ceiling = base * 2 ** (attempt - 1)
        assert ceiling / 2 <= wait <= ceiling  # equal jitter: bounded on both sides
        waits.append(wait)
        # Not due yet: an early task does nothing.
        with time_machine.travel(now + wait / 2, tick=False):
            assert ledger.send_delivery(pending.pk) == ledger.SKIPPED
        now = delivery.next_attempt_at

    with time_machine.travel(now, tick=False):
        assert ledger.send_delivery(pending.pk) == ledger.SENT
    assert waits[0] < waits[2]
    delivery = refreshed(pending)
    assert delivery.attempts == 4
    assert "SMTPResponseException" in delivery.last_error  # the history stays visible
    assert len(smtp_outbox()) == 1


def _retry_until_done(pending, moment) -> str:
    """Run the delivery's attempts back to back, each when due; the final outcome."""
    now = moment
    while True:
        with time_machine.travel(now, tick=False):
            outcome = ledger.send_delivery(pending.pk)
        if outcome != ledger.RETRY:
            return outcome
        now = refreshed(pending).next_attempt_at


def test_retries_log_the_first_failure_and_one_summary_not_every_attempt(
    pending, smtp, moment, caplog
):
    smtp.extend([TimeoutError("timed out")] * 4)  # attempts 1-4 fail, the fifth goes

    with caplog.at_level(logging.INFO, logger="baton.notifications"):
        assert _retry_until_done(pending, moment) == ledger.SENT

    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(" (")[0] for r in lines] == [
        f"delivery {pending.pk}: attempt 1 of {settings.DELIVERY_MAX_ATTEMPTS} failed",
        f"delivery {pending.pk} sent on attempt 5 after 4 failed",
    ]
    assert "last error: TimeoutError" in lines[-1].getMessage()


def test_retries_that_never_succeed_log_the_first_and_the_last_attempt(
    pending, smtp, moment, caplog, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 4
    smtp.extend([TimeoutError("timed out")] * 4)

    with caplog.at_level(logging.INFO, logger="baton.notifications"):
        assert _retry_until_done(pending, moment) == ledger.FAILED

    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2
    assert lines[0][0] == "WARNING" and "attempt 1 of 4 failed" in lines[0][1]
    assert lines[1][0] == "ERROR" and "failed for good after 4 attempt(s)" in lines[1][1]


def test_backoff_grows_with_bounded_jitter_and_a_cap(settings):
    settings.DELIVERY_BACKOFF_BASE = datetime.timedelta(seconds=30)
    settings.DELIVERY_BACKOFF_MAX = datetime.timedelta(seconds=3600)

    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (5, 480), (8, 3600), (30, 3600)]:
        waits = [ledger.backoff(attempt).total_seconds() for _ in range(200)]
        assert ceiling / 2 <= min(waits)
        assert max(waits) <= ceiling
        assert len(set(waits)) > 1  # jittered


def test_the_last_attempt_ends_failed(pending, smtp, settings, registries, moment):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    told = []
    register_delivery_failure_handler(told.append)
    smtp.extend([TimeoutError("timed out"), TimeoutError("timed out again")])

    assert ledger.send_delivery(pending.pk) == ledger.RETRY
    with time_machine.travel(refreshed(pending).next_attempt_at, tick=False):
        assert ledger.send_delivery(pending.pk) == ledger.FAILED

    delivery = refreshed(pending)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 2
    assert delivery.failed_at is not None
    assert "timed out again" in delivery.last_error
    assert [d.pk for d in told] == [pending.pk]
    # Failed is final: later tasks and sweeps leave it alone.
    with time_machine.travel(moment + datetime.timedelta(days=1)):
        assert ledger.send_delivery(pending.pk) == ledger.SKIPPED


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"trainer@ironoak.test": (550, b"5.1.1 No such user")}),
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender rejected", "no-reply@baton.example"),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
        smtplib.SMTPResponseException(552, b"5.3.4 Message too big"),
        ValueError("Invalid address; only trainer@ could be parsed"),
    ],
    ids=["recipient-refused", "sender-refused", "data-error-5xx", "response-5xx", "bad-address"],
)
def test_a_permanent_failure_ends_failed_at_once(pending, smtp, registries, error):
    told = []
    register_delivery_failure_handler(told.append)
    smtp.append(error)

    assert ledger.send_delivery(pending.pk) == ledger.FAILED

    delivery = refreshed(pending)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert type(error).__name__ in delivery.last_error
    assert len(told) == 1
    assert told[0].notification.recipient_id == pending.notification.recipient_id


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"trainer@ironoak.test": (450, b"4.2.1 Mailbox busy")}),
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
        smtplib.SMTPConnectError(554, b"No SMTP service here"),
        smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
    ids=["recipient-4xx", "data-4xx", "connect", "auth", "refused", "timeout"],
)
def test_a_transient_failure_is_retried(pending, smtp, error):
    smtp.append(error)

    assert ledger.send_delivery(pending.pk) == ledger.RETRY

    assert refreshed(pending).status == Delivery.Status.PENDING


def test_an_unexpected_error_is_recorded_and_raised(pending, smtp):
    smtp.append(KeyError("a bug"))

    with pytest.raises(KeyError):
        deliver_notification_task.run(pending.pk)

    delivery = refreshed(pending)
    assert delivery.status == Delivery.Status.PENDING  # bounded by the attempt budget
    assert delivery.attempts == 1
    assert "KeyError" in delivery.last_error


def test_database_errors_propagate_out_of_the_task(pending, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ledger, "claim_delivery", database_down)

    with pytest.raises(OperationalError):
        deliver_notification_task.run(pending.pk)


# --- Failure handlers -------------------------------------------------------------------------


def tell_the_sender(delivery: Delivery) -> None:
    """What the handoff app will do: tell someone else, in the same transaction."""
    notification = delivery.notification
    notify(
        [
            Notice(
                recipient=notification.recipient,
                kind=Kind.DELIVERY_FAILED,
                title="An email could not be delivered",
                subject_type=notification.subject_type,
                subject_id=notification.subject_id,
            )
        ]
    )


def test_failure_handler_notice_that_fails_itself_does_not_loop(pending, smtp, registries):
    calls = []
    register_delivery_failure_handler(lambda d: calls.append(d.pk))
    register_delivery_failure_handler(tell_the_sender)
    refused = smtplib.SMTPRecipientsRefused({"trainer@ironoak.test": (550, b"No such user")})
    smtp.extend([refused, refused])

    assert ledger.send_delivery(pending.pk) == ledger.FAILED
    notice = Notification.objects.get(kind=Kind.DELIVERY_FAILED)
    assert ledger.send_delivery(notice.deliveries.get().pk) == ledger.FAILED

    assert calls == [pending.pk]  # not called again for the delivery_failed notice
    assert Notification.objects.filter(kind=Kind.DELIVERY_FAILED).count() == 1


def test_registering_a_handler_twice_calls_it_once(pending, smtp, registries):
    calls = []
    handler = calls.append
    register_delivery_failure_handler(handler)
    register_delivery_failure_handler(handler)
    smtp.append(smtplib.SMTPDataError(554, b"Rejected"))

    ledger.send_delivery(pending.pk)

    assert len(calls) == 1


def test_a_broken_failure_handler_is_raised_but_the_failure_is_recorded(pending, smtp, registries):
    def broken(delivery: Delivery) -> None:
        Notification.objects.filter(pk=delivery.notification_id).update(title="half-written")
        raise RuntimeError("handler bug")

    register_delivery_failure_handler(broken)
    register_delivery_failure_handler(tell_the_sender)
    smtp.append(smtplib.SMTPDataError(554, b"Rejected"))

    with pytest.raises(ledger.DeliveryFailureHandlerError):
        ledger.send_delivery(pending.pk)

    assert refreshed(pending).status == Delivery.Status.FAILED
    assert Notification.objects.get(pk=pending.notification_id).title != "half-written"
    assert Notification.objects.filter(kind=Kind.DELIVERY_FAILED).count() == 1


# --- Helpers ------------------------------------------------------------------------------------


def smtp_outbox() -> list:
    from django.core import mail

    return mail.outbox


def test_a_retry_waits_for_the_end_of_quiet_hours(trainer, smtp):
    from notifications.models import Preference

    Preference.objects.create(
        user=trainer,
        time_zone="America/New_York",
        quiet_start=datetime.time(21, 0),
        quiet_end=datetime.time(7, 0),
    )
    # 20:59:50 in New York (EDT): allowed now, but the retry (15-30 s later) is in quiet hours.
    evening = datetime.datetime(2026, 3, 11, 0, 59, 50, tzinfo=datetime.UTC)
    with time_machine.travel(evening, tick=False):
        _, delivery = notify_one(trainer)
        smtp.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
        assert ledger.send_delivery(delivery.pk) == ledger.RETRY
    delivery = refreshed(delivery)
    assert delivery.next_attempt_at == datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)
