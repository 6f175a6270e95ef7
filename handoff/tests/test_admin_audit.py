"""Operators are audited too: the admin hides a patient's private details, writes the access log
for every page that shows a patient or a handoff, and cannot re-link a patient's login."""

from __future__ import annotations

import datetime

import pytest

from accounts.tests.factories import UserFactory
from audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@baton.test", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def private_patient(patient_record):
    patient_record.date_of_birth = datetime.date(1979, 3, 14)
    patient_record.private_notes = "Anxious about re-injury; spouse drives."
    patient_record.emergency_contact = "Robin Morgan 555-0199"
    patient_record.save()
    return patient_record


def logged(operator, action: str, object_type: str) -> list[int]:
    return list(
        AccessLog.objects.filter(
            actor=operator, action=action, object_type=object_type
        ).values_list("object_id", flat=True)
    )


def test_patient_admin_shows_no_birth_date_private_notes_or_emergency_contact(
    client, operator, private_patient
):
    body = client.get(f"/admin/clinics/patient/{private_patient.pk}/change/").content.decode()

    assert "Morgan" in body
    for secret in ("1979", "re-injury", "Robin Morgan", "555-0199"):
        assert secret not in body
    for field in ("date_of_birth", "private_notes", "emergency_contact"):
        assert f'name="{field}"' not in body


def test_opening_a_patient_in_the_admin_writes_the_access_log(client, operator, patient_record):
    response = client.get(f"/admin/clinics/patient/{patient_record.pk}/change/")

    assert response.status_code == 200
    assert logged(operator, "admin_read", "patient") == [patient_record.pk]


def test_a_patients_history_page_writes_the_access_log(client, operator, patient_record):
    client.get(f"/admin/clinics/patient/{patient_record.pk}/history/")

    assert logged(operator, "admin_read", "patient") == [patient_record.pk]


def test_the_patient_list_in_the_admin_logs_every_patient_shown(
    client, operator, patient_record, other_patient_record
):
    client.get("/admin/clinics/patient/")

    assert sorted(logged(operator, "admin_list", "patient")) == sorted(
        [patient_record.pk, other_patient_record.pk]
    )


def test_opening_a_handoff_in_the_admin_writes_the_access_log(client, operator, make_handoff):
    handoff = make_handoff("sent")

    client.get(f"/admin/handoff/handoff/{handoff.pk}/change/")
    client.get("/admin/handoff/handoff/")

    assert logged(operator, "admin_read", "handoff") == [handoff.pk]
    assert logged(operator, "admin_list", "handoff") == [handoff.pk]


def test_a_missing_patient_id_logs_nothing(client, operator):
    client.get("/admin/clinics/patient/999999/change/")

    assert not AccessLog.objects.exists()


def test_a_patients_login_cannot_be_relinked_in_the_admin(
    client, operator, patient_record, outsider
):
    url = f"/admin/clinics/patient/{patient_record.pk}/change/"
    form = {
        "clinic": patient_record.clinic_id,
        "first_name": "Alex",
        "last_name": "Morgan",
        "email": patient_record.email,
        "phone": "",
        "preferred_contact": "",
        "user": outsider.pk,
    }

    response = client.post(url, form)

    assert response.status_code == 302  # saved, but without the user field
    patient_record.refresh_from_db()
    assert patient_record.user_id != outsider.pk
    assert 'name="user"' not in client.get(url).content.decode()


def test_the_admin_keeps_private_details_when_saving(client, operator, private_patient):
    form = {
        "clinic": private_patient.clinic_id,
        "first_name": "Alex",
        "last_name": "Morgan",
        "email": private_patient.email,
        "phone": "555-0100",
        "preferred_contact": "",
    }

    client.post(f"/admin/clinics/patient/{private_patient.pk}/change/", form)

    private_patient.refresh_from_db()
    assert private_patient.phone == "555-0100"
    assert private_patient.private_notes.startswith("Anxious")
    assert private_patient.date_of_birth == datetime.date(1979, 3, 14)
