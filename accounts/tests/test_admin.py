"""The operator's admin for users, API tokens and invitations."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from accounts.models import ApiToken, Invitation, User
from accounts.services import invite_user, issue_token
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@baton.test", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


def test_user_admin_searches_by_email_and_name(admin_client, therapist, trainer):
    by_email = admin_client.get("/admin/accounts/user/", {"q": "riverside"}).content.decode()
    by_name = admin_client.get("/admin/accounts/user/", {"q": "Terry"}).content.decode()

    assert therapist.email in by_email and trainer.email not in by_email
    assert trainer.email in by_name and therapist.email not in by_name


def test_user_admin_never_shows_the_password_hash(admin_client, therapist):
    html = admin_client.get(f"/admin/accounts/user/{therapist.pk}/change/").content.decode()

    assert therapist.email in html
    _, _, salt_and_hash = therapist.password.partition("$")
    assert salt_and_hash[:6] not in html  # Django's own UserAdmin shows six characters
    assert 'name="password"' not in html


def test_user_admin_cannot_flip_is_active_directly(admin_client, therapist):
    html = admin_client.get(f"/admin/accounts/user/{therapist.pk}/change/").content.decode()

    assert 'name="is_active"' not in html


def test_deactivate_action_shuts_the_users_out(admin_client, client, trainer):
    issue_token(trainer)
    other_browser = type(client)()
    other_browser.force_login(trainer)

    admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_selected", "_selected_action": [trainer.pk]},
    )

    trainer.refresh_from_db()
    assert not trainer.is_active
    assert not ApiToken.objects.filter(user=trainer).exists()
    assert not other_browser.get("/").wsgi_request.user.is_authenticated
    assert Session.objects.count() == 1  # the operator's own


def test_user_added_in_the_admin_cannot_log_in_until_invited(admin_client):
    admin_client.post(
        "/admin/accounts/user/add/", {"email": "Added@Example.test", "name": "Added Person"}
    )

    user = User.objects.get(email="added@example.test")
    assert not user.has_usable_password()


def test_token_admin_shows_only_a_digest_prefix(admin_client, trainer):
    issue_token(trainer)
    token = ApiToken.objects.get(user=trainer)

    html = admin_client.get("/admin/accounts/apitoken/").content.decode()
    detail = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    assert token.digest[:8] in html
    assert token.digest not in html and token.digest not in detail
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_invitation_admin_revokes_selected_invitations(admin_client, therapist):
    _, invitation = invite_user(
        email="new@example.test", name="New", purpose="patient", invited_by=therapist
    )

    admin_client.post(
        "/admin/accounts/invitation/",
        {"action": "revoke_selected", "_selected_action": [str(invitation.pk)]},
    )

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_invitation_admin_is_read_only(admin_client, therapist):
    _, invitation = invite_user(
        email="new@example.test", name="New", purpose="patient", invited_by=therapist
    )

    html = admin_client.get(f"/admin/accounts/invitation/{invitation.pk}/change/").content.decode()

    assert 'name="expires_at' not in html
    assert admin_client.get("/admin/accounts/invitation/add/").status_code == 403
    assert Invitation.objects.count() == 1
