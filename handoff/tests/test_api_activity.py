"""Versions and diffs, acknowledgements, consent, session logs, check-ins and messages."""

from __future__ import annotations

import datetime

import pytest

from handoff import services
from handoff.models import Consent, SessionLog
from handoff.tests import builders

from .test_api_support import day, packet_body, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def amended(make_handoff, therapist):
    handoff = make_handoff("accepted")
    services.amend_packet(
        handoff, by=therapist, packet=builders.packet(pain_ceiling=4), change_note="Lower ceiling"
    )
    return handoff


# --- Versions --------------------------------------------------------------------------------


def test_versions_are_listed_newest_first(api, patient, amended):
    body = api(patient).get(url("handoff-versions", amended)).json()

    assert [v["number"] for v in body["results"]] == [2, 1]
    assert body["results"][0]["change_note"] == "Lower ceiling"


def test_a_new_version_is_refused_on_a_draft(api, therapist, make_handoff):
    draft = make_handoff("draft")

    response = api(therapist).post(url("handoff-versions", draft), packet_body(), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "draft"
    assert draft.versions.count() == 1


def test_a_new_version_tells_the_trainer_who_must_acknowledge_it(
    api, therapist, trainer, make_handoff
):
    handoff = make_handoff("accepted")

    response = api(therapist).post(
        url("handoff-versions", handoff), packet_body(change_note="New squat depth"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert response.json()["created_by"] == {"id": therapist.pk, "name": therapist.name}
    body = api(trainer).get(url("handoff-detail", handoff)).json()
    assert (body["current_version"]["number"], body["acknowledged_version"]) == (2, 1)


def test_the_diff_between_two_versions(api, trainer, amended):
    body = api(trainer).get(url("handoff-version-diff", amended, number=2)).json()

    assert body == {
        "program": {"added": [], "removed": [], "changed": []},
        "restrictions": {"added": [], "removed": [], "changed": []},
        "red_flags": {"added": [], "removed": []},
        "fields": {"pain_ceiling": [5, 4]},
    }


@pytest.mark.parametrize("number", [1, 3, 0])
def test_there_is_no_diff_for_the_first_or_a_missing_version(api, trainer, amended, number):
    assert api(trainer).get(url("handoff-version-diff", amended, number=number)).status_code == 404


def test_acknowledging_an_old_version_is_a_409(api, trainer, amended):
    response = api(trainer).post(url("handoff-acknowledge", amended), {"version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "not_latest_version"


# --- Consent ---------------------------------------------------------------------------------


@pytest.fixture
def unconsented(therapist, trainer, patient_record):
    return builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer)


def test_the_patient_sees_the_request_for_their_draft_and_signs_it(api, patient, unconsented):
    client = api(patient)

    request = client.get(url("handoff-consent", unconsented)).json()
    assert request["state"] == "none"
    assert request["method"] is None
    assert set(request) == {
        "state",
        "method",
        "signed_on",
        "expires_on",
        "granted_at",
        "revoked_at",
        "authorization_text",
        "elements",
    }
    assert "Riverside Physical Therapy" in request["elements"]["discloser"]
    assert "Iron Oak Strength" in request["elements"]["recipient"]

    response = client.post(url("handoff-consent", unconsented), {"method": "portal"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["method"], body["signed_on"]) == ("active", "portal", day())
    assert body["expires_on"] == day(365)
    assert client.get(url("handoff-detail", unconsented)).status_code == 404  # still a draft


@pytest.mark.parametrize(("persona", "method"), [("therapist", "portal"), ("patient", "recorded")])
def test_a_consent_method_that_is_not_the_callers_is_a_403(
    api, request, unconsented, persona, method
):
    body = {"method": method, "signed_on": day()}

    response = api(request.getfixturevalue(persona)).post(
        url("handoff-consent", unconsented), body, format="json"
    )

    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_the_therapist_records_a_paper_consent_with_its_dates(api, therapist, unconsented):
    body = {"method": "recorded", "signed_on": day(-10), "expires_on": day(100), "purpose": "Gym"}

    response = api(therapist).post(url("handoff-consent", unconsented), body, format="json")

    assert response.status_code == 201
    assert response.json()["expires_on"] == day(100)
    assert response.json()["elements"]["purpose"] == "Gym"
    consent = Consent.objects.get()
    assert (consent.method, consent.signed_on) == (
        "recorded",
        datetime.date.fromisoformat(day(-10)),
    )


def test_the_therapist_records_a_written_revocation(api, therapist, trainer, make_handoff):
    handoff = make_handoff("sent")

    response = api(therapist).post(
        url("handoff-consent-revoke", handoff), {"note": "Letter of 3 May"}, format="json"
    )

    assert response.json()["state"] == "revoked"
    assert api(trainer).get(url("handoff-detail", handoff)).status_code == 404
    assert api(therapist).get(url("handoff-detail", handoff)).json()["status"] == "revoked"


# --- Session logs ----------------------------------------------------------------------------


def test_the_patient_logs_a_session_that_every_party_can_read(api, patient, trainer, make_handoff):
    handoff = make_handoff("accepted")
    body = {
        "date": day(),
        "completed": True,
        "pain": 3,
        "difficulty": 6,
        "symptoms": [],
        "note": "",
    }

    response = api(patient).post(url("handoff-sessions", handoff), body, format="json")

    assert response.status_code == 201
    listed = api(trainer).get(url("handoff-sessions", handoff)).json()["results"]
    assert [(s["pain"], s["difficulty"]) for s in listed] == [(3, 6)]


def test_an_always_escalate_symptom_refers_back_at_once(api, patient, make_handoff):
    handoff = make_handoff("accepted")
    body = {"date": day(), "completed": False, "pain": 1, "symptoms": ["chest_pain"]}

    api(patient).post(url("handoff-sessions", handoff), body, format="json")

    assert api(patient).get(url("handoff-detail", handoff)).json()["status"] == "referred_back"


def test_no_session_is_logged_before_the_trainer_accepts(api, patient, make_handoff):
    handoff = make_handoff("sent")
    body = {"date": day(), "completed": True, "pain": 1}

    response = api(patient).post(url("handoff-sessions", handoff), body, format="json")

    assert response.status_code == 409
    assert not SessionLog.objects.exists()


# --- Check-ins and messages -----------------------------------------------------------------------


def test_the_trainers_check_in_reaches_the_therapist(api, trainer, therapist, make_handoff):
    handoff = make_handoff("accepted")
    body = {"date": day(), "sessions_attended": 4, "progress": "Squat depth improving"}

    assert (
        api(trainer).post(url("handoff-check-ins", handoff), body, format="json").status_code == 201
    )

    listed = api(therapist).get(url("handoff-check-ins", handoff)).json()["results"]
    assert [(c["progress"], c["author"]["id"]) for c in listed] == [
        ("Squat depth improving", trainer.pk)
    ]


def test_the_patient_sees_only_messages_meant_for_them(
    api, therapist, trainer, patient, make_handoff
):
    handoff = make_handoff("accepted")
    api(trainer).post(url("handoff-messages", handoff), {"body": "Staff only"}, format="json")
    api(therapist).post(
        url("handoff-messages", handoff), {"body": "Hello Alex", "to_patient": True}, format="json"
    )
    mine = api(patient).post(
        url("handoff-messages", handoff), {"body": "Thanks", "to_patient": False}, format="json"
    )

    assert mine.json()["to_patient"] is True  # a patient's message is always for the patient too
    seen = [m["body"] for m in api(patient).get(url("handoff-messages", handoff)).json()["results"]]
    assert seen == ["Thanks", "Hello Alex"]
    staff = [
        m["body"] for m in api(trainer).get(url("handoff-messages", handoff)).json()["results"]
    ]
    assert staff == ["Thanks", "Hello Alex", "Staff only"]


def test_no_message_on_a_closed_handoff(api, therapist, make_handoff):
    handoff = make_handoff("completed")

    response = api(therapist).post(url("handoff-messages", handoff), {"body": "Hi"}, format="json")

    assert response.status_code == 409
