"""The login and logout pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.tests.conftest import LOGIN_URL
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_has_email_and_password_fields_and_a_submit_button(client):
    html = client.get(LOGIN_URL).content.decode()

    assert 'name="email"' in html
    assert 'name="password"' in html
    assert 'type="password"' in html
    assert '<button type="submit"' in html
    # Scripts only from files the site serves: nothing inline for the CSP to block.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('src="/static/' in tag for tag in scripts)
    assert "style=" not in html and "<style" not in html


def test_right_credentials_log_in_and_go_home(therapist, page_login, client):
    response = page_login(therapist.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(therapist.pk)


def test_email_in_another_letter_case_logs_in(therapist, page_login, client):
    page_login("PT@RIVERSIDE.test", PASSWORD)

    assert client.session[SESSION_KEY] == str(therapist.pk)


def test_wrong_password_shows_the_form_again_with_an_error(therapist, page_login):
    response = page_login(therapist.email, "not-the-password")

    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_login_goes_to_a_safe_next_page(therapist, page_login):
    response = page_login(therapist.email, PASSWORD, next="/api/docs/")

    assert response["Location"] == "/api/docs/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_login_ignores_a_next_page_on_another_site(therapist, page_login, target):
    response = page_login(therapist.email, PASSWORD, next=target)

    assert response["Location"] == "/"


def test_login_changes_the_session_key(therapist, page_login, client):
    client.get(LOGIN_URL)
    client.session.save()
    before = client.session.session_key

    page_login(therapist.email, PASSWORD)

    assert client.session.session_key != before


def test_logout_by_post_ends_the_session(therapist, client):
    client.force_login(therapist)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_logout_by_get_is_refused(therapist, client):
    client.force_login(therapist)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.session[SESSION_KEY] == str(therapist.pk)
