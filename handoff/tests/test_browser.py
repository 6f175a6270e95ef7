"""In a real browser: Debian's Chromium driven by Playwright against the live test server.

Few and quick: one browser for the module, a fresh context (cookies, storage) per test. Every
visit records the requests, console messages and script errors, so a test can prove that a
page stayed on this site and that the content-security policy blocked nothing.

The browser lives in a thread of its own. Playwright's sync API keeps an asyncio loop running
in the thread that uses it, and Django then gives that thread other database connections than
the ones the test database was set up with (so ``serialized_rollback`` stops working for the
tests that follow). Keeping Playwright off the main thread leaves Django's side untouched: the
test builds its data here, and the steps in the browser run there (``browser.visit``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from accounts.tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed rows; serialized_rollback puts the exercise library
    # (loaded by a migration) back after the flush, for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The site under a name that is neither localhost nor 127.0.0.1, as production serves it:
# some scripts behave differently on a local address (Swagger UI's online validator badge).
PUBLIC_NAME = "baton.test"
STEP_TIMEOUT_MS = 10_000


@dataclass
class Recorded:
    """What one visit did: every request, console message and uncaught script error."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        return {
            urlsplit(url).netloc
            for url in self.requests
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
        }

    def problems(self) -> list[str]:
        """Console errors and warnings (a CSP violation is one) and uncaught errors."""
        noisy = [
            f"console.{kind}: {text}"
            for kind, text in self.console
            if kind in ("error", "warning") or "Content Security Policy" in text
        ]
        return noisy + [f"pageerror: {error}" for error in self.page_errors]


class Browser:
    """Chromium in its own thread; ``visit`` runs steps against a fresh page there."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright, self._chromium = self._thread.submit(self._launch).result()

    @staticmethod
    def _launch() -> tuple[Any, Any]:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {PUBLIC_NAME} 127.0.0.1"],
        )
        return playwright, chromium

    def visit(self, base_url: str, steps: Callable[[Any], None]) -> Recorded:
        """Run ``steps(page)`` in a new context; what goes wrong there is raised here."""
        return self._thread.submit(self._visit, base_url, steps).result()

    def _visit(self, base_url: str, steps: Callable[[Any], None]) -> Recorded:
        context = self._chromium.new_context(base_url=base_url)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        recorded = Recorded()
        try:
            page = context.new_page()
            page.on("request", lambda request: recorded.requests.append(request.url))
            page.on(
                "console", lambda message: recorded.console.append((message.type, message.text))
            )
            page.on("pageerror", lambda error: recorded.page_errors.append(str(error)))
            steps(page)
        finally:
            context.close()
        return recorded

    def close(self) -> None:
        def stop() -> None:
            self._chromium.close()
            self._playwright.stop()

        try:
            self._thread.submit(stop).result()
        finally:
            self._thread.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    yield chromium
    chromium.close()


def live_host(live_server) -> str:
    return urlsplit(live_server.url).netloc


def assert_no_problems(recorded: Recorded, *, ignore: str | None = None) -> None:
    problems = [p for p in recorded.problems() if ignore is None or ignore not in p]
    assert problems == [], "\n".join(problems)


# --- Logging in --------------------------------------------------------------------------------------


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_therapist_logs_in_through_the_form_and_lands_home(browser, live_server, therapist):
    email = therapist.email

    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, email, PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator("main")).to_contain_text(f"You are logged in as {email}")
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
        expect(page.locator("main")).not_to_contain_text("You are logged in")
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
