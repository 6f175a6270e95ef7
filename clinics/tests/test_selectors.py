"""patients_visible_to and clinic_staff: every read scoped to who asks."""

from __future__ import annotations

import pytest

from clinics.selectors import clinic_staff, patients_visible_to
from clinics.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit_patient(summit):
    return PatientFactory(clinic=summit)


def test_therapist_sees_own_clinics_patients_only(
    therapist, patient_record, other_patient_record, summit_patient
):
    assert set(patients_visible_to(therapist)) == {patient_record, other_patient_record}


def test_therapist_at_another_clinic_sees_only_theirs(
    other_therapist, patient_record, summit_patient
):
    assert list(patients_visible_to(other_therapist)) == [summit_patient]


def test_clinic_admin_sees_own_clinics_patients(clinic_admin, patient_record, summit_patient):
    assert list(patients_visible_to(clinic_admin)) == [patient_record]


@pytest.mark.parametrize(
    "persona",
    ["trainer", "unpartnered_trainer", "gym_admin", "patient", "other_patient", "outsider"],
)
def test_nobody_outside_a_clinic_sees_patients(request, persona, patient_record, summit_patient):
    user = request.getfixturevalue(persona)

    assert not patients_visible_to(user).exists()


def test_anonymous_sees_no_patients(patient_record):
    from django.contrib.auth.models import AnonymousUser

    assert not patients_visible_to(AnonymousUser()).exists()


def test_deactivated_therapist_sees_no_patients(therapist, patient_record):
    therapist.is_active = False
    therapist.save()

    assert not patients_visible_to(therapist).exists()


def test_clinic_staff_lists_colleagues_of_the_same_clinic(therapist, clinic_admin, other_therapist):
    assert {m.user for m in clinic_staff(therapist)} == {therapist, clinic_admin}
    assert {m.user for m in clinic_staff(other_therapist)} == {other_therapist}


def test_clinic_staff_is_empty_for_non_members(trainer, outsider, therapist):
    assert not clinic_staff(trainer).exists()
    assert not clinic_staff(outsider).exists()
