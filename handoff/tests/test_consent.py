"""Consent: the clinic's form supplies it; revocation and expiry close what it covers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import Conflict
from handoff import services
from handoff.models import Consent, Handoff
from handoff.models.consent import REQUIRED_ELEMENTS
from handoff.sweep import revoke_expired_consents
from handoff.tests import builders
from handoff.tests.builders import clinic_today
from notifications.kinds import Kind
from notifications.models import Notification, Reminder

pytestmark = pytest.mark.django_db


def test_recorded_consent_carries_every_element_from_the_clinic_form(people, therapist, riverside):
    handoff = builders.draft(**people)
    consent = services.record_consent(handoff, by=therapist, signed_on=clinic_today())
    assert consent.method == Consent.Method.RECORDED
    assert set(consent.elements) == set(REQUIRED_ELEMENTS)
    assert all(consent.elements.values())
    assert consent.elements["discloser"] == riverside.name
    assert "Iron Oak Strength" in consent.elements["recipient"]
    assert riverside.authorization_revocation in consent.authorization_text
    assert riverside.authorization_redisclosure in consent.authorization_text
    assert consent.expires_on == clinic_today() + datetime.timedelta(days=365)
    assert handoff.events.filter(action="consent_recorded").exists()


def test_the_patient_can_grant_consent_on_a_draft(people, patient):
    handoff = builders.draft(**people)
    consent = services.grant_consent(handoff, by=patient)
    assert consent.method == Consent.Method.PORTAL and consent.signed_on == clinic_today()
    assert handoff.events.get(action="consent_granted").actor == patient


def test_a_clinic_form_missing_an_element_is_refused(people, therapist, riverside):
    riverside.authorization_no_conditioning = ""
    riverside.save()
    handoff = builders.draft(**people)
    with pytest.raises(Conflict) as refused:
        services.record_consent(handoff, by=therapist, signed_on=clinic_today())
    assert refused.value.code == "consent_form_incomplete"
    assert "no_conditioning" in refused.value.detail
    assert not Consent.objects.exists()


def test_the_database_refuses_a_consent_without_its_elements(people, therapist):
    handoff = builders.draft(**people)
    consent = services.record_consent(handoff, by=therapist, signed_on=clinic_today())
    elements = dict(consent.elements)
    del elements["right_to_revoke"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(elements=elements)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(authorization_text="")


def test_a_signing_date_in_the_future_is_refused(people, therapist):
    from django.core.exceptions import ValidationError

    handoff = builders.draft(**people)
    with pytest.raises(ValidationError) as refused:
        services.record_consent(
            handoff, by=therapist, signed_on=clinic_today() + datetime.timedelta(days=1)
        )
    assert "signed_on" in refused.value.message_dict


@pytest.mark.parametrize("state", ["sent", "accepted", "referred_back"])
def test_revocation_closes_every_open_handoff_it_covers(make_handoff, patient, trainer, state):
    handoff = make_handoff(state)
    services.revoke_consent(handoff, by=patient)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REVOKED
    assert handoff.patient.consents.get().revoked_at is not None
    assert not Reminder.objects.filter(subject_id=handoff.pk, status="pending").exists()
    assert Notification.objects.filter(recipient=trainer, kind=Kind.CONSENT_REVOKED).exists()


def test_the_therapist_can_record_a_written_revocation(make_handoff, therapist):
    handoff = make_handoff("accepted")
    services.revoke_consent(handoff, by=therapist, note="Letter received 2 Dec")
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REVOKED
    assert handoff.events.get(action="revoked").note == "Letter received 2 Dec"


def test_revoking_on_a_draft_keeps_the_draft_unsendable(people, patient, therapist):
    handoff = builders.with_consent(builders.draft(**people), therapist)
    services.revoke_consent(handoff, by=patient)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.DRAFT
    with pytest.raises(Conflict) as refused:
        services.send_handoff(handoff, by=therapist)
    assert refused.value.code == "consent_required"


def test_revocation_also_closes_other_open_handoffs_at_that_gym(
    people, therapist, patient, trainer2
):
    first = builders.accepted(**people)
    second = builders.draft(
        therapist=therapist, patient_record=people["patient_record"], trainer=trainer2
    )
    services.send_handoff(second, by=therapist)  # the same gym-wide consent covers it
    services.revoke_consent(first, by=patient)
    second.refresh_from_db()
    assert second.status == Handoff.Status.REVOKED


def test_expiry_closes_what_it_covers_in_the_sweep(make_handoff, trainer):
    handoff = make_handoff("accepted")
    Consent.objects.update(
        signed_on=clinic_today() - datetime.timedelta(days=40),
        expires_on=clinic_today() - datetime.timedelta(days=1),
    )
    assert revoke_expired_consents() == 1
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REVOKED
    event = handoff.events.get(action="revoked")
    assert event.actor is None and "expired" in event.note
    assert revoke_expired_consents() == 0  # nothing twice


def test_a_consent_expiring_today_is_still_valid(make_handoff):
    handoff = make_handoff("accepted")
    Consent.objects.update(expires_on=clinic_today())
    assert revoke_expired_consents() == 0
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED


def test_revoking_twice_is_refused_the_second_time(make_handoff, patient):
    handoff = make_handoff("accepted")
    services.revoke_consent(handoff, by=patient)
    handoff.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.revoke_consent(handoff, by=patient)
    assert refused.value.code == "no_active_consent"


def test_an_action_on_a_handoff_that_changed_meanwhile_is_refused(make_handoff, patient, therapist):
    handoff = make_handoff("accepted")
    seen_by_therapist = Handoff.objects.get(pk=handoff.pk)
    services.revoke_consent(handoff, by=patient)
    with pytest.raises(Conflict) as refused:
        services.withdraw_handoff(seen_by_therapist, by=therapist, reason="Moving")
    assert refused.value.code == "changed_meanwhile"
    assert "consent was revoked" in refused.value.detail


def test_a_consent_signed_so_long_ago_that_it_expired_is_refused(people, therapist):
    handoff = builders.draft(**people)
    with pytest.raises(ValidationError) as refused:
        services.record_consent(handoff, by=therapist, signed_on=datetime.date(2000, 1, 1))
    assert "signed_on" in refused.value.message_dict
    assert not handoff.patient.consents.exists()
