"""The therapist's whole job in a real browser (issue 13), with screenshots of every main page.

Harness: config/tests/browser.py (Chromium in its own thread, axe-core, screenshots at laptop and
phone size into var/screenshots/). The browser steps never touch the database; what the trainer
does happens through the API on the test's own thread, between visits.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from config.tests.browser import assert_no_problems, check_page, log_in
from handoff import services
from handoff.models import Handoff
from handoff.tests import builders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def build_and_send(page: Any, *, trainer_name: str, seen: dict[str, Any]) -> None:
    """Create a patient, then build the packet through every step, record consent and send."""
    expect = _expect()
    today = builders.clinic_today()
    page.goto("/dashboard/")
    check_page(page, "dashboard-empty")
    page.get_by_role("link", name="Add a patient").first.click()
    check_page(page, "patient-form")
    page.get_by_role("button", name="Add the patient").click()
    expect(page.locator(".errorlist").first).to_be_visible()  # nothing typed: errors by the fields
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Novak")
    page.get_by_label("Email address").fill("sam.novak@example.test")
    page.get_by_label("Emergency contact").fill("Kim Novak (sister), 555-0142")
    page.get_by_role("button", name="Add the patient").click()
    expect(page.locator("h1")).to_have_text("Sam Novak")
    check_page(page, "patient-page")
    page.get_by_role("link", name="Start a handoff").click()

    # Clearance: a bad date order is refused by the field, and the typing is kept.
    expect(page.locator("h1")).to_contain_text("New handoff: Sam Novak")
    page.get_by_label("Cleared on").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Clearance", exact=True).select_option("with_restrictions")
    page.get_by_label("Condition").fill("Right knee, 5 months after ACL reconstruction")
    page.get_by_label("Surgery date").fill((today + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#id_surgery_date_error")).to_contain_text("cannot be after")
    expect(page.get_by_label("Condition")).to_have_value(
        "Right knee, 5 months after ACL reconstruction"
    )
    page.get_by_label("Surgery date").fill((today - datetime.timedelta(days=150)).isoformat())
    page.get_by_label("Goals for training").fill("Return to recreational football")
    check_page(page, "builder-clearance")
    page.get_by_role("button", name="Save and continue").click()

    # Program: search the library by name, by region and pattern; add, add free text, reorder.
    expect(page.locator("h1")).to_contain_text("Sam Novak")
    page.get_by_label("Exercise name").fill("squat")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name="Add Bodyweight squat").click()
    expect(page.get_by_role("status")).to_contain_text("Bodyweight squat was added")
    page.get_by_label("Exercise name").fill("")
    page.get_by_label("Body region").select_option("core")
    page.get_by_label("Movement pattern").select_option("anti_rotation")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator(".todo button").first.click()
    page.get_by_role("button", name="Add a free-text item").click()
    item3 = page.locator("#item-3")
    item3.get_by_label("Exercise").fill("Walking, brisk")
    item3.get_by_label("Reps").fill("")
    item3.get_by_label("Hold (seconds)").fill("600")
    page.locator("#id_item-0-load_value").fill("10")
    page.locator("#id_item-0-load_unit").select_option("kg")
    page.get_by_role("button", name="Move up item 3").click()
    expect(page.locator("#item-2 legend")).to_contain_text("Walking, brisk")
    check_page(page, "builder-program")
    page.get_by_role("button", name="Save and continue").click()

    # Restrictions, with a review date; then back to the program, which kept everything.
    page.get_by_role("button", name="Add a restriction").click()
    r = page.locator("#restriction-1")
    r.get_by_label("Kind").select_option("avoid_pattern")
    r.get_by_label("Body region").select_option("knee")
    r.get_by_label("Movement pattern").select_option("squat")
    r.get_by_label("In plain words").fill("No loaded squatting below parallel")
    r.get_by_label("Review on").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Back").click()
    expect(page.locator("#item-2 legend")).to_contain_text("Walking, brisk")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#restriction-1").get_by_label("In plain words")).to_have_value(
        "No loaded squatting below parallel"
    )
    check_page(page, "builder-restrictions")
    page.get_by_role("button", name="Save and continue").click()

    # Red flags: the clinic's defaults ticked, the six always-escalate symptoms always on.
    expect(page.get_by_label("Pain at night")).to_be_checked()
    expect(page.locator("input[disabled][checked]")).to_have_count(6)
    page.get_by_label("Pain ceiling").fill("4")
    check_page(page, "builder-safety")
    page.get_by_role("button", name="Save and continue").click()

    # Trainer: the ranked list with its reasons.
    expect(page.locator(".todo")).to_contain_text("places taken")
    check_page(page, "builder-trainer")
    page.get_by_label(trainer_name, exact=False).check()
    page.get_by_role("button", name="Save and continue").click()

    # Consent: the clinic's authorization text, the paper form's date.
    expect(page.locator("details")).to_contain_text("I authorize")
    check_page(page, "builder-consent")
    page.get_by_label("Date on the signed paper form").fill(
        (today - datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_role("button", name="Record the signed form").click()

    # Review: a send refused for the conflict names it and links to it; override with a reason.
    expect(page.locator(".conflict")).to_contain_text("Not allowed")
    page.get_by_role("button", name=f"Send to {trainer_name}").click()
    expect(page.get_by_role("alert")).to_contain_text("breaks the packet's own restrictions")
    check_page(page, "builder-review-refused")
    page.get_by_label("Reason to allow it anyway").fill("Only to a box at knee height, pain-free")
    page.get_by_role("button", name=f"Send to {trainer_name}").click()
    expect(page.locator(".alert--success")).to_contain_text(f"Sent to {trainer_name}")
    expect(page.locator(".status")).to_have_text("Sent")
    seen["handoff_url"] = page.url
    check_page(page, "handoff-sent")


def test_a_therapist_builds_sends_follows_amends_and_acts_on_a_refer_back(
    browser, live_server, therapist, trainer, iron_oak
):
    seen: dict[str, Any] = {}
    recorded = browser.visit(
        live_server.url,
        lambda page: (
            log_in(page, therapist.email),
            build_and_send(page, trainer_name=trainer.name, seen=seen),
        ),
    )
    assert_no_problems(recorded)
    handoff = Handoff.objects.get(patient__last_name="Novak")
    version = handoff.versions.get()
    assert version.overrides and version.overrides[0]["reason"].startswith("Only to a box")
    assert [i.name for i in version.program.all()][1] == "Walking, brisk"

    # The trainer accepts through the API.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(trainer)
    assert api.post(f"/api/v1/handoffs/{handoff.pk}/accept/", format="json").status_code == 200

    def follow_and_amend(page: Any) -> None:
        expect = _expect()
        log_in(page, therapist.email)
        expect(page.locator(".nav-notifications .count")).to_be_visible()
        page.get_by_role("link", name="Notifications").click()
        expect(page.locator("main")).to_contain_text("A handoff packet was accepted")
        check_page(page, "notifications")
        page.goto(f"/handoffs/{handoff.pk}/")
        expect(page.locator(".status")).to_have_text("Accepted")
        page.get_by_role("link", name="Amend the packet").click()
        page.get_by_role("button", name="Save and continue").click()  # clearance as it was
        page.locator("#item-1").get_by_label("Sets").fill("4")
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_role("button", name="Save and continue").click()  # restrictions
        page.get_by_role("button", name="Save and continue").click()  # red flags
        page.get_by_label("What changed, for the trainer").fill(
            "Four sets of squats from this week"
        )
        page.get_by_role("button", name="Save as version 2").click()
        expect(page.locator("#diff")).to_contain_text("Sets")
        expect(page.locator("#diff ins").first).to_contain_text("4")
        check_page(page, "handoff-amended-diff")

    recorded = browser.visit(live_server.url, follow_and_amend)
    assert_no_problems(recorded)
    assert handoff.versions.count() == 2

    handoff.refresh_from_db()
    services.acknowledge_version(handoff, by=trainer, number=2)
    services.refer_back(
        handoff, by=trainer, reason="Knee swelling after squats", symptoms=["swelling"]
    )

    def act_on_refer_back(page: Any) -> None:
        expect = _expect()
        log_in(page, therapist.email)
        first = page.locator(".todo li").first
        expect(first).to_contain_text("Sam Novak was referred back")
        expect(first.locator(".badge")).to_have_text("Urgent")
        check_page(page, "dashboard-refer-back")
        first.get_by_role("link").first.click()
        page.get_by_role("button", name="Acknowledge the refer-back").click()
        expect(page.locator(".alert--success")).to_contain_text("Acknowledged")
        page.get_by_label("Why training can resume").fill("Swelling settled; squats to a box only")
        page.get_by_role("button", name="Resume").click()
        expect(page.locator(".status")).to_have_text("Accepted")
        check_page(page, "handoff-resumed")

    recorded = browser.visit(live_server.url, act_on_refer_back)
    assert_no_problems(recorded)
    handoff.refresh_from_db()
    assert handoff.status == "accepted"
    assert not therapist.notifications.filter(
        requires_ack=True, acknowledged_at__isnull=True
    ).exists()
