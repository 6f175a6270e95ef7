"""What the notices say (issue 13): one full stop, and the urgent notice's real details."""

from __future__ import annotations

import pytest

from handoff import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_no_notice_ends_a_patient_label_with_two_full_stops(make_handoff, trainer):
    handoff = make_handoff("accepted")
    services.post_message(handoff, by=trainer, body="Hello")

    bodies = list(Notification.objects.values_list("body", flat=True))

    assert bodies and not [b for b in bodies if ".." in b]


def test_a_session_log_escalation_gives_the_pain_score_not_the_generic_reason(
    make_handoff, patient, therapist
):
    handoff = make_handoff("accepted")
    services.log_session(
        handoff,
        by=patient,
        date=handoff.accepted_at.date(),
        completed=True,
        pain=8,
        symptoms=["swelling"],
    )

    urgent = Notification.objects.get(recipient=therapist, requires_ack=True)

    assert "pain 8/10, above the ceiling" in urgent.body
    assert "swelling" in urgent.body
    assert "Reported in a session log" not in urgent.body
    assert "from a session log" in urgent.body
