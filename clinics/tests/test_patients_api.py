"""patients/, patients/{id}/ and patients/{id}/invite/: scoping, validation, audit, queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Invitation, User
from audit.models import AccessLog
from clinics.models import Patient
from clinics.tests.factories import PatientFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

LIST = "/api/v1/patients/"


def detail(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/"


def invite(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/invite/"


def fresh(user: User) -> User:
    """The same login as a new object: roles are cached on the user for one request's life."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def summit_patient(summit):
    return PatientFactory(clinic=summit, first_name="Quinn", last_name="Hale")


# --- Who may see what ---------------------------------------------------------------------------


def test_anonymous_caller_gets_401(api, patient_record):
    assert api(None).get(LIST).status_code == 401
    assert api(None).get(detail(patient_record)).status_code == 401
    assert api(None).post(invite(patient_record)).status_code == 401


def test_therapist_sees_only_own_clinics_patients_newest_first(
    api, therapist, patient_record, other_patient_record, summit_patient
):
    response = api(therapist).get(LIST)

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [other_patient_record.pk, patient_record.pk]
    assert response.json()["count"] == 2


def test_therapist_at_another_clinic_gets_404_on_a_patient(api, other_therapist, patient_record):
    client = api(other_therapist)

    assert client.get(detail(patient_record)).status_code == 404
    assert client.patch(detail(patient_record), {"phone": "1"}, format="json").status_code == 404
    assert client.post(invite(patient_record)).status_code == 404


@pytest.mark.parametrize("persona", ["trainer", "clinic_admin", "gym_admin", "patient", "outsider"])
def test_non_therapist_gets_403_on_the_patient_list_and_create(api, request, persona):
    user = request.getfixturevalue(persona)

    assert api(user).get(LIST).status_code == 403
    response = api(user).post(LIST, {"first_name": "A", "last_name": "B"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "therapist_only"
    assert not Patient.objects.filter(first_name="A", last_name="B").exists()


@pytest.mark.parametrize("persona", ["trainer", "unpartnered_trainer", "gym_admin", "outsider"])
def test_caller_outside_the_clinic_gets_404_on_a_patient(api, request, persona, patient_record):
    user = request.getfixturevalue(persona)

    assert api(user).get(detail(patient_record)).status_code == 404
    assert api(user).post(invite(patient_record)).status_code == 404


def test_patient_cannot_read_their_record_through_the_staff_api(api, patient, patient_record):
    assert api(patient).get(detail(patient_record)).status_code == 404


def test_clinic_admin_may_see_the_patient_exists_but_gets_403(api, clinic_admin, patient_record):
    response = api(clinic_admin).get(detail(patient_record))

    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_therapist_reads_a_patient_with_private_notes(api, therapist, patient_record):
    patient_record.private_notes = "Prefers morning sessions."
    patient_record.save()

    body = api(therapist).get(detail(patient_record)).json()

    assert body["name"] == "Alex Morgan"
    assert body["private_notes"] == "Prefers morning sessions."
    assert body["has_login"] is True
    assert set(body) == {
        "id",
        "first_name",
        "last_name",
        "name",
        "email",
        "phone",
        "date_of_birth",
        "preferred_contact",
        "emergency_contact",
        "private_notes",
        "has_login",
        "created_at",
        "updated_at",
    }


# --- Create and change ----------------------------------------------------------------------


def test_therapist_creates_a_patient_with_names_only(api, therapist, riverside):
    response = api(therapist).post(
        LIST, {"first_name": "Robin", "last_name": "Shah"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Robin Shah"
    patient = Patient.objects.get(pk=body["id"])
    assert patient.clinic == riverside
    assert patient.created_by == therapist
    assert patient.user is None


def test_therapist_creates_a_patient_with_every_field(api, therapist):
    payload = {
        "first_name": "Robin",
        "last_name": "Shah",
        "email": "Robin.Shah@Mail.Example",
        "phone": "555-0123",
        "date_of_birth": "1980-02-29",
        "preferred_contact": "text",
        "emergency_contact": "Kim Shah, 555-0124",
        "clinic": 999,  # not a request field: ignored, the caller's clinic is used
    }

    response = api(therapist).post(LIST, payload, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "robin.shah@mail.example"
    assert body["date_of_birth"] == "1980-02-29"
    assert body["preferred_contact"] == "text"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_name": "Robin"}, "last_name"),
        ({"first_name": "", "last_name": "Shah"}, "first_name"),
        ({"first_name": "R" * 101, "last_name": "Shah"}, "first_name"),
        ({"first_name": "Robin", "last_name": "Shah", "phone": "5" * 41}, "phone"),
        (
            {"first_name": "Robin", "last_name": "Shah", "preferred_contact": "fax"},
            "preferred_contact",
        ),
        ({"first_name": "Robin", "last_name": "Shah", "email": "not-an-email"}, "email"),
        (
            {"first_name": "Robin", "last_name": "Shah", "date_of_birth": "12/01/1980"},
            "date_of_birth",
        ),
        (
            {"first_name": "Robin", "last_name": "Shah", "date_of_birth": "2999-01-01"},
            "date_of_birth",
        ),
        (
            {"first_name": "Robin", "last_name": "Shah", "date_of_birth": "1850-01-01"},
            "date_of_birth",
        ),
    ],
)
def test_invalid_patient_is_refused_naming_the_field_and_nothing_is_created(
    api, therapist, payload, field
):
    response = api(therapist).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Patient.objects.exists()


def test_date_of_birth_is_checked_against_the_clinics_date_not_utcs(api, therapist):
    # 02:00 UTC on 10 March is still 9 March in New York: the 10th has not come yet there.
    payload = {"first_name": "R", "last_name": "S", "date_of_birth": "2026-03-10"}
    with time_machine.travel(datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)):
        response = api(therapist).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"date_of_birth": ["A date of birth cannot be in the future."]}


def test_body_that_is_not_json_is_a_400(api, therapist):
    response = api(therapist).post(LIST, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert not Patient.objects.exists()


def test_therapist_changes_a_patients_details(api, therapist, patient_record):
    response = api(therapist).patch(
        detail(patient_record), {"phone": "555-0999", "private_notes": "Call first."}, format="json"
    )

    assert response.status_code == 200
    patient_record.refresh_from_db()
    assert patient_record.phone == "555-0999"
    assert patient_record.private_notes == "Call first."
    assert patient_record.first_name == "Alex"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"last_name": ""}, "last_name"),
        ({"emergency_contact": "x" * 301}, "emergency_contact"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"preferred_contact": "pigeon"}, "preferred_contact"),
    ],
)
def test_invalid_change_is_refused_and_changes_nothing(
    api, therapist, patient_record, payload, field
):
    before = Patient.objects.values().get(pk=patient_record.pk)

    response = api(therapist).patch(
        detail(patient_record), {**payload, "phone": "1"}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert Patient.objects.values().get(pk=patient_record.pk) == before


def test_clinic_admin_cannot_change_a_patient(api, clinic_admin, patient_record):
    response = api(clinic_admin).patch(detail(patient_record), {"phone": "1"}, format="json")

    assert response.status_code == 403
    patient_record.refresh_from_db()
    assert patient_record.phone != "1"


# --- Invitations ----------------------------------------------------------------------------


def test_inviting_a_patient_without_email_is_409(api, therapist, riverside):
    patient = PatientFactory(clinic=riverside, email="")

    response = api(therapist).post(invite(patient))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Add the patient's email address first.",
        "code": "email_required",
    }
    assert User.objects.count() == 1


