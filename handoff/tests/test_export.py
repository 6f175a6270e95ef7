"""The patient's own data: me/export/ and me/export.pdf, and the clinic admin's export of a
patient on request. Each export writes the access log and leaves out the clinic's private notes."""

from __future__ import annotations

import json

import pytest

from audit.models import AccessLog
from handoff.models import Message
from handoff.tests.test_api_support import day, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(api, make_handoff, patient, therapist, trainer, patient_record):
    handoff = make_handoff("accepted")
    patient_record.private_notes = "Clinic-only: anxious about re-injury."
    patient_record.save()
    api(patient).post(
        url("handoff-sessions", handoff),
        {"date": day(), "completed": True, "pain": 2, "note": "Squats felt fine"},
        format="json",
    )
    Message.objects.create(handoff=handoff, author=therapist, body="Well done!", to_patient=True)
    Message.objects.create(handoff=handoff, author=therapist, body="Staff only", to_patient=False)
    api(trainer).get(url("handoff-detail", handoff))  # a read the patient will see accounted
    return handoff


def test_patient_downloads_everything_as_json(api, patient, history, trainer):
    response = api(patient).get("/api/v1/me/export/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["patient"]["first_name"] == "Alex"
    assert [h["id"] for h in data["handoffs"]] == [history.pk]
    assert data["packet_versions"][0]["program"]
    assert data["session_logs"][0]["note"] == "Squats felt fine"
    assert [m["body"] for m in data["messages"]] == ["Well done!"]
    assert data["consents"]
    assert any(
        row["who"] == trainer.name and row["what"] == "handoff" for row in data["access_log"]
    )


def test_the_export_leaves_out_private_notes_and_staff_messages(api, patient, history):
    body = api(patient).get("/api/v1/me/export/").content.decode()

    assert "anxious about re-injury" not in body
    assert "Staff only" not in body


def test_patient_downloads_a_readable_pdf(api, patient, history):
    response = api(patient).get("/api/v1/me/export.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 1000


def test_an_export_writes_the_access_log(api, patient, patient_record, history):
    api(patient).get("/api/v1/me/export/")

    assert AccessLog.objects.filter(
        actor=patient, action="export", object_type="patient", object_id=patient_record.pk
    ).exists()


@pytest.mark.parametrize("persona", ["therapist", "trainer", "clinic_admin", "outsider"])
def test_only_a_patient_has_a_me_export(api, request, persona):
    assert api(request.getfixturevalue(persona)).get("/api/v1/me/export/").status_code == 403


def test_clinic_admin_produces_the_same_export_for_a_patient(
    api, clinic_admin, patient, patient_record, history
):
    own = json.loads(api(patient).get("/api/v1/me/export/").content)
    response = api(clinic_admin).get(f"/api/v1/patients/{patient_record.pk}/export/")

    assert response.status_code == 200
    theirs = json.loads(response.content)
    assert theirs["patient"] == own["patient"]
    assert theirs["session_logs"] == own["session_logs"]
    pdf = api(clinic_admin).get(f"/api/v1/patients/{patient_record.pk}/export.pdf")
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("therapist", 403), ("other_therapist", 404), ("trainer", 404), ("outsider", 404)],
)
def test_who_else_can_export_a_patient(api, request, patient_record, persona, status):
    user = request.getfixturevalue(persona)

    response = api(user).get(f"/api/v1/patients/{patient_record.pk}/export/")

    assert response.status_code == status


def test_anonymous_gets_401(api, patient_record):
    assert api(None).get("/api/v1/me/export/").status_code == 401
