"""handoffs/, handoffs/{id}/ and the lifecycle actions: what each answers and what it changes."""

from __future__ import annotations

import pytest

from clinics.tests.factories import PatientFactory
from core.errors import Forbidden
from gyms.models import GymMembership
from handoff import services
from handoff.models import Handoff
from handoff.tests import builders

from .test_api_support import packet_body, url

pytestmark = pytest.mark.django_db


def create(client, patient, trainer, packet=None):
    body = {"patient": patient.pk, "trainer": trainer.pk, "packet": packet or packet_body()}
    return client.post(url("handoff-list"), body, format="json")


# --- Listing --------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_filters_by_status(api, therapist, people, riverside):
    older = builders.draft(**people)
    newer = builders.sent(**(people | {"patient_record": PatientFactory(clinic=riverside)}))
    client = api(therapist)

    assert [h["id"] for h in client.get(url("handoff-list")).json()["results"]] == [
        newer.pk,
        older.pk,
    ]
    drafts = client.get(url("handoff-list"), {"status": "draft"}).json()
    assert (drafts["count"], drafts["results"][0]["id"]) == (1, older.pk)


def test_the_list_is_paginated(api, therapist, people, riverside):
    for _ in range(3):
        builders.draft(**(people | {"patient_record": PatientFactory(clinic=riverside)}))

    body = api(therapist).get(url("handoff-list"), {"page_size": 2}).json()

    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["next"] is not None and body["previous"] is None


@pytest.mark.parametrize("persona", ["trainer", "patient"])
def test_drafts_are_not_listed_for_the_trainer_or_the_patient(api, request, make_handoff, persona):
    make_handoff("draft")

    assert api(request.getfixturevalue(persona)).get(url("handoff-list")).json()["count"] == 0


def test_a_trainer_no_longer_lists_a_handoff_they_declined(api, trainer, make_handoff):
    make_handoff("declined")

    assert api(trainer).get(url("handoff-list")).json()["count"] == 0


# --- Drafts -----------------------------------------------------------------------------------


def test_a_therapist_starts_a_draft(api, therapist, trainer, patient_record, riverside):
    riverside.default_pain_ceiling = 4
    riverside.save()
    packet = packet_body()
    del packet["pain_ceiling"]

    response = create(api(therapist), patient_record, trainer, packet)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert (body["sent_at"], body["respond_by"], body["acknowledged_version"]) == (None, None, None)
    assert body["patient"]["id"] == patient_record.pk
    assert body["trainer"]["gym"]["name"] == "Iron Oak Strength"
    assert body["current_version"]["number"] == 1
    assert body["current_version"]["pain_ceiling"] == 4  # the clinic's default
    assert [e["action"] for e in body["events"]] == ["created"]
    assert body["events"][0]["actor"] == {"id": therapist.pk, "name": therapist.name}


def test_a_draft_to_an_unpartnered_trainer_is_refused(
    api, therapist, unpartnered_trainer, patient_record
):
    response = create(api(therapist), patient_record, unpartnered_trainer)

    assert response.status_code == 400
    assert "trainer" in response.json()
    assert not Handoff.objects.exists()


