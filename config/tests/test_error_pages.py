"""The site's error pages: styled pages for people, the API's JSON under /api/ (issue 13)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_styled_404(client, settings):
    settings.DEBUG = True  # Django would show its URL list here

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and "/static/css/baton.css" in html
    assert "URLconf" not in html


def test_an_unknown_path_under_the_api_answers_json(client):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No API endpoint at this path.", "code": "not_found"}


def test_a_page_someone_may_not_see_is_the_styled_404_even_in_debug(client, settings, outsider):
    settings.DEBUG = True
    client.force_login(outsider)

    response = client.get("/staff/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_missing_slash_still_redirects(client):
    response = client.get("/dashboard")

    assert response.status_code == 301 or response.status_code == 302
    assert response["Location"].endswith("/dashboard/")


def test_the_server_error_page_needs_no_database(rf):
    from config.views import server_error

    response = server_error(rf.get("/dashboard/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_an_expired_form_says_so(client, therapist):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(therapist)

    response = strict.post("/patients/new/", {"first_name": "A"})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
