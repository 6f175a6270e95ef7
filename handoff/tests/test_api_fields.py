"""Field allow-lists: each role's handoff has exactly its own fields (design §4).

A trainer never receives the patient's date of birth or the clinic's private notes, anywhere
in any response; the patient never receives the private notes, nor anything of another
patient's.
"""

from __future__ import annotations

import datetime
import json
import smtplib

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend

from clinics.tests.factories import PatientFactory
from exercises.models import Exercise
from handoff import services
from handoff.tests import builders
from notifications import delivery as ledger
from notifications.models import Delivery

from .test_api_support import packet_body, url

pytestmark = pytest.mark.django_db

DATE_OF_BIRTH = datetime.date(1984, 7, 14)
PRIVATE_NOTES = "Anxious about re-injury; discuss before any progression."

COMMON = {
    "id",
    "status",
    "patient",
    "therapist",
    "trainer",
    "created_at",
    "sent_at",
    "respond_by",
    "current_version",
    "acknowledged_version",
    "consent",
    "events",
    "reassigned_from",
    "reassigned_to",
}
HANDOFF_KEYS = {
    "therapist": COMMON | {"delivery_problems", "final_report"},
    "trainer": COMMON | {"delivery_problems", "final_report"},
    "patient": COMMON,
}
CONTACT = {"id", "first_name", "last_name", "name", "email", "phone", "preferred_contact"}
PATIENT_KEYS = {
    "therapist": CONTACT | {"emergency_contact", "date_of_birth", "private_notes"},
    "trainer": CONTACT | {"emergency_contact"},
    "patient": CONTACT | {"emergency_contact", "date_of_birth"},
}
PACKET_KEYS = {
    "number",
    "created_at",
    "created_by",
    "change_note",
    "clearance",
    "program",
    "restrictions",
    "red_flags",
    "pain_ceiling",
    "conflicts",  # the safety checker's answer (issue 12)
    "unchecked",
    "overrides",
}
CLEARANCE_KEYS = {
    "cleared_on",
    "level",
    "condition",
    "surgery_date",
    "discharge_reason",
    "visits_completed",
    "goals_met",
    "goals_open",
    "can_do_now",
    "goals",
    "notes_for_trainer",
}
PROGRAM_ITEM_KEYS = {
    "exercise",
    "name",
    "instructions",
    "sets",
    "reps",
    "hold_seconds",
    "load",
    "load_value",
    "load_unit",
    "per_week",
    "cues",
    "progression",
    "order",
}
RESTRICTION_KEYS = {
    "kind",
    "body_region",
    "pattern",
    "limit_value",
    "limit_unit",
    "text",
    "review_on",
}
EVENT_KEYS = {"at", "actor", "action", "from_status", "to_status", "note"}


@pytest.fixture
def handoff(make_handoff, patient_record):
    patient_record.date_of_birth = DATE_OF_BIRTH
    patient_record.private_notes = PRIVATE_NOTES
    patient_record.save()
    return make_handoff("accepted")


@pytest.mark.parametrize("role", ["therapist", "trainer", "patient"])
def test_each_role_gets_exactly_its_own_fields(api, request, handoff, role):
    body = api(request.getfixturevalue(role)).get(url("handoff-detail", handoff)).json()

    assert set(body) == HANDOFF_KEYS[role]
    assert set(body["patient"]) == PATIENT_KEYS[role]
    assert set(body["therapist"]) == {"id", "name", "email"}
    assert set(body["trainer"]) == {"id", "name", "email", "gym"}
    assert set(body["trainer"]["gym"]) == {"id", "name"}
    assert body["consent"] == {"state": "active", "expires_on": body["consent"]["expires_on"]}
    packet = body["current_version"]
    assert set(packet) == PACKET_KEYS
    assert set(packet["created_by"]) == {"id", "name"}
    assert set(packet["clearance"]) == CLEARANCE_KEYS
    assert all(set(item) == PROGRAM_ITEM_KEYS for item in packet["program"])
    assert all(set(r) == RESTRICTION_KEYS for r in packet["restrictions"])
    assert all(set(e) == EVENT_KEYS for e in body["events"])


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("trainer", "handoff-detail"),
        ("trainer", "handoff-list"),
        ("trainer", "handoff-versions"),
        ("trainer", "handoff-sessions"),
        ("trainer", "handoff-check-ins"),
        ("trainer", "handoff-messages"),
        ("patient", "handoff-detail"),
        ("patient", "handoff-list"),
        ("patient", "handoff-consent"),
    ],
)
def test_date_of_birth_and_private_notes_never_leave_for_the_wrong_role(
    api, request, handoff, role, path
):
    target = None if path == "handoff-list" else handoff
    response = api(request.getfixturevalue(role)).get(url(path, target))

    assert response.status_code == 200
    text = response.content.decode()
    assert PRIVATE_NOTES not in text and "private_notes" not in text
    if role == "trainer":
        assert DATE_OF_BIRTH.isoformat() not in text and "date_of_birth" not in text


def test_the_trainer_gets_the_trainer_shape_from_actions_too(api, make_handoff, trainer):
    handoff = make_handoff("sent")

    body = api(trainer).post(url("handoff-accept", handoff)).json()

    assert set(body["patient"]) == PATIENT_KEYS["trainer"]


def test_the_therapist_sees_the_patients_private_notes(api, therapist, handoff):
    patient = api(therapist).get(url("handoff-detail", handoff)).json()["patient"]

    assert patient["private_notes"] == PRIVATE_NOTES
    assert patient["date_of_birth"] == DATE_OF_BIRTH.isoformat()


