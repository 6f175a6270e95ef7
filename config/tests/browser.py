"""The shared browser-test harness: Chromium driven by Playwright against the live test server.

Use it from any app's tests::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

    def test_something(browser, live_server, therapist):
        def steps(page):
            log_in(page, therapist.email)
            page.goto("/dashboard/")
            check_page(page, "dashboard")       # axe-core + screenshots at laptop and phone size
        recorded = browser.visit(live_server.url, steps)
        assert_no_problems(recorded)            # console errors, CSP violations, failed assets

The browser lives in a thread of its own. Playwright's sync API keeps an asyncio loop running
in the thread that uses it, and Django then gives that thread other database connections than
the ones the test database was set up with (so ``serialized_rollback`` stops working for the
tests that follow). Keeping Playwright off the main thread leaves Django's side untouched: the
test builds its data on the main thread, and the steps in the browser run there
(``browser.visit``). Steps must not touch the ORM: do that before or after ``visit``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from accounts.tests.factories import PASSWORD

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
STEP_TIMEOUT_MS = 20_000  # a shared CI machine under load is slow
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = ROOT / "var" / "screenshots"
AXE_SOURCE = ROOT / "tools" / "axe-core" / "axe.min.js"
HTTP_STATUS_MESSAGE = "Failed to load resource: the server responded with a status of"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# axe rules checked: WCAG 2.1 A and AA, which include labels, one main landmark, image
# alternatives and contrast. "region" (all content inside landmarks) is a best practice, also on.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass
class Recorded:
    """What one visit did: every request, failed request, console message and script error."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        return {
            urlsplit(url).netloc
            for url in self.requests
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
        }

    def problems(self) -> list[str]:
        """Console errors and warnings (a CSP violation is one), uncaught errors, failed assets."""
        noisy = [
            f"console.{kind}: {text}"
            for kind, text in self.console
            if (kind in ("error", "warning") or "Content Security Policy" in text)
            # Chrome logs every 4xx answer, pages included (a form re-rendered with its errors
            # answers 400). Assets that fail are caught by URL in ``failed`` instead.
            and not text.startswith(HTTP_STATUS_MESSAGE)
        ]
        return (
            noisy
            + [f"pageerror: {error}" for error in self.page_errors]
            + [f"failed request: {url}" for url in self.failed]
        )


def _asset_failed(response: Any) -> bool:
    """A stylesheet, script, image or font that did not arrive (pages may answer 4xx on purpose)."""
    kind = response.request.resource_type
    return kind in ("stylesheet", "script", "image", "font") and response.status >= 400


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

    def visit(
        self, base_url: str, steps: Callable[[Any], None], *, viewport: dict | None = None
    ) -> Recorded:
        """Run ``steps(page)`` in a new context; what goes wrong there is raised here."""
        return self._thread.submit(self._visit, base_url, steps, viewport or LAPTOP).result()

    def _visit(self, base_url: str, steps: Callable[[Any], None], viewport: dict) -> Recorded:
        context = self._chromium.new_context(base_url=base_url, viewport=viewport)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        recorded = Recorded()
        try:
            page = context.new_page()
            page.on("request", lambda request: recorded.requests.append(request.url))
            page.on(
                "requestfailed",
                lambda request: _really_failed(request) and recorded.failed.append(request.url),
            )
            page.on(
                "response",
                lambda response: _asset_failed(response) and recorded.failed.append(response.url),
            )
            page.on(
                "console", lambda message: recorded.console.append((message.type, message.text))
            )
            page.on("pageerror", lambda error: recorded.page_errors.append(str(error)))
            try:
                steps(page)
            except Exception:
                _failure_screenshot(page)
                raise
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


def _really_failed(request: Any) -> bool:
    """A request the browser itself cancelled because the page moved on (the favicon of a
    page left mid-load: ``net::ERR_ABORTED``) is no failure of the site; anything else is.
    An error status (a 404, a 500) is a response, checked by ``_asset_failed``."""
    return request.failure != "net::ERR_ABORTED"


def _failure_screenshot(page: Any) -> None:
    """What the page showed when a step failed; never hides the step's own error."""
    try:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "FAILED-last.png"), timeout=3_000)
    except Exception:  # noqa: S110 - the step's error is the one that matters
        pass


def live_host(live_server: Any) -> str:
    return urlsplit(live_server.url).netloc


def assert_no_problems(recorded: Recorded, *, ignore: str | None = None) -> None:
    problems = [p for p in recorded.problems() if ignore is None or ignore not in p]
    assert problems == [], "\n".join(problems)


# --- Steps shared by journeys (run inside ``visit``) ---------------------------------------------


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[str]:
    """Run axe-core on the page; one line per violation and node.

    The script is evaluated through the DevTools protocol, not added as a ``<script>``: the page's
    content-security policy stays as strict as in production, and axe is never served by the site.
    """
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], "axe-core:\n" + "\n".join(violations)
    assert page.locator("h1").count() == 1, "a page has exactly one h1"
    assert page.locator("main").count() == 1, "a page has one main landmark"
    assert page.title().endswith("· Baton"), f"page title: {page.title()!r}"


def screenshot(page: Any, name: str) -> list[Path]:
    """Full-page screenshots at laptop (1280x800) and phone (390x844) size."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    paths = []
    for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        path = SCREENSHOT_DIR / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths


def check_page(page: Any, name: str) -> None:
    """The checks every main page gets in a journey: accessible, and photographed."""
    assert_accessible(page)
    screenshot(page, name)


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)
