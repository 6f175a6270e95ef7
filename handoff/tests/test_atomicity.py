"""A transition that fails halfway leaves no event, notification or delivery behind."""

from unittest import mock

import pytest

from handoff import services
from handoff.models import Handoff, HandoffEvent, RedFlagReport
from handoff.tests.builders import clinic_today
from notifications.models import Delivery, Notification, Reminder

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def counts():
    return (
        HandoffEvent.objects.count(),
        Notification.objects.count(),
        Delivery.objects.count(),
        Reminder.objects.count(),
        RedFlagReport.objects.count(),
    )


def test_send_failing_after_the_status_change_leaves_nothing(make_handoff, therapist):
    handoff = make_handoff("draft")
    before = counts()
    # Fails after the status, event and notifications were written, while scheduling reminders.
    with mock.patch("handoff.reminders.after_send", side_effect=Boom), pytest.raises(Boom):
        services.send_handoff(handoff, by=therapist)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.DRAFT
    assert handoff.versions.get().frozen_at is None
    assert counts() == before


def test_escalation_failing_midway_leaves_no_log_or_report(make_handoff, patient):
    handoff = make_handoff("accepted")
    before = counts()
    with mock.patch("handoff.reminders.after_urgent_notice", side_effect=Boom), pytest.raises(Boom):
        services.log_session(handoff, by=patient, date=clinic_today(), completed=True, pain=9)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED
    assert not handoff.session_logs.exists()
    assert counts() == before


def test_revocation_failing_midway_keeps_the_consent_and_the_handoff(make_handoff, patient):
    handoff = make_handoff("accepted")
    before = counts()
    with mock.patch("handoff.services.consent.notify", side_effect=Boom), pytest.raises(Boom):
        services.revoke_consent(handoff, by=patient)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED
    assert handoff.patient.consents.get().revoked_at is None
    assert counts() == before
