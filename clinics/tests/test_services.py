"""Clinic services: who may change patients and staff, and what they refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Invitation, User
from clinics.models import ClinicMembership, Patient
from clinics.services import create_patient, invite_clinic_staff, update_patient
from clinics.tests.factories import PatientFactory
from core.errors import Conflict, Forbidden
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_trainer_cannot_create_a_patient(trainer, riverside):
    with pytest.raises(Forbidden):
        create_patient(clinic=riverside, by=trainer, first_name="A", last_name="B")

    assert not Patient.objects.exists()


def test_therapist_cannot_create_a_patient_at_another_clinic(other_therapist, riverside):
    with pytest.raises(Forbidden, match="Riverside"):
        create_patient(clinic=riverside, by=other_therapist, first_name="A", last_name="B")


def test_therapist_at_another_clinic_cannot_update_a_patient(other_therapist, patient_record):
    with pytest.raises(Forbidden):
        update_patient(patient_record, by=other_therapist, phone="1")


def test_unknown_patient_field_is_a_programming_error(therapist, riverside):
    with pytest.raises(TypeError, match="clinic_id"):
        create_patient(clinic=riverside, by=therapist, first_name="A", last_name="B", clinic_id=9)


def test_clinic_admin_invites_a_therapist(clinic_admin, riverside):
    membership = invite_clinic_staff(
        riverside,
        email="New.PT@Riverside.Example",
        name="Noa Park",
        role="therapist",
        licence_number="PT-1234",
        credential="DPT",
        by=clinic_admin,
    )

    assert membership.clinic == riverside
    assert membership.user.email == "new.pt@riverside.example"
    assert not membership.user.has_usable_password()
    assert Invitation.objects.get(user=membership.user).purpose == "staff"
    preference = membership.user.notification_preference
    assert preference.time_zone == "America/New_York"
    assert preference.quiet_start is None  # staff get no quiet hours by default


def test_invited_admin_always_has_admin_rights(clinic_admin, riverside):
    membership = invite_clinic_staff(
        riverside, email="a2@riverside.example", name="Ari", role="admin", by=clinic_admin
    )

    assert membership.is_admin is True


def test_therapist_who_is_not_admin_cannot_invite_staff(therapist, riverside):
    with pytest.raises(Forbidden):
        invite_clinic_staff(riverside, email="x@r.example", name="X", role="admin", by=therapist)

    assert not User.objects.filter(email="x@r.example").exists()


def test_admin_of_another_clinic_cannot_invite_staff(clinic_admin, summit):
    with pytest.raises(Forbidden):
        invite_clinic_staff(summit, email="x@s.example", name="X", role="admin", by=clinic_admin)


def test_therapist_invitation_needs_a_licence_number(clinic_admin, riverside):
    with pytest.raises(ValidationError) as error:
        invite_clinic_staff(
            riverside, email="x@r.example", name="X", role="therapist", by=clinic_admin
        )

    assert "licence_number" in error.value.message_dict
    assert not User.objects.filter(email="x@r.example").exists()


# (This clinic's own patients are refused in words: see the next test.)
@pytest.mark.parametrize("persona", ["trainer", "other_therapist", "outsider"])
def test_an_email_that_already_has_a_login_is_not_invited_and_its_holder_is_told(
    request, clinic_admin, riverside, persona, django_capture_on_commit_callbacks
):
    holder = request.getfixturevalue(persona)

    with django_capture_on_commit_callbacks(execute=False):
        result = invite_clinic_staff(
            riverside, email=holder.email, name="X", role="admin", by=clinic_admin
        )

    assert result is None  # the caller answers as for anyone else
    assert ClinicMembership.objects.filter(user__email=holder.email, clinic=riverside).count() == 0
    notice = Notification.objects.get(recipient=holder)
    assert notice.title == "Someone tried to invite you to Baton"
    assert not Invitation.objects.filter(user=holder).exists()


def test_an_email_of_one_of_the_clinics_patients_is_refused(clinic_admin, riverside):
    PatientFactory(clinic=riverside, email="robin@mail.example")

    with pytest.raises(Conflict):
        invite_clinic_staff(
            riverside, email="robin@mail.example", name="R", role="admin", by=clinic_admin
        )
