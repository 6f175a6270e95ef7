"""Two-factor sign-in: setting up an app, logging in with a code or a recovery code, tokens that
need the code and die with the factor, the requirement by role, and the admin's reset."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from accounts.otp import (
    confirm_authenticator,
    device_stamp,
    reset_two_factor,
    start_authenticator_setup,
)
from accounts.services import issue_token
from accounts.tests.conftest import LOGIN_URL, TOKEN_URL
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SETUP_URL = "/accounts/two-factor/setup/"
VERIFY_URL = "/accounts/two-factor/code/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def turn_on_two_factor(user) -> tuple[TOTPDevice, list[str]]:
    device = start_authenticator_setup(user)
    codes = confirm_authenticator(user, device=device, code=code_for(device))
    device.refresh_from_db()
    # The confirming code was used; let the next login use the same 30-second window's code.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device, codes


def home_status(client: Client) -> int:
    return client.get("/api/v1/me/").status_code


# --- Setting up -----------------------------------------------------------------------------


def test_a_right_code_from_the_app_turns_two_factor_on_and_shows_recovery_codes(client, therapist):
    client.force_login(therapist)
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    assert page.context["qr"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)

    response = client.post(SETUP_URL, {"code": code_for(device)})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_leaves_two_factor_off(client, therapist):
    client.force_login(therapist)
    client.get(SETUP_URL)

    response = client.post(SETUP_URL, {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=therapist, confirmed=True).exists()


# --- Logging in on the page ---------------------------------------------------------------------


def test_login_with_two_factor_asks_for_the_code_before_logging_in(client, therapist):
    device, _ = turn_on_two_factor(therapist)

    response = client.post(LOGIN_URL, {"email": therapist.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert home_status(client) == 401  # not logged in yet
    response = client.post(VERIFY_URL, {"code": code_for(device)})
    assert response.status_code == 302
    assert home_status(client) == 200


def test_wrong_code_does_not_log_in(client, therapist):
    turn_on_two_factor(therapist)
    client.post(LOGIN_URL, {"email": therapist.email, "password": PASSWORD})

    response = client.post(VERIFY_URL, {"code": "123456"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert home_status(client) == 401


def test_a_recovery_code_logs_in_once(client, therapist):
    _, codes = turn_on_two_factor(therapist)
    client.post(LOGIN_URL, {"email": therapist.email, "password": PASSWORD})
    assert client.post(VERIFY_URL, {"code": codes[0].upper()}).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    other = Client()
    other.post(LOGIN_URL, {"email": therapist.email, "password": PASSWORD})
    response = other.post(VERIFY_URL, {"code": codes[0]})

    assert response.status_code == 200
    assert home_status(other) == 401


def test_the_code_step_without_a_password_step_sends_back_to_login(client):
    response = client.post(VERIFY_URL, {"code": "123456"})

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


def test_the_admin_login_goes_through_batons_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- The requirement by role -------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["therapist", "clinic_admin"]


def test_therapist_without_two_factor_is_kept_to_the_setup_page_when_required(
    client, therapist, required
):
    client.post(LOGIN_URL, {"email": therapist.email, "password": PASSWORD})

    assert client.get("/handoffs/")["Location"] == SETUP_URL
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    assert client.get(SETUP_URL).status_code == 200


def test_a_session_from_before_a_second_factor_was_added_must_log_in_again(
    client, trainer, required
):
    """An authenticator added outside the setup page (the admin): the session never gave a
    code, so it ends at its next request, page or API."""
    client.post(LOGIN_URL, {"email": trainer.email, "password": PASSWORD})
    assert client.get("/api/v1/me/").status_code == 200

    TOTPDevice.objects.create(user=trainer, name="Added in the admin", confirmed=True)

    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert client.get("/trainer/")["Location"].startswith(LOGIN_URL)


def test_clinic_admin_is_required_too_but_not_a_trainer(client, clinic_admin, trainer, required):
    client.force_login(clinic_admin)
    assert client.get("/api/v1/me/").status_code == 403
    client.force_login(trainer)
    assert client.get("/api/v1/me/").status_code == 200


def test_requirement_is_off_unless_configured(client, therapist, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    client.force_login(therapist)

    assert client.get("/api/v1/me/").status_code == 200


def test_token_endpoint_refuses_a_required_role_without_two_factor(
    therapist, token_login, required
):
    response = token_login(therapist.email, PASSWORD)

    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    assert not ApiToken.objects.exists()


def test_token_issued_before_the_requirement_stops_working(api, therapist, settings):
    key = issue_token(therapist)
    settings.TWO_FACTOR_REQUIRED_ROLES = ["therapist"]

    response = api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401


# --- Tokens --------------------------------------------------------------------------------------


def test_token_endpoint_asks_for_otp_when_the_account_has_two_factor(therapist, token_login):
    turn_on_two_factor(therapist)

    response = token_login(therapist.email, PASSWORD)

    assert response.status_code == 400
    assert response.json()["code"] == "otp_required"
    assert not ApiToken.objects.exists()


def test_token_endpoint_refuses_a_wrong_otp(therapist, api):
    turn_on_two_factor(therapist)

    response = api().post(
        TOKEN_URL, {"email": therapist.email, "password": PASSWORD, "otp": "000000"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"


def test_token_endpoint_gives_a_token_for_the_right_otp(therapist, api, required):
    device, _ = turn_on_two_factor(therapist)

    response = api().post(
        TOKEN_URL,
        {"email": therapist.email, "password": PASSWORD, "otp": code_for(device)},
        format="json",
    )

    assert response.status_code == 200
    key = response.json()["token"]
    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_token_dies_when_two_factor_is_turned_on(api, therapist):
    key = issue_token(therapist)
    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    turn_on_two_factor(therapist)

    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_dies_when_two_factor_is_reset(api, therapist, clinic_admin):
    turn_on_two_factor(therapist)
    key = issue_token(therapist)
    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    reset_two_factor(therapist, by=clinic_admin)

    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_dies_when_the_factor_changes_even_outside_the_services(api, therapist):
    device, _ = turn_on_two_factor(therapist)
    key = issue_token(therapist)

    TOTPDevice.objects.filter(pk=device.pk).delete()  # an operator in a database shell

    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_dies_when_the_password_changes_outside_the_services(api, therapist):
    key = issue_token(therapist)

    therapist.set_password("a-different-long-password")
    therapist.save()

    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_dies_when_a_factor_is_added_outside_the_services(api, therapist):
    """The Django admin adds recovery codes: no service ran, the token's stamp must not match."""
    key = issue_token(therapist)
    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    StaticDevice.objects.create(user=therapist, name="Added in the admin", confirmed=True)

    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_starting_a_setup_does_not_end_tokens(api, therapist):
    """An unconfirmed authenticator is no second factor yet: the stamp stays the same."""
    key = issue_token(therapist)

    start_authenticator_setup(therapist)

    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_users_stamp_follows_every_device_change(therapist):
    def stamp() -> str:
        therapist.refresh_from_db()
        return therapist.two_factor_stamp

    assert stamp() == device_stamp(therapist) == ""
    device, _ = turn_on_two_factor(therapist)
    with_both = stamp()
    assert with_both == device_stamp(therapist) != ""
    StaticDevice.objects.filter(user=therapist).delete()
    assert stamp() == device_stamp(therapist) not in ("", with_both)
    device.delete()
    assert stamp() == ""


