"""The admins' pages that read handoffs: needs attention, access log, trainer load."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLog
from handoff import services
from handoff.models import Consent
from handoff.tests import builders
from notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def test_the_attention_page_lists_urgent_notices_failed_emails_and_expiring_consents(
    make_handoff, clinic_admin, therapist, client
):
    handoff = make_handoff("referred_back")
    urgent = Notification.objects.get(recipient=therapist, requires_ack=True)
    delivery = Delivery.objects.filter(notification=urgent).first() or Delivery.objects.create(
        notification=urgent, idempotency_key="test-failed"
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        status="failed", failed_at=timezone.now(), last_error="550 mailbox unavailable"
    )
    Consent.objects.filter(patient=handoff.patient).update(
        expires_on=builders.clinic_today() + datetime.timedelta(days=5)
    )
    client.force_login(clinic_admin)
    response = client.get("/manage/attention/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"refer-back on handoff {handoff.pk}" in body and "Dana Rivers" in body
    assert "550 mailbox unavailable" in body
    assert "Alex Morgan" in body and "Iron Oak Strength" in body
    assert AccessLog.objects.filter(actor=clinic_admin, object_type="patient").exists()


def test_acknowledged_notices_and_far_consents_are_not_listed(make_handoff, clinic_admin, client):
    make_handoff("referred_back")
    Notification.objects.update(acknowledged_at=timezone.now())
    client.force_login(clinic_admin)
    body = client.get("/manage/attention/").content.decode()
    assert "every urgent notice was acknowledged" in body
    assert "Alex Morgan" not in body


def test_the_access_log_shows_who_read_which_patient_and_filters(
    make_handoff, clinic_admin, trainer, other_therapist, client
):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    client.get(f"/trainer/handoffs/{handoff.pk}/")
    client.force_login(clinic_admin)
    body = client.get("/manage/access-log/").content.decode()
    assert "Terry Oak" in body and f"Handoff {handoff.pk} (Alex Morgan)" in body
    filtered = client.get("/manage/access-log/", {"who": "nobody-like-this"}).content.decode()
    assert "Terry Oak" not in filtered and "Nothing matches" in filtered
    by_patient = client.get("/manage/access-log/", {"patient": "morgan", "action": "read"})
    assert "Terry Oak" in by_patient.content.decode()


def test_the_access_log_holds_only_the_clinics_own_records(
    clinic_admin, other_therapist, summit, client
):
    from clinics.tests.factories import PatientFactory

    stranger = PatientFactory(clinic=summit, first_name="Sasha", last_name="Stone")
    AccessLog.objects.create(
        actor=other_therapist, action="read", object_type="patient", object_id=stranger.pk
    )
    client.force_login(clinic_admin)
    assert "Sasha" not in client.get("/manage/access-log/").content.decode()


@pytest.mark.parametrize(
    "query, field",
    [
        ({"since": "2026-02-30"}, "since"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until"),
        ({"address": "999.1.1.1"}, "address"),
        ({"action": "delete"}, "action"),
        ({"who": "x" * 300}, "who"),
    ],
)
def test_bad_access_log_filters_show_the_error_by_the_field(clinic_admin, client, query, field):
    client.force_login(clinic_admin)
    response = client.get("/manage/access-log/", query)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999"])
def test_odd_page_numbers_still_answer(clinic_admin, client, page):
    client.force_login(clinic_admin)
    assert client.get("/manage/access-log/", {"page": page}).status_code == 200


def test_the_load_page_counts_open_handoffs_per_trainer(
    make_handoff, gym_admin, people, trainer2, client
):
    make_handoff("accepted")
    builders.sent(
        therapist=people["therapist"],
        patient_record=people["patient_record"],
        trainer=trainer2,
    )
    client.force_login(gym_admin)
    body = client.get("/manage/load/").content.decode()
    assert "Terry Oak" in body and "Toni Oak" in body
    assert 'data-label="Open" class="num">1</td>' in body
    assert "places left" in body


def test_a_full_trainer_is_marked_full(make_handoff, gym_admin, trainer, client):
    make_handoff("accepted")
    trainer.gym_membership.capacity = 1
    trainer.gym_membership.save()
    client.force_login(gym_admin)
    assert "Full: no new packets" in client.get("/manage/load/").content.decode()


def test_services_clinic_red_flag_codes_match_the_packet_vocabulary():
    from clinics.services import RED_FLAG_CODES
    from handoff.vocabularies import Symptom
    from organisations.forms_admin import RED_FLAG_LABELS

    assert set(RED_FLAG_CODES) == set(Symptom.values)
    assert {s.value: s.label for s in Symptom} == RED_FLAG_LABELS


def test_accepting_after_an_amendment_acknowledges_it_in_the_inbox(
    make_handoff, therapist, trainer, client
):
    handoff = make_handoff("sent")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(), change_note="v2")
    services.accept_handoff(handoff, by=trainer)
    client.force_login(trainer)
    assert "to acknowledge" not in client.get("/trainer/").content.decode()
