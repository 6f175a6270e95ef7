"""The trainer's and the admins' journeys in a real browser (harness: config/tests/browser.py).

Each journey fails on console errors, failed asset requests and CSP violations
(``assert_no_problems``), runs axe-core on the main pages and saves screenshots of them at
laptop (1280x800) and phone (390x844) size into var/screenshots/ (``check_page``).
"""

from __future__ import annotations

import datetime

import pytest

from config.tests.browser import (
    PHONE,
    SCREENSHOT_DIR,
    assert_no_problems,
    check_page,
    live_host,
    log_in,
)
from gyms.models import Certification
from handoff import services
from handoff.models import Handoff, PlanItem
from handoff.services import plan as plan_services
from handoff.tests import builders
from organisations.models import Partnership


def _pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed: one ``/Type /Page`` object per page."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_trainer_accepts_plans_inside_the_limits_checks_in_and_refers_back(
    browser, live_server, therapist, patient_record, trainer
):
    handoff = builders.sent(therapist=therapist, patient_record=patient_record, trainer=trainer)
    packet_url = f"/trainer/handoffs/{handoff.pk}/"

    def accept_and_ask(page) -> None:
        from playwright.sync_api import expect

        log_in(page, trainer.email)
        page.wait_for_url(f"{live_server.url}/trainer/")
        expect(page.locator("#new-h + ul")).to_contain_text("Alex Morgan")
        expect(page.locator("main")).to_contain_text("left")
        check_page(page, "trainer-inbox")
        page.get_by_role("link", name="Alex Morgan").first.click()
        page.wait_for_url(f"{live_server.url}{packet_url}")
        expect(page.locator(".safety")).to_contain_text("Pain ceiling: 5/10")
        check_page(page, "trainer-packet-new")
        page.get_by_role("button", name="Accept the packet").click()
        expect(page.locator(".messages")).to_contain_text("You accepted the packet")
        # A plan item the restrictions block: the live check says so before anything is saved.
        page.locator("#plan-add > summary").click()
        page.get_by_label("Exercise from the library").select_option(label="Squat jump")
        expect(page.locator("#plan-check")).to_contain_text("This item breaks a restriction")
        expect(page.locator("[data-exception-box]")).to_be_visible()
        check_page(page, "trainer-plan-blocked")
        page.get_by_role("button", name="Ask the therapist for an exception").click()
        expect(page.locator(".messages")).to_contain_text("therapist was asked for an exception")
        expect(page.locator("#plan")).to_contain_text("Waiting for the therapist")

    recorded = browser.visit(live_server.url, accept_and_ask)
    assert recorded.hosts() == {live_host(live_server)}
    assert_no_problems(recorded)

    item = PlanItem.objects.get(handoff=handoff)
    assert item.status == "awaiting_exception"
    handoff.refresh_from_db()
    plan_services.grant_exception(handoff, item_id=item.pk, by=therapist, note="Low box only")

    def train_and_refer_back(page) -> None:
        from playwright.sync_api import expect

        log_in(page, trainer.email)
        expect(page.locator("section[aria-labelledby=attention-h]")).to_contain_text(
            "granted your exception request"
        )
        page.goto(packet_url)
        expect(page.locator("#plan")).to_contain_text("Low box only")
        # The item the therapist allowed, and one more inside the limits.
        page.locator("#plan-add > summary").click()
        page.get_by_label("Exercise from the library").select_option(label="Glute bridge")
        expect(page.locator("#plan-check")).to_contain_text("Within the restrictions")
        page.get_by_role("button", name="Add to my plan").click()
        expect(page.locator(".messages")).to_contain_text("The item is in your plan")
        # A progress check-in.
        page.locator("#check-in summary").click()
        page.get_by_label("Sessions attended since the last check-in").fill("4")
        page.get_by_label("Progress", exact=True).fill("Split squats pain-free at 3x10.")
        page.get_by_role("button", name="Send the check-in").click()
        expect(page.locator(".messages")).to_contain_text("Your check-in was sent")
        # Refer back: chest pain shows the urgent-care guidance at once, before sending.
        form = page.locator("#refer-back form")
        guidance = form.locator("[data-urgent-guidance]")
        expect(guidance).to_be_hidden()
        form.get_by_label("Chest pain (urgent)").check()
        expect(guidance).to_be_visible()
        expect(guidance).to_contain_text("seek urgent medical care")
        check_page(page, "trainer-refer-back")
        form.get_by_label("What happened").fill("Chest tightness on the bike.")
        form.get_by_role("button", name="Refer back now").click()
        expect(page.locator(".messages")).to_contain_text("seek urgent medical care")
        expect(page.locator("main")).to_contain_text("Training is paused")
        page.goto(f"{packet_url}sheet/")
        expect(page.locator("h1")).to_contain_text("Session sheet")
        expect(page.locator("main table")).to_contain_text("Glute bridge")
        expect(page.locator("main table")).to_contain_text("Squat jump")
        check_page(page, "trainer-session-sheet")
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        page.screenshot(
            path=str(SCREENSHOT_DIR / "trainer-session-sheet-print.png"), full_page=True
        )
        printed["pdf"] = page.pdf(format="A4")

    printed: dict[str, bytes] = {}
    recorded = browser.visit(live_server.url, train_and_refer_back)
    assert_no_problems(recorded)
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REFERRED_BACK
    assert handoff.check_ins.count() == 1
    assert handoff.plan_items.filter(status="active").count() == 2
    assert _pdf_pages(printed["pdf"]) == 1, "the session sheet prints on one A4 page"


