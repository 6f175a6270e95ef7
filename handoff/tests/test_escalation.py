"""A session log with a red flag or pain above the ceiling refers the handoff back at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.errors import Conflict
from handoff import services
from handoff.models import Handoff, RedFlagReport
from handoff.tests.builders import clinic_today
from handoff.vocabularies import ALWAYS_ESCALATE, URGENT_CARE_GUIDANCE
from notifications.kinds import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def log(handoff, patient, *, pain=2, symptoms=()):
    return services.log_session(
        handoff, by=patient, date=clinic_today(), completed=True, pain=pain, symptoms=symptoms
    )


def test_pain_above_the_ceiling_refers_back(make_handoff, patient, therapist):
    handoff = make_handoff("accepted")
    log(handoff, patient, pain=6)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    report = RedFlagReport.objects.get(handoff=handoff)
    assert report.above_pain_ceiling and not report.urgent_care
    notice = Notification.objects.get(recipient=therapist, kind=Kind.REFERRED_BACK)
    assert notice.urgent and notice.requires_ack


def test_pain_at_the_ceiling_does_not_escalate(make_handoff, patient):
    handoff = make_handoff("accepted")
    log(handoff, patient, pain=5)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED
    assert not RedFlagReport.objects.exists()
    assert not Notification.objects.filter(kind=Kind.REFERRED_BACK).exists()


@pytest.mark.parametrize("flag", ["swelling", "numbness", "giving_way"])
def test_each_packet_red_flag_refers_back(make_handoff, patient, trainer, flag):
    handoff = make_handoff("accepted")
    log(handoff, patient, symptoms=[flag])
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    assert RedFlagReport.objects.get().symptoms == [flag]
    pause = Notification.objects.get(recipient=trainer, kind=Kind.REFERRED_BACK)
    assert "paused" in pause.body and URGENT_CARE_GUIDANCE not in pause.body


def test_a_symptom_the_packet_does_not_list_does_not_escalate(make_handoff, patient):
    handoff = make_handoff("accepted")  # the packet lists swelling, numbness, giving way
    log(handoff, patient, symptoms=["night_pain"])
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED


@pytest.mark.parametrize("symptom", sorted(ALWAYS_ESCALATE))
def test_each_always_escalate_symptom_sends_for_urgent_care(
    make_handoff, patient, trainer, therapist, symptom
):
    handoff = make_handoff("accepted")
    log(handoff, patient, symptoms=[symptom])
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    assert RedFlagReport.objects.get().urgent_care
    for person in (trainer, patient):
        notice = Notification.objects.get(recipient=person, kind=Kind.REFERRED_BACK)
        assert URGENT_CARE_GUIDANCE in notice.body
    assert Notification.objects.get(recipient=therapist, kind=Kind.REFERRED_BACK).urgent
    event = handoff.events.get(action="referred_back")
    assert event.actor is None


def test_a_red_flag_while_referred_back_tells_the_therapist_again(make_handoff, patient, therapist):
    handoff = make_handoff("referred_back")
    before = Notification.objects.filter(recipient=therapist, kind=Kind.REFERRED_BACK).count()
    log(handoff, patient, symptoms=["chest_pain"])
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    assert RedFlagReport.objects.filter(handoff=handoff).count() == 2
    after = Notification.objects.filter(recipient=therapist, kind=Kind.REFERRED_BACK).count()
    assert after == before + 1
    assert handoff.events.filter(action="red_flag").exists()


def test_a_refer_back_by_the_patient_records_their_symptoms(make_handoff, patient):
    handoff = make_handoff("accepted")
    services.refer_back(handoff, by=patient, reason="Calf hurts", symptoms=["calf_pain"])
    report = RedFlagReport.objects.get()
    assert report.reported_by == patient and report.urgent_care
    assert report.symptoms == ["calf_pain"]


def test_session_dates_cannot_be_in_the_future(make_handoff, patient):

    from django.core.exceptions import ValidationError

    handoff = make_handoff("accepted")
    with pytest.raises(ValidationError):
        services.log_session(
            handoff,
            by=patient,
            date=clinic_today() + datetime.timedelta(days=1),
            completed=True,
            pain=1,
        )
    assert not handoff.session_logs.exists()


def test_a_red_flag_in_a_check_in_refers_back(make_handoff, trainer, therapist):
    handoff = make_handoff("accepted")
    services.add_check_in(
        handoff,
        by=trainer,
        date=clinic_today(),
        sessions_attended=4,
        progress="Good week",
        symptoms=["chest_pain"],
    )
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    assert RedFlagReport.objects.get(handoff=handoff).urgent_care
    assert Notification.objects.get(recipient=therapist, kind=Kind.REFERRED_BACK).urgent


def test_a_trainer_cannot_complete_with_red_flags_in_the_final_report(make_handoff, trainer):
    handoff = make_handoff("accepted")
    report = {"sessions_attended": 10, "progress": "Fine", "symptoms": ["swelling"]}
    with pytest.raises(Conflict) as refused:
        services.complete_handoff(handoff, by=trainer, final_report=report)
    assert refused.value.code == "red_flag_reported"
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED


def test_unknown_symptoms_in_a_final_report_are_refused(make_handoff, trainer):
    handoff = make_handoff("accepted")
    report = {"sessions_attended": 10, "progress": "Fine", "symptoms": ["headache"]}
    with pytest.raises(ValidationError):
        services.complete_handoff(handoff, by=trainer, final_report=report)
