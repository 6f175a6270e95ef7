"""An email about a handoff that fails for good is reported to the sender's side (design §6)."""

import smtplib

import pytest

from notifications.delivery import send_delivery
from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.tests import backends

pytestmark = pytest.mark.django_db


@pytest.fixture
def scripted_mail(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.ScriptedBackend"
    backends.script.clear()
    backends.mail.outbox = []
    yield backends.script
    backends.script.clear()


def refuse(address: str) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})


def test_a_refused_email_to_the_trainer_is_reported_to_the_therapist(
    make_handoff, therapist, trainer, scripted_mail
):
    handoff = make_handoff("sent")
    delivery = Delivery.objects.get(
        notification__recipient=trainer, notification__kind=Kind.HANDOFF_SENT
    )
    scripted_mail.append(refuse(trainer.email))
    assert send_delivery(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1
    report = Notification.objects.get(recipient=therapist, kind=Kind.DELIVERY_FAILED)
    assert report.subject_id == handoff.pk and trainer.name in report.body
    assert not Notification.objects.filter(recipient=trainer, kind=Kind.DELIVERY_FAILED).exists()


def test_a_refused_email_to_the_therapist_is_reported_to_the_trainer(
    make_handoff, therapist, trainer, scripted_mail
):
    make_handoff("accepted")
    delivery = Delivery.objects.get(
        notification__recipient=therapist, notification__kind=Kind.HANDOFF_ACCEPTED
    )
    scripted_mail.append(refuse(therapist.email))
    send_delivery(delivery.pk)
    assert Notification.objects.filter(recipient=trainer, kind=Kind.DELIVERY_FAILED).count() == 1


def test_a_failure_report_that_itself_fails_does_not_loop(
    make_handoff, therapist, trainer, scripted_mail
):
    make_handoff("sent")
    first = Delivery.objects.get(
        notification__recipient=trainer, notification__kind=Kind.HANDOFF_SENT
    )
    scripted_mail.append(refuse(trainer.email))
    send_delivery(first.pk)
    report = Delivery.objects.get(notification__kind=Kind.DELIVERY_FAILED)
    scripted_mail.append(refuse(therapist.email))
    assert send_delivery(report.pk) == "failed"
    assert Notification.objects.filter(kind=Kind.DELIVERY_FAILED).count() == 1
