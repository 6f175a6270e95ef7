"""An organisation's admin invites colleagues from /staff/; nobody else reaches the page."""

import pytest

from accounts.models import Invitation
from clinics.models import ClinicMembership
from gyms.models import GymMembership
from notifications.kinds import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_clinic_admin_invites_a_therapist(client, clinic_admin, riverside):
    client.force_login(clinic_admin)
    response = client.post(
        "/staff/",
        {
            "email": "New.PT@riverside.test",
            "name": "Nia Park",
            "role": "therapist",
            "licence_number": "PT-1",
            "credential": "DPT",
        },
    )
    assert response.status_code == 302
    membership = ClinicMembership.objects.get(user__email="new.pt@riverside.test")
    assert membership.clinic == riverside and membership.role == "therapist"
    assert not membership.user.has_usable_password()
    assert Invitation.objects.filter(user=membership.user, used_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=membership.user, kind=Kind.INVITATION).exists()
    assert "Nia Park" in client.get("/staff/").content.decode()


def test_a_therapist_without_a_licence_number_is_refused_with_a_form_error(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(
        "/staff/", {"email": "x@riverside.test", "name": "X", "role": "therapist"}
    )
    assert response.status_code == 200
    assert "licence number" in response.content.decode()
    assert not ClinicMembership.objects.filter(user__email="x@riverside.test").exists()


def test_a_gym_admin_invites_a_trainer(client, gym_admin, iron_oak):
    client.force_login(gym_admin)
    response = client.post(
        "/staff/",
        {
            "email": "coach@ironoak.test",
            "name": "Cole",
            "role": "trainer",
            "specialties": ["knee"],
            "capacity": 4,
        },
    )
    assert response.status_code == 302
    membership = GymMembership.objects.get(user__email="coach@ironoak.test")
    assert (
        membership.gym == iron_oak
        and membership.capacity == 4
        and membership.specialties == ["knee"]
    )


def test_an_email_that_already_has_a_login_answers_as_usual_and_joins_nobody(
    client, clinic_admin, trainer
):
    """No account oracle (issue 17): the same redirect as a new address; the holder is told."""
    client.force_login(clinic_admin)
    response = client.post("/staff/", {"email": trainer.email, "name": "T", "role": "admin"})
    assert response.status_code == 302
    assert not ClinicMembership.objects.filter(user=trainer).exists()


@pytest.mark.parametrize("persona", ["therapist", "trainer", "patient", "outsider"])
def test_only_admins_reach_the_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/staff/").status_code == 404


def test_an_address_that_normalises_to_an_invalid_one_is_a_form_error(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(
        "/staff/", {"email": "İnes@example.com", "name": "Ines", "role": "admin"}
    )
    assert response.status_code == 200
    assert not ClinicMembership.objects.filter(user__name="Ines").exists()