def test_checking_a_token_reads_no_device_table(api, therapist):
    turn_on_two_factor(therapist)
    key = issue_token(therapist)
    client = api()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert not [q["sql"] for q in queries if "otp_" in q["sql"]]


def test_the_migration_fills_the_stamp_of_users_who_had_factors(therapist):
    turn_on_two_factor(therapist)
    expected = device_stamp(therapist)
    User.objects.filter(pk=therapist.pk).update(two_factor_stamp="")
    fill_stamps = import_module("accounts.migrations.0003_two_factor_stamp").fill_stamps

    fill_stamps(django_apps, None)

    therapist.refresh_from_db()
    assert therapist.two_factor_stamp == expected


# --- Reset by an admin -----------------------------------------------------------------------


def test_clinic_admin_resets_a_colleagues_two_factor_on_the_staff_page(
    client, clinic_admin, therapist
):
    turn_on_two_factor(therapist)
    client.force_login(clinic_admin)

    response = client.post(f"/staff/{therapist.pk}/reset-two-factor/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=therapist).exists()


def test_clinic_admin_cannot_reset_someone_at_another_organisation(
    client, clinic_admin, other_therapist, trainer
):
    turn_on_two_factor(other_therapist)
    client.force_login(clinic_admin)

    assert client.post(f"/staff/{other_therapist.pk}/reset-two-factor/").status_code == 404
    assert client.post(f"/staff/{trainer.pk}/reset-two-factor/").status_code == 404
    assert TOTPDevice.objects.filter(user=other_therapist).exists()


def test_a_therapist_cannot_reset_a_colleague(client, therapist, clinic_admin):
    turn_on_two_factor(clinic_admin)
    client.force_login(therapist)

    assert client.post(f"/staff/{clinic_admin.pk}/reset-two-factor/").status_code == 404
    assert TOTPDevice.objects.filter(user=clinic_admin).exists()


def test_reset_ends_the_users_sessions(client, clinic_admin, therapist):
    turn_on_two_factor(therapist)
    client.force_login(therapist)

    reset_two_factor(therapist, by=clinic_admin)

    assert client.get("/api/v1/me/").status_code == 401
