"""Defects found in review, each pinned by a test that failed before its fix."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from config.errors import Conflict, Forbidden
from gyms.models import GymMembership
from handoff import services
from handoff.models import AccessLog, Handoff, RedFlagReport
from handoff.tests import builders
from handoff.tests.builders import clinic_today
from notifications.kinds import Kind
from notifications.models import Notification, Preference, Reminder

pytestmark = pytest.mark.django_db


def pending(kind):
    return Reminder.objects.filter(kind=kind, status=Reminder.Status.PENDING)


# --- Privacy ------------------------------------------------------------------------------------------


def test_a_trainer_who_moved_gyms_loses_the_old_gyms_packets(make_handoff, trainer, peak, api):
    handoff = make_handoff("accepted")
    GymMembership.objects.filter(user=trainer).update(gym=peak)
    trainer = type(trainer).objects.get(pk=trainer.pk)  # as the next request would load them
    assert api(trainer).get(f"/api/v1/handoffs/{handoff.pk}/").status_code == 404
    with pytest.raises(Forbidden):
        services.complete_handoff(
            handoff, by=trainer, final_report={"sessions_attended": 1, "progress": "x"}
        )


def test_the_handoff_pages_audit_the_patient_too(make_handoff, therapist, client):
    handoff = make_handoff("accepted")
    client.force_login(therapist)
    client.get("/handoffs/")
    client.get(f"/handoffs/{handoff.pk}/")
    rows = set(AccessLog.objects.filter(object_type="patient").values_list("action", "object_id"))
    assert rows == {("list", handoff.patient_id), ("read", handoff.patient_id)}


def test_an_unpartnered_trainer_id_reveals_nothing(
    therapist, patient_record, unpartnered_trainer, api
):
    body = {"patient": patient_record.pk, "trainer": unpartnered_trainer.pk, "packet": {}}
    response = api(therapist).post("/api/v1/handoffs/", body, format="json")
    assert response.status_code == 400
    assert "partnership" not in str(response.json()["trainer"])
    assert not Handoff.objects.exists()


def test_a_huge_gym_filter_is_a_400(therapist, api):
    assert api(therapist).get("/api/v1/trainers/?gym=" + "9" * 30).status_code == 400


def test_a_deeply_nested_body_is_a_400_not_a_500(api):
    response = api().post(
        "/api/v1/auth/token/", "[" * 50_000 + "]" * 50_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_action_on_a_draft_discarded_meanwhile_is_a_404(people, therapist):
    handoff = builders.draft(**people)
    stale = Handoff.objects.get(pk=handoff.pk)
    services.discard_draft(handoff, by=therapist)
    with pytest.raises(Http404):
        services.update_draft(stale, by=therapist, packet=builders.packet())


def test_a_consent_signed_so_long_ago_that_it_expired_is_refused(people, therapist):
    handoff = builders.draft(**people)
    with pytest.raises(ValidationError) as refused:
        services.record_consent(handoff, by=therapist, signed_on=datetime.date(2000, 1, 1))
    assert "signed_on" in refused.value.message_dict
    assert not handoff.patient.consents.exists()


# --- Escalation -------------------------------------------------------------------------------------------


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


# --- Reminders --------------------------------------------------------------------------------------------


def test_two_logs_on_one_day_keep_one_nudge_pending(make_handoff, patient):
    handoff = make_handoff("accepted")
    for _ in range(2):
        services.log_session(handoff, by=patient, date=clinic_today(), completed=True, pain=1)
    assert pending(Kind.PATIENT_NUDGE).count() == 1


def test_resuming_starts_the_nudges_again(make_handoff, therapist):
    handoff = make_handoff("referred_back")
    Reminder.objects.filter(kind=Kind.PATIENT_NUDGE).update(status="cancelled")
    services.resume_handoff(handoff, by=therapist, note="Fine to go on")
    assert pending(Kind.PATIENT_NUDGE).count() == 1


def test_two_amendments_leave_one_chain_of_acknowledge_reminders(make_handoff, therapist):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=3))
    assert pending(Kind.ACKNOWLEDGE_REMINDER).count() == 1


def test_nudges_follow_the_patients_own_date_west_of_utc(people, patient):
    Preference.objects.create(user=patient, time_zone="America/Los_Angeles", nudge_hour=18)
    # 02:00 UTC on 2 Dec is still 1 Dec in Los Angeles: the nudge is three of *their* days on.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        builders.accepted(**people)
    nudge = pending(Kind.PATIENT_NUDGE).get()
    assert nudge.due_at == datetime.datetime(2026, 12, 5, 2, 0, tzinfo=datetime.UTC)  # 4 Dec 18:00


def test_a_sweep_outage_does_not_turn_into_a_burst_of_nudges(people, patient):
    from notifications.sweep import fire_due_reminders

    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        builders.accepted(**people)
    with time_machine.travel(
        datetime.datetime(2026, 12, 20, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        fire_due_reminders()
    assert Notification.objects.filter(kind=Kind.PATIENT_NUDGE).count() == 1
