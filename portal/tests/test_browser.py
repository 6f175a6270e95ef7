"""The patient's journey in a real browser on a phone-sized screen (harness:
config/tests/browser.py): the invitation link, a password, the plan, a painful session, the
pause message; then the therapist's dashboard shows the referral first. Console errors, failed
assets and CSP violations fail it; every page is checked by axe-core and photographed into
var/screenshots/ at laptop and phone size."""

from __future__ import annotations

import datetime

import pytest

from clinics.services import invite_patient
from clinics.tests.factories import PatientFactory
from config.tests.browser import (
    PHONE,
    assert_no_problems,
    check_page,
    live_host,
    log_in,
)
from handoff import services
from handoff.models import Handoff
from handoff.tests import builders
from notifications.models import Notification

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-new-password-42"


@pytest.fixture
def invited_with_plan(riverside, therapist, trainer, other_patient_record):
    """Robin, invited but without a password yet, with an accepted handoff; and a declined
    handoff of another patient, so the dashboard has something less urgent to list."""
    record = PatientFactory(
        clinic=riverside, first_name="Robin", last_name="Hale", email="robin.hale@example.test"
    )
    invite_patient(record, by=therapist)
    record.refresh_from_db()
    handoff = builders.accepted(therapist=therapist, patient_record=record, trainer=trainer)
    builders.in_state(
        "declined", therapist=therapist, patient_record=other_patient_record, trainer=trainer
    )
    link = Notification.objects.get(recipient=record.user, kind="invitation").link
    return record, handoff, link


def test_invitation_to_plan_to_a_painful_session_reaches_the_therapist_first(
    browser, live_server, therapist, invited_with_plan
):
    _, handoff, link = invited_with_plan

    def patient_steps(page) -> None:
        from playwright.sync_api import expect

        page.goto(link)
        expect(page.locator("h1")).to_have_text("Welcome to Baton")
        check_page(page, "portal-welcome")
        page.get_by_label("Choose a password").fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.get_by_role("button", name="Set my password and see my plan").click()
        page.wait_for_url(f"**/my/plans/{handoff.pk}/")
        expect(page.locator("h1")).to_have_text("My plan")
        expect(page.locator("main")).to_contain_text("Split squat")
        expect(page.locator("main")).to_contain_text("Don't do jumping, hopping or landing")
        check_page(page, "portal-plan")

        page.get_by_role("link", name="Log a session").first.click()
        expect(page.locator("h1")).to_have_text("Log a session")
        check_page(page, "portal-log")
        page.get_by_text("I did part of it").click()
        page.locator("fieldset.pain").get_by_text("8", exact=True).click()
        expect(page.get_by_role("radio", name="8", exact=True)).to_be_checked()
        page.get_by_label("Anything else? (optional)").fill("Sharp pain on the stairs")
        page.get_by_role("button", name="Send").click()
        expect(page.locator("h1")).to_have_text("Please pause your training")
        expect(page.locator("main")).to_contain_text("Your physical therapist has been told")
        check_page(page, "portal-paused")

    recorded = browser.visit(live_server.url, patient_steps, viewport=PHONE)
    assert recorded.hosts() == {live_host(live_server)}
    assert_no_problems(recorded)

    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    assert Notification.objects.filter(recipient=therapist, urgent=True).exists()

    def therapist_steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, therapist.email)
        page.goto("/dashboard/")
        first = page.locator("ol.todo > li").first
        expect(first).to_contain_text("Robin")
        expect(first).to_contain_text("referred back")
        expect(page.locator("ol.todo > li")).to_have_count(2)
        check_page(page, "portal-therapist-dashboard")

    recorded = browser.visit(live_server.url, therapist_steps)
    assert_no_problems(recorded)


def test_a_session_written_offline_is_kept_and_said_to_be_unsent(
    browser, live_server, patient, handoff
):
    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, patient.email)
        page.goto(f"/my/plans/{handoff.pk}/log/")
        page.get_by_text("I did it all").click()
        page.locator("fieldset.pain").get_by_text("3", exact=True).click()
        page.context.set_offline(True)
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#offline-note")).to_contain_text("was NOT sent")
        check_page(page, "portal-offline")
        page.context.set_offline(False)
        page.reload()
        expect(page.locator("#offline-note")).to_contain_text("not sent yet")
        expect(page.get_by_role("radio", name="3", exact=True)).to_be_checked()
        # Offline again, then back: pressing Send again (no reload) sends it.
        page.context.set_offline(True)
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#offline-note")).to_contain_text("was NOT sent")
        page.context.set_offline(False)
        page.get_by_role("button", name="Send").click()
        expect(page.locator("h1")).to_have_text("Session logged")
        page.goto(f"/my/plans/{handoff.pk}/log/")
        expect(page.locator("#offline-note")).to_be_hidden()

    recorded = browser.visit(live_server.url, steps, viewport=PHONE)

    # The offline click asked the server nothing: one session, logged once.
    assert handoff.session_logs.count() == 1
    assert_no_problems(recorded)


def test_the_other_portal_pages_on_a_phone(browser, live_server, therapist, patient, handoff):
    today = builders.clinic_today()
    for days_ago, pain in [(1, 2), (3, 3), (6, 4), (9, 2), (12, 1)]:
        services.log_session(
            handoff,
            by=patient,
            date=today - datetime.timedelta(days=days_ago),
            completed=True,
            pain=pain,
        )
    services.post_message(handoff, by=therapist, body="How is the knee today?", to_patient=True)

    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, patient.email)
        for path, name, heading in [
            (f"/my/plans/{handoff.pk}/progress/", "portal-progress", "My progress"),
            (f"/my/plans/{handoff.pk}/messages/", "portal-messages", "Messages"),
            (f"/my/plans/{handoff.pk}/consent/", "portal-consent", "My consent"),
            (f"/my/plans/{handoff.pk}/consent/revoke/", "portal-revoke", "Stop sharing my plan?"),
            ("/my/who-read-my-plan/", "portal-access", "Who has read my plan"),
            ("/my/reminders/", "portal-reminders", "My reminders"),
        ]:
            page.goto(path)
            expect(page.locator("h1")).to_have_text(heading)
            check_page(page, name)
        page.goto(f"/my/plans/{handoff.pk}/consent/revoke/")
        page.get_by_role("button", name="Yes, stop sharing now").click()
        expect(page.locator("main")).to_contain_text("can no longer see your plan")

    recorded = browser.visit(live_server.url, steps, viewport=PHONE)

    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REVOKED
    assert_no_problems(recorded)


def test_a_broken_link_offers_to_ask_the_clinic(browser, live_server, invited_with_plan):
    _, _, link = invited_with_plan

    def steps(page) -> None:
        from playwright.sync_api import expect

        page.goto(link[:-3] + "x/")  # tampered: same page as expired, revealing nothing
        expect(page.locator("h1")).to_have_text("This link does not work")
        check_page(page, "portal-link-gone")
        page.get_by_role("button", name="Ask my clinic for a new link").click()
        expect(page.locator("h1")).to_have_text("Thank you")

    recorded = browser.visit(live_server.url, steps, viewport=PHONE)
    # The page itself answers 410 Gone on purpose, and Chromium logs that status to the console.
    assert_no_problems(recorded, ignore="status of 410")
