"""Getting in: the therapist's invitation link works once, for 7 days, sets a password and
lands the patient on their plan; an expired, used, tampered or revoked link says so, offers to
ask the clinic for a new one, and reveals nothing about the account."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import revoke_invitation
from clinics.services import invite_patient
from clinics.tests.factories import PatientFactory
from handoff.tests import builders
from notifications.models import Notification

NEW_PASSWORD = "a-long-new-password-42"


@pytest.fixture
def invited(riverside, therapist):
    record = PatientFactory(
        clinic=riverside, first_name="Robin", last_name="Hale", email="robin.hale@example.test"
    )
    invite_patient(record, by=therapist)
    record.refresh_from_db()
    return record


def link_of(record) -> str:
    notice = Notification.objects.get(recipient=record.user, kind="invitation")
    return notice.link


def set_password(client, link):
    return client.post(
        link, {"name": "Robin Hale", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_the_invitation_links_to_the_portal_welcome_page(invited):
    assert link_of(invited).startswith("/my/welcome/")


def test_the_link_sets_a_password_and_lands_on_the_plan(client, invited, therapist, trainer):
    handoff = builders.accepted(therapist=therapist, patient_record=invited, trainer=trainer)

    response = set_password(client, link_of(invited))

    assert response.status_code == 302
    final = client.get(response["Location"], follow=True)
    assert final.redirect_chain[-1][0] == f"/my/plans/{handoff.pk}/"
    assert "My plan" in final.content.decode()
    invited.user.refresh_from_db()
    assert invited.user.check_password(NEW_PASSWORD)


def test_the_link_works_once(client, invited):
    link = link_of(invited)
    set_password(client, link)

    again = client.get(link)

    assert again.status_code == 410
    assert "already used" in again.content.decode()


def test_the_link_expires_after_seven_days(client, invited, therapist):
    link = link_of(invited)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = client.get(link)
        posted = set_password(client, link)

    html = response.content.decode()
    assert response.status_code == 410 and posted.status_code == 410
    assert "expired" in html
    assert "Ask my clinic for a new link" in html
    invited.user.refresh_from_db()
    assert not invited.user.has_usable_password()


def test_the_link_still_works_just_before_seven_days(client, invited):
    link = link_of(invited)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        assert client.get(link).status_code == 200


def test_a_tampered_link_is_refused(client, invited):
    link = link_of(invited)
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    response = client.get(tampered)

    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_a_revoked_link_is_refused(client, invited, therapist):
    link = link_of(invited)
    revoke_invitation(Invitation.objects.get(user=invited.user), by=therapist)

    response = client.get(link)

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_new_invitation_revokes_the_old_link(client, invited, therapist):
    old = link_of(invited)
    invite_patient(invited, by=therapist)

    assert client.get(old).status_code == 410


@pytest.mark.parametrize("state", ["expired", "used", "tampered", "revoked"])
def test_an_unusable_link_reveals_nothing_about_the_account(client, invited, therapist, state):
    link = link_of(invited)
    if state == "used":
        set_password(client, link)
        client.logout()
    elif state == "revoked":
        revoke_invitation(Invitation.objects.get(user=invited.user), by=therapist)
    elif state == "tampered":
        link = link[:-3] + "x/"
    travel = datetime.timedelta(days=8 if state == "expired" else 0)
    with time_machine.travel(timezone.now() + travel):
        html = client.get(link).content.decode()

    for secret in ("robin", "hale", "Riverside", therapist.name):
        assert secret.lower() not in html.lower()


def test_asking_for_a_new_link_tells_the_therapist_who_invited_once(client, invited, therapist):
    link = link_of(invited)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        first = client.post(f"{link}new-link/")
        client.post(f"{link}new-link/")

    asked = Notification.objects.filter(recipient=therapist, title__contains="new portal link")
    assert first.status_code == 200
    assert "asked to send you a new invitation" in first.content.decode()
    assert asked.count() == 1
    assert "Robin H." in asked.get().body
    assert asked.get().link == f"/patients/{invited.pk}/"  # the page with the invite button


def test_asking_with_a_tampered_link_gives_the_same_answer_and_tells_nobody(client, invited):
    link = link_of(invited)
    before = Notification.objects.count()

    response = client.post(f"{link[:-3]}x/new-link/")

    assert response.status_code == 200
    assert "asked to send you a new invitation" in response.content.decode()
    assert Notification.objects.count() == before


def test_asking_after_the_password_is_set_tells_nobody(client, invited):
    link = link_of(invited)
    set_password(client, link)
    before = Notification.objects.count()

    response = client.post(f"{link}new-link/")

    assert response.status_code == 200
    assert Notification.objects.count() == before


def test_a_weak_password_keeps_the_link_usable_and_says_why(client, invited):
    link = link_of(invited)

    response = client.post(link, {"name": "", "password1": "123", "password2": "123"})

    assert response.status_code == 400
    assert 'id="id_password1-errors"' in response.content.decode()
    assert client.get(link).status_code == 200
