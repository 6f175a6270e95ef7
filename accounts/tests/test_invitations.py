"""Invitations: a signed, expiring, single-use link to set a password."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.errors import InvitationUnusable
from accounts.models import Invitation, User
from accounts.selectors import invitation_from_token, invitation_token
from accounts.services import accept_invitation, invite_user, revoke_invitation
from accounts.tests.factories import PASSWORD
from core.errors import Conflict
from notifications.kinds import Kind
from notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db

NEW_EMAIL = "casey.new@example.test"
NEW_PASSWORD = "a-long-and-fresh-passphrase"


@pytest.fixture
def invited(therapist):
    """A patient invited by the Riverside therapist: (user, invitation, token)."""
    user, invitation = invite_user(
        email=NEW_EMAIL, name="Casey New", purpose="patient", invited_by=therapist
    )
    return user, invitation, invitation_token(invitation)


def accept_url(token: str) -> str:
    return f"/accounts/invitation/{token}/"


def test_invite_makes_an_active_user_who_cannot_log_in_yet(invited, token_login):
    user, invitation, _ = invited

    assert user.is_active
    assert not user.has_usable_password()
    assert invitation.expires_at > timezone.now()
    assert token_login(NEW_EMAIL, "").status_code == 400


def test_invite_normalises_the_email(therapist):
    user, _ = invite_user(
        email=" Casey.NEW@Example.test ", name="Casey", purpose="patient", invited_by=therapist
    )

    assert user.email == NEW_EMAIL


def test_invite_notifies_the_user_with_a_link_to_accept(invited):
    user, invitation, _ = invited

    notification = Notification.objects.get(recipient=user)
    assert notification.kind == Kind.INVITATION
    assert notification.title == "You're invited to Baton"
    # A patient's link opens the portal's welcome page (registered by the portal app).
    assert notification.link.startswith("/my/welcome/")
    token = notification.link.removeprefix("/my/welcome/").rstrip("/")
    assert invitation_from_token(token) == invitation
    assert Delivery.objects.filter(notification=notification).exists()


def test_invite_refuses_someone_who_already_has_an_account(therapist, trainer):
    with pytest.raises(Conflict, match="already has a Baton account"):
        invite_user(email=trainer.email, name="", purpose="staff", invited_by=therapist)

    assert not Invitation.objects.filter(user=trainer).exists()


def test_new_invitation_revokes_the_earlier_one(invited, therapist):
    user, first, first_token = invited

    _, second = invite_user(email=NEW_EMAIL, name="", purpose="patient", invited_by=therapist)

    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(InvitationUnusable):
        accept_invitation(first_token, password=NEW_PASSWORD)
    assert accept_invitation(invitation_token(second), password=NEW_PASSWORD) == user


def test_accepting_sets_the_password_and_the_user_can_log_in(invited, token_login):
    user, invitation, token = invited

    accept_invitation(token, password=NEW_PASSWORD, name="Casey Morgan")

    user.refresh_from_db()
    invitation.refresh_from_db()
    assert user.name == "Casey Morgan"
    assert invitation.used_at is not None
    assert token_login(NEW_EMAIL, NEW_PASSWORD).status_code == 200


def test_link_works_once(invited):
    _, _, token = invited
    accept_invitation(token, password=NEW_PASSWORD)

    with pytest.raises(InvitationUnusable) as refused:
        accept_invitation(token, password="another-long-passphrase")

    assert refused.value.code == "invitation_used"


def test_second_of_two_concurrent_accepts_changes_nothing(invited, monkeypatch):
    """Both requests passed the checks before either wrote: only one UPDATE may win."""
    user, _, token = invited
    seen_before_the_first_commit = invitation_from_token(token)
    accept_invitation(token, password=NEW_PASSWORD)
    monkeypatch.setattr(services, "invitation_from_token", lambda _: seen_before_the_first_commit)

    with pytest.raises(InvitationUnusable):
        accept_invitation(token, password="the-loser-passphrase")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_link_older_than_its_lifetime_is_refused(invited, settings):
    _, _, token = invited

    later = timezone.now() + settings.INVITATION_TTL + timedelta(seconds=1)
    with time_machine.travel(later), pytest.raises(InvitationUnusable) as refused:
        accept_invitation(token, password=NEW_PASSWORD)

    assert refused.value.code == "invitation_expired"


def test_invitation_expired_in_the_database_is_refused(invited):
    _, invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(InvitationUnusable) as refused:
        accept_invitation(token, password=NEW_PASSWORD)

    assert refused.value.code == "invitation_expired"


def test_revoked_invitation_is_refused(invited, therapist):
    user, invitation, token = invited

    revoke_invitation(invitation, by=therapist)

    with pytest.raises(InvitationUnusable) as refused:
        accept_invitation(token, password=NEW_PASSWORD)
    assert refused.value.code == "invitation_revoked"
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_revoking_an_accepted_invitation_is_a_conflict(invited, therapist):
    _, invitation, token = invited
    accept_invitation(token, password=NEW_PASSWORD)

    with pytest.raises(Conflict):
        revoke_invitation(invitation, by=therapist)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], signing.b64_encode(b'"x"').decode()),
        lambda token: "",
    ],
    ids=["signature", "payload", "empty"],
)
def test_tampered_link_is_refused(invited, tamper):
    _, _, token = invited

    with pytest.raises(InvitationUnusable) as refused:
        accept_invitation(tamper(token), password=NEW_PASSWORD)

    assert refused.value.code == "invitation_invalid"


def test_id_signed_for_another_purpose_is_refused(invited):
    _, invitation, _ = invited
    other_salt = signing.dumps(str(invitation.id))

    with pytest.raises(InvitationUnusable):
        accept_invitation(other_salt, password=NEW_PASSWORD)


def test_weak_password_is_refused_and_the_link_stays_usable(invited):
    _, invitation, token = invited

    with pytest.raises(ValidationError):
        accept_invitation(token, password="12345678")

    invitation.refresh_from_db()
    assert invitation.used_at is None


# --- The page ---------------------------------------------------------------------------------


def test_page_shows_the_set_password_form(invited, client):
    _, _, token = invited

    response = client.get(accept_url(token))

    assert response.status_code == 200
    html = response.content.decode()
    assert NEW_EMAIL in html
    assert 'name="password1"' in html and '<button type="submit"' in html


def test_page_sets_the_password_and_sends_to_login(invited, client):
    user, _, token = invited

    response = client.post(
        accept_url(token),
        {"name": "Casey New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_page_refuses_passwords_that_differ(invited, client):
    user, _, token = invited

    response = client.post(
        accept_url(token), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )

    assert response.status_code == 200
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_page_answers_410_for_a_used_link(invited, client):
    _, _, token = invited
    accept_invitation(token, password=NEW_PASSWORD)

    response = client.get(accept_url(token))

    assert response.status_code == 410
    assert "already used" in response.content.decode()


def test_page_answers_410_for_a_revoked_link(invited, therapist, client):
    _, invitation, token = invited
    revoke_invitation(invitation, by=therapist)

    response = client.post(accept_url(token), {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_page_answers_410_for_a_tampered_link(invited, client):
    _, _, token = invited

    response = client.get(accept_url(token[:-2] + "xx"))

    assert response.status_code == 410
    assert "not valid" in response.content.decode()
