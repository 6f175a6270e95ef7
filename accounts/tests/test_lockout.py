"""Five failures lock one (account, client address) pair for 15 minutes (docs/api.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.utils import timezone

from accounts.tests.conftest import HOME_ADDRESS, OTHER_ADDRESS
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def fail(login, email: str, times: int, address: str | None = None) -> list[int]:
    extra = {"address": address} if address else {}
    return [login(email, WRONG, **extra).status_code for _ in range(times)]


def test_sixth_attempt_after_five_failures_is_locked_even_with_the_right_password(
    therapist, token_login
):
    assert fail(token_login, therapist.email, 5) == [400] * 5

    response = token_login(therapist.email, PASSWORD)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "locked_out"
    assert response["Retry-After"] == "900"


def test_four_failures_then_success_logs_in_and_clears_the_count(therapist, token_login):
    fail(token_login, therapist.email, 4)
    assert token_login(therapist.email, PASSWORD).status_code == 200

    # Had the count not been cleared, the fifth of these would lock the pair.
    assert fail(token_login, therapist.email, 4) == [400] * 4
    assert token_login(therapist.email, PASSWORD).status_code == 200


def test_same_account_from_another_address_still_logs_in(therapist, token_login):
    fail(token_login, therapist.email, 5)

    assert token_login(therapist.email, PASSWORD, address=OTHER_ADDRESS).status_code == 200
    assert token_login(therapist.email, PASSWORD).status_code == 429


def test_another_account_from_the_locked_address_still_logs_in(therapist, trainer, token_login):
    fail(token_login, therapist.email, 5)

    assert token_login(trainer.email, PASSWORD).status_code == 200


def test_failures_in_any_letter_case_count_for_one_account(therapist, token_login):
    for email in ["pt@riverside.test", "PT@riverside.test", "Pt@Riverside.Test"] * 2:
        if token_login(email, WRONG).status_code == 429:
            break

    assert token_login(therapist.email, PASSWORD).status_code == 429


def test_lockout_ends_after_the_cool_off(therapist, token_login, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(token_login, therapist.email, 5)
        clock.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=5))
        assert token_login(therapist.email, PASSWORD).status_code == 429

        clock.shift(timedelta(seconds=6))
        assert token_login(therapist.email, PASSWORD).status_code == 200


def test_login_page_locks_the_pair_after_five_failures_with_an_html_page(therapist, page_login):
    for _ in range(5):
        response = page_login(therapist.email, WRONG)
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated

    response = page_login(therapist.email, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert not response.wsgi_request.user.is_authenticated


def test_page_and_api_failures_count_for_the_same_pair(therapist, page_login, token_login):
    fail(page_login, therapist.email, 3)
    fail(token_login, therapist.email, 2)

    assert token_login(therapist.email, PASSWORD).status_code == 429


def test_admin_login_has_no_form_of_its_own_that_skips_the_lockout(therapist, client):
    """The admin's login form is replaced by Baton's (which also asks for the second factor)."""
    response = client.post("/admin/login/", {"username": therapist.email, "password": WRONG})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_authenticate_itself_refuses_a_locked_pair(therapist, token_login, rf):
    """The axes backend is the safety net for any login path that skips our service."""
    fail(token_login, therapist.email, 5)
    request = rf.post("/elsewhere/", REMOTE_ADDR=HOME_ADDRESS)

    assert authenticate(request, username=therapist.email, password=PASSWORD) is None
