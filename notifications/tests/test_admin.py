"""The operator's admin: failed deliveries can be retried through the service."""

from __future__ import annotations

import pytest

from notifications.models import Delivery, Reminder
from notifications.services import retry_failed_delivery
from notifications.tests.builders import notify_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(trainer):
    _, delivery = notify_one(trainer)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, attempts=8, last_error="SMTPDataError: (554, 'Rejected')"
    )
    delivery.refresh_from_db()
    return delivery


def test_retry_failed_delivery_starts_it_over_and_publishes_on_commit(
    failed, operator, django_capture_on_commit_callbacks, published_ids
):
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed_delivery(failed, by=operator) is True

    failed.refresh_from_db()
    assert failed.status == Delivery.Status.PENDING
    assert failed.attempts == 0
    assert failed.failed_at is None
    assert published_ids() == [failed.pk]


def test_retry_leaves_a_delivery_that_is_not_failed_alone(trainer, operator, published_ids):
    _, delivery = notify_one(trainer)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT)

    assert retry_failed_delivery(delivery, by=operator) is False
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_admin_action_retries_selected_failed_deliveries(
    client, operator, failed, trainer, django_capture_on_commit_callbacks, published_ids
):
    _, sent = notify_one(trainer)
    Delivery.objects.filter(pk=sent.pk).update(status=Delivery.Status.SENT)
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/delivery/",
            {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 deliveries queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.PENDING
    assert Delivery.objects.get(pk=sent.pk).status == Delivery.Status.SENT
    assert published_ids() == [failed.pk]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/notifications/notification/?kind=handoff_sent&urgent__exact=0",
        "/admin/notifications/delivery/?status__exact=failed",
        f"/admin/notifications/reminder/?status__exact={Reminder.Status.PENDING}",
        "/admin/notifications/preference/",
    ],
)
def test_admin_lists_open(client, operator, failed, url):
    client.force_login(operator)

    assert client.get(url).status_code == 200


def test_admin_delivery_page_opens(client, operator, failed):
    client.force_login(operator)

    response = client.get(f"/admin/notifications/delivery/{failed.pk}/change/")

    assert response.status_code == 200
    assert "SMTPDataError" in response.content.decode()