def test_a_patient_sees_nothing_of_another_patients_handoff(
    api, therapist, trainer, other_patient, other_patient_record, handoff
):
    theirs = builders.accepted(
        therapist=therapist, patient_record=other_patient_record, trainer=trainer
    )
    client = api(other_patient)

    listed = client.get(url("handoff-list")).json()["results"]
    assert [row["id"] for row in listed] == [theirs.pk]
    for name in ("handoff-detail", "handoff-versions", "handoff-sessions", "handoff-consent"):
        assert client.get(url(name, handoff)).status_code == 404, name
    assert "Alex" not in client.get(url("handoff-list")).content.decode()


def test_a_draft_without_clearance_has_a_null_clearance_and_an_empty_program(
    api, therapist, trainer, patient_record
):
    response = api(therapist).post(
        url("handoff-list"),
        {"patient": patient_record.pk, "trainer": trainer.pk, "packet": {}},
        format="json",
    )

    assert response.status_code == 201
    packet = response.json()["current_version"]
    assert packet["clearance"] is None
    assert packet["program"] == [] and packet["restrictions"] == [] and packet["red_flags"] == []
    assert packet["pain_ceiling"] == 5


def test_program_items_carry_the_library_instructions_and_empty_codes_are_null(
    api, therapist, trainer, patient_record
):
    exercise = Exercise.objects.order_by("pk").first()
    program = [
        {"exercise": exercise.pk, "sets": 3, "reps": 8, "per_week": 2},
        {"name": "Walk", "sets": 1, "hold_seconds": 600, "per_week": 5},
    ]
    restrictions = [{"kind": "other", "text": "Walk on flat ground only"}]
    body = packet_body(program=program, restrictions=restrictions)

    response = api(therapist).post(
        url("handoff-list"),
        {"patient": patient_record.pk, "trainer": trainer.pk, "packet": body},
        format="json",
    )

    packet = response.json()["current_version"]
    first, second = packet["program"]
    assert (first["name"], first["instructions"]) == (exercise.name, exercise.instructions)
    assert (second["exercise"], second["instructions"], second["order"]) == (None, "", 2)
    assert packet["restrictions"] == [
        {
            "kind": "other",
            "body_region": None,
            "pattern": None,
            "limit_value": None,
            "limit_unit": None,
            "text": "Walk on flat ground only",
            "review_on": None,
        }
    ]


def test_the_consent_state_follows_revocation(api, therapist, patient, make_handoff):
    handoff = make_handoff("accepted")
    services.revoke_consent(handoff, by=patient)

    body = api(therapist).get(url("handoff-detail", handoff)).json()

    assert body["consent"]["state"] == "revoked"
    assert body["status"] == "revoked"


def test_a_consent_past_its_expiry_reads_expired_before_the_sweep_runs(
    api, therapist, make_handoff
):
    handoff = make_handoff("accepted")
    expires_on = handoff.patient.consents.get().expires_on

    with time_machine.travel(expires_on + datetime.timedelta(days=2)):
        body = api(therapist).get(url("handoff-detail", handoff)).json()

    assert body["consent"] == {"state": "expired", "expires_on": expires_on.isoformat()}


class RejectingBackend(EmailBackend):
    """A mail server that refuses every recipient for good (550)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.test": (550, b"5.1.1 No such user")})


def test_staff_see_failed_emails_on_the_handoff_and_the_patient_does_not(
    api, settings, therapist, trainer, patient, make_handoff
):
    settings.EMAIL_BACKEND = f"{__name__}.RejectingBackend"
    handoff = make_handoff("sent")
    to_trainer = Delivery.objects.get(
        notification__recipient=trainer, notification__subject_id=handoff.pk
    )
    assert ledger.send_delivery(to_trainer.pk) == ledger.FAILED

    for user in (therapist, trainer):
        problems = api(user).get(url("handoff-detail", handoff)).json()["delivery_problems"]
        assert problems == [
            {
                "recipient": {"id": trainer.pk, "name": trainer.name},
                "kind": "handoff_sent",
                "failed_at": problems[0]["failed_at"],
            }
        ]
    assert "delivery_problems" not in api(patient).get(url("handoff-detail", handoff)).json()


def test_another_clinics_patient_is_not_a_valid_patient_id(api, therapist, trainer, summit):
    stranger = PatientFactory(clinic=summit)

    response = api(therapist).post(
        url("handoff-list"),
        {"patient": stranger.pk, "trainer": trainer.pk, "packet": {}},
        format="json",
    )

    assert response.status_code == 400
    assert "patient" in response.json()
    assert json.dumps(response.json()).find(stranger.last_name) == -1


def test_the_trainer_does_not_see_failed_emails_to_the_patient(
    api, settings, trainer, patient, make_handoff
):
    settings.EMAIL_BACKEND = f"{__name__}.RejectingBackend"
    handoff = make_handoff("sent")
    to_patient = Delivery.objects.get(
        notification__recipient=patient, notification__subject_id=handoff.pk
    )
    assert ledger.send_delivery(to_patient.pk) == ledger.FAILED
    assert api(trainer).get(url("handoff-detail", handoff)).json()["delivery_problems"] == []


def test_the_therapist_reads_the_trainers_final_report(
    api, therapist, trainer, patient, make_handoff
):
    from handoff import services

    handoff = services.complete_handoff(
        make_handoff("accepted"),
        by=trainer,
        final_report={"sessions_attended": 12, "progress": "Single-leg squat to 60 cm box"},
    )
    report = api(therapist).get(url("handoff-detail", handoff)).json()["final_report"]
    assert report["sessions_attended"] == 12 and report["author"]["id"] == trainer.pk
    assert "final_report" not in api(patient).get(url("handoff-detail", handoff)).json()
