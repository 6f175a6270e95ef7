"""Each send precondition refuses with its own code and sentence, and changes nothing."""

import datetime

import pytest

from core.errors import Conflict
from gyms.models import Certification, GymMembership
from handoff import services
from handoff.models import Handoff
from handoff.tests import builders
from handoff.tests.builders import clinic_today
from notifications.models import Notification
from organisations.models import Partnership

pytestmark = pytest.mark.django_db


def refused_codes(handoff, therapist) -> list[str]:
    with pytest.raises(Conflict) as refused:
        services.send_handoff(handoff, by=therapist)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.DRAFT
    assert not handoff.events.filter(action="sent").exists()
    assert not Notification.objects.filter(subject_type="handoff", subject_id=handoff.pk).exists()
    return [reason.code for reason in refused.value.reasons]


def test_without_consent(people):
    handoff = builders.draft(**people)
    assert refused_codes(handoff, people["therapist"]) == ["consent_required"]


def test_with_a_revoked_consent(people, patient):
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    services.revoke_consent(handoff, by=patient)
    assert refused_codes(handoff, people["therapist"]) == ["consent_required"]


def test_with_an_expired_consent(people):
    handoff = builders.draft(**people)
    services.record_consent(
        handoff,
        by=people["therapist"],
        signed_on=clinic_today() - datetime.timedelta(days=30),
        expires_on=clinic_today() + datetime.timedelta(days=1),
    )
    handoff.patient.consents.update(
        signed_on=clinic_today() - datetime.timedelta(days=30),
        expires_on=clinic_today() - datetime.timedelta(days=1),
    )
    assert refused_codes(handoff, people["therapist"]) == ["consent_required"]


def test_with_a_consent_for_another_gym(people, peak):
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    handoff.patient.consents.update(gym=peak)
    assert refused_codes(handoff, people["therapist"]) == ["consent_required"]


@pytest.mark.parametrize("status", ["proposed", "suspended", "ended"])
def test_partnership_not_active(people, iron_oak, status):
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    Partnership.objects.filter(gym=iron_oak).update(status=status)
    assert refused_codes(handoff, people["therapist"]) == ["partnership_inactive"]


def test_trainer_certification_expired(people, trainer):
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    Certification.objects.filter(trainer__user=trainer).update(
        expires_on=clinic_today() - datetime.timedelta(days=1)
    )
    assert refused_codes(handoff, people["therapist"]) == ["certification_expired"]


def test_trainer_at_capacity(people, trainer, other_patient_record):
    GymMembership.objects.filter(user=trainer).update(capacity=1)
    builders.sent(
        therapist=people["therapist"], patient_record=other_patient_record, trainer=trainer
    )
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    assert refused_codes(handoff, people["therapist"]) == ["trainer_at_capacity"]


def test_capacity_counts_only_open_handoffs(people, trainer, other_patient_record):
    GymMembership.objects.filter(user=trainer).update(capacity=1)
    other = builders.sent(
        therapist=people["therapist"], patient_record=other_patient_record, trainer=trainer
    )
    services.decline_handoff(other, by=trainer, reason="Full")
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    assert services.send_handoff(handoff, by=people["therapist"]).status == "sent"


def test_another_open_handoff_for_the_same_patient_and_trainer(people):
    builders.sent(**people)
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    assert refused_codes(handoff, people["therapist"]) == ["open_handoff_exists"]


def test_packet_without_program_items(people):
    handoff = builders.draft(**people, spec=builders.packet(program=()))
    builders.with_consent(handoff, people["therapist"])
    assert refused_codes(handoff, people["therapist"]) == ["packet_incomplete"]


def test_packet_without_clearance(people):
    handoff = builders.draft(**people, spec=builders.packet(clearance=None))
    builders.with_consent(handoff, people["therapist"])
    assert refused_codes(handoff, people["therapist"]) == ["packet_incomplete"]


def test_every_failed_precondition_is_named(people, iron_oak):
    handoff = builders.draft(**people, spec=builders.packet(program=()))
    Partnership.objects.filter(gym=iron_oak).update(status="suspended")
    codes = refused_codes(handoff, people["therapist"])
    assert codes == ["packet_incomplete", "consent_required", "partnership_inactive"]


def test_refusal_message_is_readable(people):
    handoff = builders.draft(**people)
    with pytest.raises(Conflict) as refused:
        services.send_handoff(handoff, by=people["therapist"])
    assert refused.value.detail == (
        "This handoff cannot be sent yet: Record the patient's consent to share the packet "
        "with Iron Oak Strength first."
    )