def test_therapist_invites_a_patient_to_the_portal(api, therapist, riverside):
    patient = PatientFactory(clinic=riverside, email="robin@mail.example")

    response = api(therapist).post(invite(patient))

    assert response.status_code == 200
    assert response.json()["has_login"] is True
    patient.refresh_from_db()
    assert patient.user.email == "robin@mail.example"
    assert not patient.user.has_usable_password()
    invitation = Invitation.objects.get(user=patient.user)
    assert invitation.purpose == "patient"
    assert invitation.created_by == therapist
    preference = patient.user.notification_preference
    assert preference.time_zone == "America/New_York"
    assert (preference.quiet_start, preference.quiet_end) == (
        datetime.time(21, 0),
        datetime.time(7, 0),
    )
    assert AccessLog.objects.filter(action="invite", object_id=patient.pk).count() == 1


def test_inviting_again_before_acceptance_sends_a_new_link(api, therapist, riverside):
    patient = PatientFactory(clinic=riverside, email="robin@mail.example")
    api(therapist).post(invite(patient))

    response = api(therapist).post(invite(patient))

    assert response.status_code == 200
    invitations = Invitation.objects.filter(user__email="robin@mail.example")
    assert invitations.count() == 2
    assert invitations.filter(revoked_at__isnull=True).count() == 1


def test_inviting_a_patient_who_has_a_login_is_409(api, therapist, patient_record):
    response = api(therapist).post(invite(patient_record))

    assert response.status_code == 409
    assert response.json()["code"] == "already_invited"


def test_inviting_with_an_email_that_belongs_to_another_login_answers_as_usual(
    api, therapist, riverside, trainer
):
    """No account oracle: the answer is a new patient's; the trainer is told by email."""
    patient = PatientFactory(clinic=riverside, email=trainer.email.upper())
    fresh = PatientFactory(clinic=riverside, email="new.patient@example.test")

    taken = api(therapist).post(invite(patient))
    new = api(therapist).post(invite(fresh))

    assert taken.status_code == new.status_code == 200
    assert set(taken.json()) == set(new.json())
    assert taken.json()["has_login"] is new.json()["has_login"] is True
    assert api(therapist).get(f"/api/v1/patients/{patient.pk}/").json()["has_login"] is True
    patient.refresh_from_db()
    assert patient.user is None
    assert Notification.objects.get(recipient=trainer).title == (
        "Someone tried to invite you to Baton"
    )


# --- Audit and query counts -------------------------------------------------------------------


def test_reading_a_patient_writes_an_access_log_row(api, therapist, patient_record):
    api(therapist).get(detail(patient_record), REMOTE_ADDR="203.0.113.7")

    entry = AccessLog.objects.get()
    assert entry.actor == therapist
    assert (entry.action, entry.object_type, entry.object_id) == (
        "read",
        "patient",
        patient_record.pk,
    )
    assert entry.client_address == "203.0.113.7"


def test_listing_patients_logs_each_patient_on_the_page(api, therapist, riverside):
    patients = PatientFactory.create_batch(3, clinic=riverside)

    api(therapist).get(LIST, {"page_size": 2})

    logged = set(AccessLog.objects.filter(action="list").values_list("object_id", flat=True))
    assert logged == {patients[2].pk, patients[1].pk}


def test_patient_list_costs_the_same_queries_for_1_and_50_patients(
    api, therapist, riverside, django_assert_num_queries
):
    PatientFactory(clinic=riverside)
    with CaptureQueriesContext(connection) as one:
        assert api(fresh(therapist)).get(LIST, {"page_size": 100}).status_code == 200
    PatientFactory.create_batch(49, clinic=riverside)

    with django_assert_num_queries(len(one)):
        response = api(fresh(therapist)).get(LIST, {"page_size": 100})

    assert len(response.json()["results"]) == 50
