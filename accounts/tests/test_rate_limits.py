"""Rate limits: 429 with Retry-After for password resets, token requests, invitation acceptance
and the API; the lockout says how long is actually left."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from accounts.selectors import invitation_token
from accounts.services import invite_user
from accounts.tests.conftest import HOME_ADDRESS, OTHER_ADDRESS
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password-reset/"


def ask_reset(client, email: str, address: str = HOME_ADDRESS):
    return client.post(RESET_URL, {"email": email}, REMOTE_ADDR=address)


def test_eight_reset_requests_for_one_email_send_only_three(client, therapist, mailbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_email": "3/hour"}
    answers = [ask_reset(client, therapist.email, f"198.51.100.{n}") for n in range(8)]

    assert [a.status_code for a in answers] == [302] * 3 + [429] * 5
    assert len(mailbox) == 3
    assert 0 < int(answers[-1]["Retry-After"]) <= 3600


def test_reset_limit_per_email_answers_the_same_for_an_unknown_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_email": "3/hour"}
    answers = [ask_reset(client, "nobody@example.test", f"198.51.100.{n}") for n in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]


def test_reset_limit_per_address_covers_many_emails(client, settings, mailbox):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_address": "5/hour"}
    answers = [ask_reset(client, f"someone{n}@example.test") for n in range(6)]

    assert answers[-1].status_code == 429
    assert "Retry-After" in answers[-1]
    assert ask_reset(client, "someone@example.test", OTHER_ADDRESS).status_code == 302


def test_token_requests_are_limited_per_address(therapist, token_login, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token_address": "3/minute"}
    for _ in range(3):
        assert token_login(therapist.email, PASSWORD).status_code == 200

    response = token_login(therapist.email, PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert token_login(therapist.email, PASSWORD, address=OTHER_ADDRESS).status_code == 200


def test_invitation_acceptance_is_limited_per_address(client, therapist, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_address": "2/minute"}
    _, invitation = invite_user(
        email="new@example.test", name="New", purpose="staff", invited_by=therapist
    )
    url = f"/accounts/invitation/{invitation_token(invitation)}/"
    for _ in range(2):
        client.post(url, {"name": "New", "password1": "x", "password2": "y"})

    response = client.post(url, {"name": "New", "password1": "x", "password2": "y"})

    assert response.status_code == 429
    assert "Retry-After" in response


def test_api_is_limited_per_user(api, therapist, trainer, monkeypatch):
    # DRF reads the rates once, at import: change them where its throttles look.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "9/s"})
    client = api(therapist)
    answers = [client.get("/api/v1/me/").status_code for _ in range(4)]
    other = api(trainer).get("/api/v1/me/")
    last = client.get("/api/v1/me/")

    assert answers == [200, 200, 200, 429]
    assert other.status_code == 200
    assert last.json()["code"] == "throttled"
    assert int(last["Retry-After"]) > 0


def test_lockout_retry_after_is_the_time_actually_left(therapist, token_login):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            token_login(therapist.email, "wrong-password-here")
        clock.shift(timedelta(minutes=10))

        response = token_login(therapist.email, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert "5 minutes" in response.json()["detail"]
