"""Scoping: a patient never sees another patient's anything (404), nor a draft beyond their
own consent request; staff and strangers get 404 on every portal page."""

from __future__ import annotations

import pytest

from handoff import services
from handoff.tests import builders

PLAN_PAGES = ["", "log/", "progress/", "messages/", "consent/", "consent/revoke/", "handout.pdf"]


@pytest.mark.parametrize("suffix", PLAN_PAGES)
def test_another_patients_plan_pages_are_404(page, patient, other_handoff, suffix):
    assert page(patient).get(f"/my/plans/{other_handoff.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "log/", "messages/", "consent/", "consent/revoke/"])
def test_posting_to_another_patients_plan_is_404_and_changes_nothing(
    page, patient, other_handoff, suffix
):
    body = {"how": "done", "pain": "9", "body": "hi", "agree": "on", "date": "2026-01-01"}
    response = page(patient).post(f"/my/plans/{other_handoff.pk}/{suffix}", body)

    other_handoff.refresh_from_db()
    assert response.status_code == 404
    assert other_handoff.status == "accepted"
    assert not other_handoff.session_logs.exists() and not other_handoff.messages.exists()


def test_another_patients_session_result_is_404(page, patient, handoff, other_handoff):
    log = services.log_session(
        other_handoff,
        by=other_handoff.patient.user,
        date=builders.clinic_today(),
        completed=True,
        pain=1,
    )

    assert page(patient).get(f"/my/plans/{other_handoff.pk}/log/{log.pk}/").status_code == 404
    # nor through one's own plan
    assert page(patient).get(f"/my/plans/{handoff.pk}/log/{log.pk}/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "log/", "progress/", "messages/", "handout.pdf"])
def test_a_draft_shows_nothing_but_its_consent_request(
    page, therapist, patient, patient_record, trainer, suffix
):
    draft = builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer)

    assert page(patient).get(f"/my/plans/{draft.pk}/{suffix}").status_code == 404
    consent = page(patient).get(f"/my/plans/{draft.pk}/consent/")
    assert consent.status_code == 200
    html = consent.content.decode()
    assert "Iron Oak Strength" in html
    assert "Split squat" not in html and "No jumping" not in html  # not the packet


def test_another_patients_draft_consent_request_is_404(
    page, therapist, patient, other_patient_record, trainer
):
    draft = builders.draft(
        therapist=therapist, patient_record=other_patient_record, trainer=trainer
    )

    assert page(patient).get(f"/my/plans/{draft.pk}/consent/").status_code == 404


@pytest.mark.parametrize("who", ["therapist", "trainer", "clinic_admin", "outsider"])
@pytest.mark.parametrize("suffix", ["", "log/", "progress/", "consent/"])
def test_staff_and_strangers_get_404_on_portal_plan_pages(page, request, handoff, who, suffix):
    user = request.getfixturevalue(who)

    assert page(user).get(f"/my/plans/{handoff.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("path", ["who-read-my-plan/", "reminders/"])
def test_staff_get_404_on_the_patients_own_pages(page, therapist, path):
    assert page(therapist).get(f"/my/{path}").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(page, handoff):
    response = page(None).get(f"/my/plans/{handoff.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_access_log_lists_only_reads_of_my_record(
    page, api, patient, trainer, handoff, other_handoff
):
    api(trainer).get(f"/api/v1/handoffs/{other_handoff.pk}/")  # someone else's plan
    api(trainer).get(f"/api/v1/handoffs/{handoff.pk}/")

    html = page(patient).get("/my/who-read-my-plan/").content.decode()

    assert html.count("Terry Oak, your trainer at Iron Oak Strength, opened your plan") == 1
    assert "Jordan" not in html
