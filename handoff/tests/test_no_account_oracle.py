"""No account oracle on the staff page: inviting an address that already has a login looks
exactly like inviting a new one, and the address's owner is told by email instead."""

from __future__ import annotations

import pytest

from clinics.models import ClinicMembership
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def invite(client, email: str):
    return client.post(
        "/staff/",
        {"email": email, "name": "New Colleague", "role": "admin"},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [
        str(m).replace(m.message.split(" ")[-1], "<email>") for m in response.context["messages"]
    ]


def test_staff_invite_of_an_existing_login_answers_like_a_new_address(
    client, clinic_admin, other_therapist
):
    client.force_login(clinic_admin)

    taken = invite(client, other_therapist.email)
    fresh = invite(client, "brand.new@example.test")

    assert taken.status_code == fresh.status_code == 200
    assert messages_of(taken) == messages_of(fresh)
    assert not ClinicMembership.objects.filter(
        user=other_therapist, clinic__name__startswith="River"
    )
    assert Notification.objects.get(recipient=other_therapist).title == (
        "Someone tried to invite you to Baton"
    )
