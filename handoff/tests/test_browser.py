"""In a real browser: logging in and the API documentation (harness: config/tests/browser.py).

Few and quick: one browser for the module, a fresh context (cookies, storage) per test. Every
visit records the requests, console messages and script errors, so a test can prove that a
page stayed on this site and that the content-security policy blocked nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from accounts.tests.factories import PASSWORD
from config.tests.browser import PUBLIC_NAME, assert_no_problems, live_host, log_in

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed rows; serialized_rollback puts the exercise library
    # (loaded by a migration) back after the flush, for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# --- Logging in --------------------------------------------------------------------------------------


def test_a_therapist_logs_in_through_the_form_and_lands_on_the_dashboard(
    browser, live_server, therapist
):
    email = therapist.email

    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, email, PASSWORD)
        page.wait_for_url(f"{live_server.url}/dashboard/")
        expect(page.locator("header")).to_contain_text("Riverside Physical Therapy")
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    recorded = browser.visit(live_server.url, steps)

    assert recorded.hosts() == {live_host(live_server)}
    assert_no_problems(recorded)


def test_a_wrong_password_shows_an_error_and_keeps_the_visitor_out(browser, live_server, therapist):
    email = therapist.email

    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, email, "not-the-password")
        expect(page.locator(".errorlist")).to_contain_text("not right")
        assert page.url.startswith(f"{live_server.url}/accounts/login/")
        expect(page.get_by_role("button", name="Log out")).to_have_count(0)
        expect(page.get_by_label("Email address")).to_have_value(email)
        assert page.get_by_label("Password").input_value() == ""

    recorded = browser.visit(live_server.url, steps)

    assert_no_problems(recorded)


# --- The API documentation ------------------------------------------------------------------------


def schema_paths() -> dict[str, dict]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


def operation_count(paths: dict[str, dict]) -> int:
    methods = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}
    return sum(1 for operations in paths.values() for method in operations if method in methods)


def docs_steps(url: str, seen: dict[str, Any]) -> Callable[[Any], None]:
    """Open the docs at ``url``, wait until they have rendered, note what they show."""

    def steps(page) -> None:
        from playwright.sync_api import expect

        response = page.goto(url)
        assert response is not None and response.status == 200
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Baton API")
        expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
        page.wait_for_load_state("networkidle")  # whatever the page fetches late is recorded
        seen["operations"] = page.locator(".swagger-ui .opblock").count()
        seen["text"] = page.locator(".swagger-ui").inner_text().replace("\u200b", "")
        seen["validator_images"] = page.locator("img[src*='validator']").count()

    return steps


def test_api_docs_render_offline_with_every_operation(browser, live_server):
    paths = schema_paths()
    seen: dict[str, Any] = {}

    recorded = browser.visit(live_server.url, docs_steps("/api/docs/", seen))

    assert "/api/v1/patients/" in paths
    assert seen["operations"] == operation_count(paths)
    assert [path for path in paths if path not in seen["text"]] == []
    assert any("/api/schema/" in url for url in recorded.requests)
    assert recorded.hosts() == {live_host(live_server)}
    assert_no_problems(recorded)


def test_api_docs_under_a_public_name_request_nothing_elsewhere(browser, live_server, settings):
    """Swagger UI shows an online-validator badge (an image from validator.swagger.io) in some
    layouts when the page is not served from localhost: the docs must never reach out."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PUBLIC_NAME]
    site = f"http://{PUBLIC_NAME}:{urlsplit(live_server.url).port}"
    seen: dict[str, Any] = {}

    recorded = browser.visit(site, docs_steps("/api/docs/", seen))

    assert recorded.hosts() == {urlsplit(site).netloc}
    assert seen["validator_images"] == 0
    # Plain HTTP on a name other than localhost: the browser ignores Cross-Origin-Opener-Policy
    # and says so. Production serves HTTPS, so that message is an artefact of this test.
    assert_no_problems(recorded, ignore="Cross-Origin-Opener-Policy")