def test_editing_a_draft_replaces_its_packet_and_trainer(api, therapist, trainer2, make_handoff):
    draft = make_handoff("draft")
    packet = packet_body(program=[{"name": "Bridge", "sets": 2, "reps": 12, "per_week": 4}])

    response = api(therapist).patch(
        url("handoff-detail", draft), {"packet": packet, "trainer": trainer2.pk}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["trainer"]["id"] == trainer2.pk
    assert [i["name"] for i in body["current_version"]["program"]] == ["Bridge"]
    assert body["current_version"]["number"] == 1
    assert body["events"][-1]["action"] == "edited"


def test_discarding_a_draft_deletes_it(api, therapist, make_handoff):
    draft = make_handoff("draft")
    client = api(therapist)

    assert client.delete(url("handoff-detail", draft)).status_code == 204
    assert client.get(url("handoff-detail", draft)).status_code == 404
    assert not Handoff.objects.exists()


def test_a_sent_handoff_cannot_be_edited_or_discarded(api, therapist, make_handoff):
    handoff = make_handoff("sent")
    client = api(therapist)

    response = client.patch(url("handoff-detail", handoff), {"packet": {}}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert client.delete(url("handoff-detail", handoff)).status_code == 409
    assert Handoff.objects.get(pk=handoff.pk).status == "sent"


# --- Sending -----------------------------------------------------------------------------------


def test_an_incomplete_draft_without_consent_is_refused_with_every_reason(
    api, therapist, trainer, patient_record
):
    client = api(therapist)
    draft = create(client, patient_record, trainer, {"program": []}).json()

    response = client.post(url("handoff-send", draft["id"]))

    assert response.status_code == 409
    body = response.json()
    assert [r["code"] for r in body["reasons"]] == ["packet_incomplete", "consent_required"]
    assert body["code"] == "packet_incomplete"
    assert Handoff.objects.get().status == "draft"


def test_sending_answers_with_the_sent_handoff(api, therapist, make_handoff):
    draft = make_handoff("draft")

    body = api(therapist).post(url("handoff-send", draft)).json()

    assert body["status"] == "sent"
    assert body["sent_at"] is not None and body["respond_by"] is not None
    assert body["consent"]["state"] == "active"


# --- The trainer's answer, and after ----------------------------------------------------------


def test_declining_records_the_reason_and_the_trainer_loses_the_handoff(api, trainer, make_handoff):
    handoff = make_handoff("sent")
    client = api(trainer)

    body = client.post(
        url("handoff-decline", handoff), {"reason": "Fully booked"}, format="json"
    ).json()

    assert body["status"] == "declined"
    assert body["events"][-1]["note"] == "Fully booked"
    assert client.get(url("handoff-detail", handoff)).status_code == 404


def test_reassigning_makes_a_linked_draft_once(api, therapist, trainer2, make_handoff):
    declined = make_handoff("declined")
    client = api(therapist)

    response = client.post(
        url("handoff-reassign", declined), {"trainer": trainer2.pk}, format="json"
    )

    assert response.status_code == 201
    successor = response.json()
    assert successor["status"] == "draft"
    assert successor["trainer"]["id"] == trainer2.pk
    assert successor["reassigned_from"] == declined.pk
    assert client.get(url("handoff-detail", declined)).json()["reassigned_to"] == successor["id"]
    again = client.post(url("handoff-reassign", declined), {"trainer": trainer2.pk}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_reassigned"


def test_reassigning_to_the_same_trainer_is_refused(api, therapist, trainer, make_handoff):
    declined = make_handoff("declined")

    response = api(therapist).post(
        url("handoff-reassign", declined), {"trainer": trainer.pk}, format="json"
    )

    assert response.status_code == 400
    assert "trainer" in response.json()
    assert Handoff.objects.count() == 1


def test_a_patient_refers_back_and_the_therapist_resumes(api, patient, therapist, make_handoff):
    handoff = make_handoff("accepted")

    referred = api(patient).post(
        url("handoff-refer-back", handoff),
        {"reason": "Knee swelled after squats", "symptoms": ["swelling"]},
        format="json",
    )
    assert referred.json()["status"] == "referred_back"
    resumed = api(therapist).post(
        url("handoff-resume", handoff), {"note": "Reviewed"}, format="json"
    )
    assert resumed.json()["status"] == "accepted"
    assert resumed.json()["events"][-1]["action"] == "resumed"


def test_the_trainer_completes_with_a_final_report(api, trainer, make_handoff):
    handoff = make_handoff("accepted")
    report = {"sessions_attended": 24, "progress": "All goals met", "symptoms": [], "note": ""}

    response = api(trainer).post(
        url("handoff-complete", handoff), {"final_report": report}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    handoff.refresh_from_db()
    assert handoff.final_report.sessions_attended == 24


def test_the_therapist_completes_without_a_report(api, therapist, make_handoff):
    handoff = make_handoff("referred_back")

    response = api(therapist).post(url("handoff-complete", handoff), {}, format="json")

    assert response.json()["status"] == "completed"


def test_withdrawing_an_open_handoff(api, therapist, trainer, make_handoff):
    handoff = make_handoff("accepted")

    body = (
        api(therapist)
        .post(url("handoff-withdraw", handoff), {"reason": "Patient moved"}, format="json")
        .json()
    )

    assert body["status"] == "withdrawn"
    assert api(trainer).get(url("handoff-detail", handoff)).status_code == 404


def test_an_illegal_transition_is_a_409_with_a_sentence(api, trainer, make_handoff):
    handoff = make_handoff("accepted")

    response = api(trainer).post(url("handoff-accept", handoff))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This handoff was already accepted.",
        "code": "invalid_transition",
    }


def test_a_trainer_who_moved_gyms_loses_the_old_gyms_packets(make_handoff, trainer, peak, api):
    handoff = make_handoff("accepted")
    GymMembership.objects.filter(user=trainer).update(gym=peak)
    trainer = type(trainer).objects.get(pk=trainer.pk)  # as the next request would load them
    assert api(trainer).get(f"/api/v1/handoffs/{handoff.pk}/").status_code == 404
    with pytest.raises(Forbidden):
        services.complete_handoff(
            handoff, by=trainer, final_report={"sessions_attended": 1, "progress": "x"}
        )