def test_on_a_phone_the_trainer_reads_the_packet_and_acknowledges_a_new_version(
    browser, live_server, therapist, patient_record, trainer
):
    handoff = builders.accepted(therapist=therapist, patient_record=patient_record, trainer=trainer)
    spec = builders.packet(
        pain_ceiling=4,
        program=(builders.ProgramItemSpec(name="Glute bridge", sets=2, reps=12, per_week=3),),
    )
    services.amend_packet(handoff, by=therapist, packet=spec, change_note="Swap the squat")

    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, trainer.email)
        expect(page.locator("section[aria-labelledby=attention-h]")).to_contain_text(
            "Version 2 of the packet to acknowledge"
        )
        page.get_by_role("link", name="Open Alex Morgan's packet").click()
        expect(page.locator(".safety")).to_contain_text("Pain ceiling: 4/10")
        changes = page.locator("#changes")
        expect(changes).to_contain_text("Swap the squat")
        expect(changes.locator(".added")).to_contain_text("Glute bridge")
        expect(changes.locator(".removed").filter(has_text="Split squat")).to_have_count(1)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
        check_page(page, "trainer-new-version")
        page.get_by_role("button", name="I have read version 2").click()
        expect(page.locator(".messages")).to_contain_text("You acknowledged the new version")
        expect(page.locator("#changes")).to_have_count(0)

    recorded = browser.visit(live_server.url, steps, viewport=PHONE)
    assert_no_problems(recorded)
    handoff.refresh_from_db()
    assert handoff.acknowledged_version == 2


def test_the_gym_admin_renews_a_certification(browser, live_server, gym_admin, trainer, trainer2):
    certification = Certification.objects.get(trainer__user=trainer)
    Certification.objects.filter(pk=certification.pk).update(
        expires_on=builders.clinic_today() - datetime.timedelta(days=2)
    )
    new_date = builders.clinic_today() + datetime.timedelta(days=730)

    def steps(page) -> None:
        from playwright.sync_api import expect

        log_in(page, gym_admin.email)
        page.goto("/manage/")
        check_page(page, "gym-admin-home")
        page.goto("/manage/certifications/")
        expect(page.locator("tr.expired")).to_contain_text("Terry Oak")
        check_page(page, "gym-admin-certifications")
        page.get_by_role("link", name="Renew Terry Oak's NSCA-CPT").click()
        page.get_by_label("New expiry date").fill(new_date.isoformat())
        page.get_by_role("button", name="Save the renewal").click()
        expect(page.locator(".messages")).to_contain_text("was renewed")
        expect(page.locator("tr.expired")).to_have_count(0)
        page.goto("/manage/load/")
        check_page(page, "gym-admin-load")
        page.goto("/manage/staff/")
        check_page(page, "gym-admin-staff")

    recorded = browser.visit(live_server.url, steps)
    assert_no_problems(recorded)
    certification.refresh_from_db()
    assert certification.expires_on == new_date


def test_the_clinic_admin_proposes_a_partnership_and_the_gym_admin_accepts_it(
    browser, live_server, clinic_admin, riverside
):
    from gyms.tests.factories import GymAdminFactory, GymFactory

    gym = GymFactory(name="Harbour Athletic")
    harbour_admin = GymAdminFactory(gym=gym, user__email="admin@harbour.test").user

    def propose(page) -> None:
        from playwright.sync_api import expect

        log_in(page, clinic_admin.email)
        page.goto("/manage/partnerships/")
        page.get_by_label("Propose a partnership with").select_option(label="Harbour Athletic")
        page.get_by_role("button", name="Send the proposal").click()
        expect(page.locator(".messages")).to_contain_text("Proposal sent")
        expect(page.locator("main table")).to_contain_text("Proposed")
        check_page(page, "clinic-admin-partnerships")
        for url, name in [
            ("/manage/", "clinic-admin-home"),
            ("/manage/settings/", "clinic-admin-settings"),
            ("/manage/attention/", "clinic-admin-attention"),
            ("/manage/access-log/", "clinic-admin-access-log"),
            ("/manage/staff/", "clinic-admin-staff"),
        ]:
            page.goto(url)
            check_page(page, name)

    recorded = browser.visit(live_server.url, propose)
    assert_no_problems(recorded)

    def accept(page) -> None:
        from playwright.sync_api import expect

        log_in(page, harbour_admin.email)
        page.goto("/manage/")
        expect(page.locator("main")).to_contain_text("Riverside Physical Therapy proposed")
        page.goto("/manage/partnerships/")
        page.get_by_role(
            "button", name="Accept the partnership with Riverside Physical Therapy"
        ).click()
        expect(page.locator(".messages")).to_contain_text("The partnership is active")

    recorded = browser.visit(live_server.url, accept, viewport=PHONE)
    assert_no_problems(recorded)
    assert Partnership.objects.get(clinic=riverside, gym=gym).status == "active"
