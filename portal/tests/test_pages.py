"""The patient's pages in plain language: the plan, what changed, progress, messages, consent,
who read my plan, reminders; each on the same services as the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from audit.models import AccessLog
from handoff import services
from handoff.models import Handoff, Message
from handoff.services.packets import ProgramItemSpec, RestrictionSpec
from handoff.tests import builders
from notifications.kinds import Kind
from notifications.models import Notification, Preference
from notifications.sweep import fire_due_reminders


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_goes_straight_to_the_one_plan(page, patient, handoff):
    response = page(patient).get("/my/")

    assert response.status_code == 302
    assert response["Location"] == f"/my/plans/{handoff.pk}/"


def test_the_plan_in_plain_language(page, patient, handoff):
    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/"))

    assert "Split squat" in html and "3 sets of 10 repetitions" in html
    assert "3 sets, holding each for 30 seconds" in html
    assert "3 times a week" in html and "weight: bodyweight" in html
    assert "Don&#x27;t do jumping, hopping or landing, to protect your knee." in html
    assert "In your PT's words: “No jumping or landing drills”" in html
    assert "your pain goes above 5 out of 10" in html
    assert "5 out of 10 means moderate pain" in html
    assert "Get urgent medical care" in html and "chest pain" in html
    assert "Dana Rivers" in html and "Terry Oak" in html
    assert "Your trainer's plan" in html  # the marked slot
    assert f"/my/plans/{handoff.pk}/handout.pdf" in html


def test_the_plan_page_is_audited_and_never_cached(page, patient, handoff):
    response = page(patient).get(f"/my/plans/{handoff.pk}/")

    assert "no-store" in response["Cache-Control"]
    assert AccessLog.objects.filter(
        actor=patient, action="read", object_type="handoff", object_id=handoff.pk
    ).exists()


def test_a_load_cap_reads_only_up_to(page, therapist, patient, patient_record, trainer):
    spec = builders.packet(
        restrictions=(
            RestrictionSpec(
                kind="load_cap",
                body_region="knee",
                limit_value=Decimal("20.00"),
                limit_unit="kg",
                text="Leg press max 20 kg",
            ),
        )
    )
    handoff = builders.accepted(
        therapist=therapist, patient_record=patient_record, trainer=trainer, spec=spec
    )

    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/"))

    assert "Only lift or carry up to 20 kg, to protect your knee." in html


def test_what_changed_in_the_latest_version_in_words(page, therapist, patient, handoff):
    spec = builders.packet(
        program=(
            ProgramItemSpec(name="Split squat", sets=4, reps=10, per_week=3, load="bodyweight"),
            ProgramItemSpec(name="Bridge", sets=3, reps=12, per_week=3),
        ),
        pain_ceiling=4,
    )
    services.amend_packet(handoff, by=therapist, packet=spec, change_note="Progressing well")

    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/"))

    assert "What changed in version 2" in html
    assert "Your pain limit is now 4 out of 10 (it was 5)." in html
    assert "New exercise: Bridge." in html
    assert "Side plank was taken out of your plan." in html
    assert "Split squat: now 4 sets (was 3)." in html
    assert "Progressing well" in html


def test_progress_counts_sessions_against_the_plan(page, patient, handoff):
    today = builders.clinic_today()
    for days_ago, pain in [(1, 2), (3, 3), (10, 1)]:
        services.log_session(
            handoff,
            by=patient,
            date=today - datetime.timedelta(days=days_ago),
            completed=True,
            pain=pain,
        )

    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/progress/"))

    assert "You did 3 of 12 planned sessions in the last 4 weeks" in html
    assert "your pain stayed at or below 3" in html
    assert "<svg" in html and 'role="img"' in html


def test_messages_show_only_those_meant_for_the_patient_and_a_reply_reaches_both(
    page, therapist, trainer, patient, handoff
):
    services.post_message(handoff, by=therapist, body="Staff only note")
    services.post_message(handoff, by=therapist, body="How is the knee?", to_patient=True)

    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/messages/"))
    assert "How is the knee?" in html and "Staff only note" not in html

    response = page(patient).post(f"/my/plans/{handoff.pk}/messages/", {"body": "Much better"})
    assert response.status_code == 302
    reply = Message.objects.get(body="Much better")
    assert reply.to_patient
    told = set(Notification.objects.filter(kind=Kind.MESSAGE).values_list("recipient", flat=True))
    assert {therapist.pk, trainer.pk} <= told


def test_an_empty_message_is_refused_next_to_the_field(page, patient, handoff):
    response = page(patient).post(f"/my/plans/{handoff.pk}/messages/", {"body": "  "})

    assert response.status_code == 400
    assert 'id="id_body-errors"' in response.content.decode()


def test_the_patient_grants_the_consent_their_pt_requested(
    page, therapist, patient, patient_record, trainer
):
    draft = builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer)
    html = html_of(page(patient).get(f"/my/plans/{draft.pk}/consent/"))
    assert "You have not agreed to share your plan with Iron Oak Strength yet." in html
    assert "To continue my rehabilitation exercise program" in html  # the purpose

    refused = page(patient).post(f"/my/plans/{draft.pk}/consent/", {})
    assert refused.status_code == 400
    page(patient).post(f"/my/plans/{draft.pk}/consent/", {"agree": "on"})

    sent = services.send_handoff(draft, by=therapist)  # consent was the missing piece
    assert sent.status == Handoff.Status.SENT
    html = html_of(page(patient).get(f"/my/plans/{draft.pk}/consent/"))
    assert "You are sharing your plan with Iron Oak Strength until" in html


def test_revoking_asks_first_then_the_trainer_loses_access_at_once(
    page, api, patient, trainer, handoff
):
    confirm = html_of(page(patient).get(f"/my/plans/{handoff.pk}/consent/revoke/"))
    assert "lose access to your plan straight away" in confirm
    assert api(trainer).get(f"/api/v1/handoffs/{handoff.pk}/").status_code == 200

    response = page(patient).post(f"/my/plans/{handoff.pk}/consent/revoke/", {"note": ""})

    handoff.refresh_from_db()
    assert response.status_code == 302
    assert handoff.status == Handoff.Status.REVOKED
    assert api(trainer).get(f"/api/v1/handoffs/{handoff.pk}/").status_code == 404
    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/consent/"))
    assert "You stopped sharing your plan with Iron Oak Strength." in html


def test_a_second_revoke_says_so_instead_of_failing(page, patient, handoff):
    page(patient).post(f"/my/plans/{handoff.pk}/consent/revoke/", {})

    response = page(patient).post(f"/my/plans/{handoff.pk}/consent/revoke/", {}, follow=True)

    assert "There is no active consent to revoke." in response.content.decode()


def test_logging_on_a_plan_that_changed_meanwhile_shows_the_new_state(
    page, therapist, patient, handoff
):
    services.withdraw_handoff(handoff, by=therapist, reason="Moving clinic")

    response = page(patient).post(
        f"/my/plans/{handoff.pk}/log/",
        {"date": builders.clinic_today().isoformat(), "how": "done", "pain": "1"},
        follow=True,
    )

    html = response.content.decode()
    assert "was withdrawn" in html
    assert "This plan did not go ahead (withdrawn)" in html


def test_who_read_my_plan_in_plain_words(page, api, patient, trainer, handoff):
    moment = datetime.datetime(2026, 12, 3, 12, 40, tzinfo=datetime.UTC)  # 7:40 in New York
    with time_machine.travel(moment, tick=False):
        api(trainer).get(f"/api/v1/handoffs/{handoff.pk}/")

    html = html_of(page(patient).get("/my/who-read-my-plan/"))

    assert (
        "Terry Oak, your trainer at Iron Oak Strength, opened your plan on 3 December at 7:40."
        in html
    )


def test_reminder_times_are_saved_for_the_nudge(page, patient, handoff):
    response = page(patient).post(
        "/my/reminders/",
        {"nudge_hour": "8", "quiet": "on", "quiet_start": "21:30", "quiet_end": "07:00"},
    )

    pref = Preference.objects.get(user=patient)
    assert response.status_code == 302
    assert pref.nudge_hour == 8
    assert (pref.quiet_start, pref.quiet_end) == (datetime.time(21, 30), datetime.time(7, 0))
    assert pref.time_zone == "America/New_York"  # the clinic's, not UTC


def test_quiet_hours_without_times_are_refused_next_to_the_fields(page, patient, handoff):
    response = page(patient).post("/my/reminders/", {"nudge_hour": "8", "quiet": "on"})

    assert response.status_code == 200
    assert 'id="id_quiet_start-errors"' in response.content.decode()


def test_the_keep_up_your_program_reminder_links_to_log_a_session(patient, handoff):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        fire_due_reminders()

    nudge = Notification.objects.get(recipient=patient, kind=Kind.PATIENT_NUDGE)
    assert nudge.link == f"/my/plans/{handoff.pk}/log/"
    assert nudge.subject_id == handoff.pk


@pytest.mark.parametrize("status", ["declined", "withdrawn", "completed", "revoked"])
def test_a_closed_plan_is_read_only(page, therapist, patient, patient_record, trainer, status):
    handoff = builders.in_state(
        status, therapist=therapist, patient_record=patient_record, trainer=trainer
    )

    plan = html_of(page(patient).get(f"/my/plans/{handoff.pk}/"))
    log = html_of(page(patient).get(f"/my/plans/{handoff.pk}/log/"))

    assert "button big" not in plan  # no "Log a session" button
    assert "once your trainer has accepted" in log


def test_the_trainers_plan_shows_beside_the_home_program_without_what_broke_a_limit(
    page, patient, trainer, handoff
):
    from handoff.services.plan import PlanItemSpec, add_plan_item

    add_plan_item(
        handoff,
        by=trainer,
        spec=PlanItemSpec(
            name="Seated row",
            sets=3,
            reps=12,
            per_week=2,
            impact="none",
            body_regions=("thoracic_spine",),
            patterns=("horizontal_pull",),
            notes="Light band",
        ),
    )
    add_plan_item(
        handoff,
        by=trainer,
        spec=PlanItemSpec(
            name="Box jumps",
            sets=3,
            reps=5,
            per_week=1,
            impact="high",
            body_regions=("knee",),
            patterns=("plyometric",),
        ),
        exception_reason="Sport-specific, low box",
    )

    html = html_of(page(patient).get(f"/my/plans/{handoff.pk}/"))

    assert "Seated row" in html and "Light band" in html
    assert "Box jumps" not in html  # waits for the PT's exception: not the patient's to follow
