"""The demo loader's handoffs (docs/api.md, "Demo data")."""

import pytest
from django.core.management import call_command

from handoff.models import Handoff, HandoffEvent, SessionLog
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_patient_has_one_accepted_handoff_with_logs(seeded):
    handoff = Handoff.objects.get(patient__email="patient@riverside.example")
    assert handoff.status == Handoff.Status.ACCEPTED
    assert handoff.trainer.email == "trainer@ironoak.example"
    version = handoff.versions.get()
    assert version.pain_ceiling == 5
    assert version.red_flags == ["swelling", "numbness", "giving_way"]
    assert version.program.filter(exercise__isnull=False).count() == version.program.count()
    logs = SessionLog.objects.filter(handoff=handoff)
    assert logs.count() >= 6 and all(log.pain <= 5 for log in logs)
    assert handoff.sent_at < handoff.accepted_at < min(log.created_at for log in logs)


def test_two_other_riverside_patients_have_a_draft_and_a_sent_handoff(seeded):
    others = Handoff.objects.exclude(patient__email="patient@riverside.example")
    assert sorted(others.values_list("status", flat=True)) == ["draft", "sent"]
    assert set(others.values_list("trainer__email", flat=True)) == {"trainer@ironoak.example"}
    assert all(h.patient.user_id is None for h in others)


def test_loading_twice_changes_nothing(seeded):
    counts = (Handoff.objects.count(), HandoffEvent.objects.count(), Notification.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Handoff.objects.count(),
        HandoffEvent.objects.count(),
        Notification.objects.count(),
    ) == counts
