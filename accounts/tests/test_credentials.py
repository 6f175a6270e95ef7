"""Tokens the owner controls: DELETE auth/token/, the token page, and a password change that
ends the other sessions and tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.services import issue_token
from accounts.tests.conftest import TOKEN_URL
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase"


def me(api, key: str) -> int:
    return api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_delete_auth_token_revokes_the_presented_token_only(api, therapist):
    key, other_key = issue_token(therapist), issue_token(therapist)

    response = api().delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 204
    assert me(api, key) == 401
    assert me(api, other_key) == 200


def test_delete_auth_token_without_a_token_is_401(api, therapist):
    assert api().delete(TOKEN_URL).status_code == 401
    assert api().delete(TOKEN_URL, HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_token_page_lists_only_ones_own_tokens(client, therapist, trainer):
    issue_token(therapist)
    issue_token(trainer)
    client.force_login(therapist)

    response = client.get("/accounts/tokens/")

    assert response.status_code == 200
    assert [t.user_id for t in response.context["tokens"]] == [therapist.pk]


def test_token_page_revokes_ones_own_token(client, api, therapist):
    key = issue_token(therapist)
    client.force_login(therapist)
    token = ApiToken.objects.get(user=therapist)

    client.post("/accounts/tokens/revoke/", {"token": token.pk})

    assert me(api, key) == 401


def test_token_page_cannot_revoke_someone_elses_token(client, api, therapist, trainer):
    key = issue_token(trainer)
    client.force_login(therapist)

    client.post("/accounts/tokens/revoke/", {"token": ApiToken.objects.get(user=trainer).pk})

    assert me(api, key) == 200


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_one(api, therapist):
    key = issue_token(therapist)
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post("/accounts/login/", {"email": therapist.email, "password": PASSWORD})
        assert browser.get("/api/v1/me/").status_code == 200

    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert here.get("/api/v1/me/").status_code == 200
    assert elsewhere.get("/api/v1/me/").status_code in (401, 403)
    assert me(api, key) == 401
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)


def test_password_change_needs_the_old_password(client, therapist):
    client.force_login(therapist)

    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)
