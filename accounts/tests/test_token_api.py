"""POST /api/v1/auth/token/: email and password in, a token out (docs/api.md "Conventions")."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from accounts.authentication import TokenAuthentication, token_digest
from accounts.models import ApiToken
from accounts.tests.conftest import TOKEN_URL
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def authenticate_with(key: str):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    return TokenAuthentication().authenticate(request)


def test_right_credentials_return_a_token_that_authenticates(therapist, token_login):
    response = token_login(therapist.email, PASSWORD)

    assert response.status_code == 200
    user, _token = authenticate_with(response.json()["token"])
    assert user == therapist


def test_only_the_digest_of_the_token_is_stored(therapist, token_login):
    key = token_login(therapist.email, PASSWORD).json()["token"]

    stored = ApiToken.objects.get(user=therapist)
    assert stored.digest == token_digest(key)
    assert key not in stored.digest


def test_token_expires_after_the_configured_lifetime(therapist, token_login, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        key = token_login(therapist.email, PASSWORD).json()["token"]
        assert ApiToken.objects.get(user=therapist).expires_at == (
            timezone.now() + settings.API_TOKEN_TTL
        )
        clock.shift(settings.API_TOKEN_TTL + timedelta(seconds=1))
        with pytest.raises(AuthenticationFailed):
            authenticate_with(key)


def test_wrong_password_answers_400_invalid_credentials(therapist, token_login):
    response = token_login(therapist.email, "not-the-password")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_unknown_email_answers_like_a_wrong_password(db, token_login):
    response = token_login("nobody@example.test", PASSWORD)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize("missing", ["email", "password"])
def test_missing_field_answers_400_naming_it(therapist, api, missing):
    body = {"email": therapist.email, "password": PASSWORD}
    del body[missing]

    response = api().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert missing in response.json()


def test_body_that_is_not_json_answers_400(db, api):
    response = api().post(TOKEN_URL, "email=x", content_type="application/json")

    assert response.status_code == 400


def test_email_in_another_letter_case_logs_in(therapist, token_login):
    response = token_login("  PT@Riverside.TEST ", PASSWORD)

    assert response.status_code == 200


def test_password_is_not_trimmed(therapist, token_login):
    response = token_login(therapist.email, f" {PASSWORD} ")

    assert response.status_code == 400


def test_deactivated_user_cannot_get_a_token(therapist, token_login):
    therapist.is_active = False
    therapist.save()

    assert token_login(therapist.email, PASSWORD).status_code == 400


def test_token_endpoint_ignores_a_session_and_needs_no_csrf(therapist, client):
    client.force_login(therapist)
    client.handler.enforce_csrf_checks = True

    response = client.post(
        TOKEN_URL,
        {"email": therapist.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
