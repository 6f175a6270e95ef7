"""Deactivating a user shuts them out at once: sessions, tokens, invitations."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from accounts.authentication import TokenAuthentication
from accounts.models import ApiToken, Invitation
from accounts.services import deactivate_user, invite_user, issue_token
from accounts.tests.factories import PASSWORD
from core.errors import Conflict

pytestmark = pytest.mark.django_db


def sessions_of(user) -> list[Session]:
    return [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def token_request(key: str):
    return APIRequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_deactivation_deletes_the_users_sessions_and_logs_them_out(
    trainer, clinic_admin, page_login, client
):
    page_login(trainer.email, PASSWORD)
    second_browser = Client()
    second_browser.force_login(trainer)
    assert len(sessions_of(trainer)) == 2

    deactivate_user(trainer, by=clinic_admin)

    assert sessions_of(trainer) == []
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert not second_browser.get("/").wsgi_request.user.is_authenticated


def test_deactivation_leaves_other_users_sessions_alone(trainer, trainer2, clinic_admin, client):
    client.force_login(trainer2)

    deactivate_user(trainer, by=clinic_admin)

    assert len(sessions_of(trainer2)) == 1
    assert client.get("/").wsgi_request.user == trainer2


def test_deactivated_users_token_answers_401(trainer, clinic_admin):
    key = issue_token(trainer)
    user, _ = TokenAuthentication().authenticate(token_request(key))
    assert user == trainer

    deactivate_user(trainer, by=clinic_admin)

    assert not ApiToken.objects.filter(user=trainer).exists()
    with pytest.raises(AuthenticationFailed) as failure:
        TokenAuthentication().authenticate(token_request(key))
    assert failure.value.status_code == 401


def test_deactivated_user_cannot_log_in_again(trainer, clinic_admin, token_login):
    deactivate_user(trainer, by=clinic_admin)

    assert token_login(trainer.email, PASSWORD).status_code == 400


def test_deactivation_revokes_open_invitations(db, clinic_admin):
    user, invitation = invite_user(
        email="new.trainer@example.test", name="New", purpose="staff", invited_by=clinic_admin
    )

    deactivate_user(user, by=clinic_admin)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not Invitation.objects.filter(user=user, revoked_at__isnull=True).exists()


def test_nobody_can_deactivate_their_own_account(clinic_admin):
    with pytest.raises(Conflict):
        deactivate_user(clinic_admin, by=clinic_admin)

    clinic_admin.refresh_from_db()
    assert clinic_admin.is_active
