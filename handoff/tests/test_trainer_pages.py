"""The trainer's pages: inbox, packet page, actions and the printable sheet."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AccessLog
from handoff import services
from handoff.models import CheckIn, Handoff, Message
from handoff.services import plan as plan_services
from handoff.tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Double-submit tokens live in the cache; ids repeat between tests on SQLite."""
    from django.core.cache import cache

    cache.clear()


NOT_TRAINERS = ["therapist", "patient", "clinic_admin", "gym_admin", "outsider", "other_therapist"]


def post(client, handoff, action, data=None, *, seen=None, once="tok-1"):
    fields = {"seen": seen or handoff.status, "once": once, **(data or {})}
    body = {f"{action}-{key}": value for key, value in fields.items()}
    return client.post(f"/trainer/handoffs/{handoff.pk}/{action}/", body)


# --- Who sees what ------------------------------------------------------------------------------


def test_the_inbox_lists_a_new_packet_with_its_deadline_and_time_left(
    make_handoff, trainer, client
):
    handoff = make_handoff("sent")
    client.force_login(trainer)
    response = client.get("/trainer/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Alex Morgan" in body and "left" in body
    assert f"/trainer/handoffs/{handoff.pk}/" in body
    assert AccessLog.objects.filter(actor=trainer, action="list", object_id=handoff.pk).exists()


def test_the_inbox_sorts_clients_by_state_and_flags_a_version_to_acknowledge(
    make_handoff, therapist, trainer, client
):
    handoff = make_handoff("accepted")
    services.amend_packet(
        handoff, by=therapist, packet=builders.packet(pain_ceiling=3), change_note="Lower ceiling"
    )
    client.force_login(trainer)
    body = client.get("/trainer/").content.decode()
    assert "Version 2 of the packet to acknowledge" in body
    assert "Next check-in due" in body


@pytest.mark.parametrize("persona", NOT_TRAINERS)
def test_only_trainers_reach_the_inbox(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/trainer/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(make_handoff, client):
    handoff = make_handoff("sent")
    for url in ("/trainer/", f"/trainer/handoffs/{handoff.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_packet_page_puts_the_limits_first_and_is_audited(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    response = client.get(f"/trainer/handoffs/{handoff.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    limits = body.index("Pain ceiling: <strong>5/10</strong>")
    assert limits < body.index("No jumping or landing drills") < body.index("Split squat")
    assert "Chest pain" in body and "seek urgent medical care" in body.lower()
    assert "Dana Rivers" in body and "pt@riverside.test" in body
    assert str(handoff.patient.date_of_birth.year) not in body
    assert AccessLog.objects.filter(
        actor=trainer, action="read", object_type="patient", object_id=handoff.patient_id
    ).exists()


@pytest.mark.parametrize("persona", ["trainer2", "unpartnered_trainer", *NOT_TRAINERS])
def test_a_packet_not_addressed_to_the_trainer_is_a_404(make_handoff, client, request, persona):
    handoff = make_handoff("accepted")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/trainer/handoffs/{handoff.pk}/").status_code == 404
    assert client.get(f"/trainer/handoffs/{handoff.pk}/sheet/").status_code == 404
    assert post(client, handoff, "message", {"body": "hi"}).status_code == 404


@pytest.mark.parametrize("status", ["declined", "expired", "withdrawn", "revoked"])
def test_closed_packets_are_gone_for_the_trainer(make_handoff, trainer, client, status):
    handoff = make_handoff(status)
    client.force_login(trainer)
    assert client.get(f"/trainer/handoffs/{handoff.pk}/").status_code == 404


@pytest.mark.parametrize("status", ["sent", "accepted", "referred_back", "completed"])
def test_the_trainer_reads_the_packet_in_every_state_they_may(
    make_handoff, trainer, client, status
):
    handoff = make_handoff(status)
    client.force_login(trainer)
    assert client.get(f"/trainer/handoffs/{handoff.pk}/").status_code == 200
    assert client.get(f"/trainer/handoffs/{handoff.pk}/sheet/").status_code == 200


@pytest.mark.parametrize("pk", ["999999", "0", "99999999999999999999"])
def test_unknown_or_absurd_ids_are_404(trainer, client, pk):
    client.force_login(trainer)
    assert client.get(f"/trainer/handoffs/{pk}/").status_code == 404


# --- Answering ----------------------------------------------------------------------------------


def test_accepting_moves_the_handoff_and_a_double_submit_does_one_thing(
    make_handoff, trainer, client
):
    handoff = make_handoff("sent")
    client.force_login(trainer)
    first = post(client, handoff, "accept")
    second = post(client, handoff, "accept")
    handoff.refresh_from_db()
    assert first.status_code == 302 and second.status_code == 302
    assert handoff.status == "accepted"
    assert handoff.events.filter(action="accepted").count() == 1
    assert "already done" in client.get(second["Location"]).content.decode()


def test_an_action_on_a_handoff_that_changed_meanwhile_says_so(make_handoff, trainer, client):
    handoff = make_handoff("sent")
    client.force_login(trainer)
    post(client, handoff, "accept", once="a")
    response = post(client, handoff, "accept", seen="sent", once="b")
    assert response.status_code == 409
    assert "changed while you were looking at it" in response.content.decode()


def test_declining_needs_a_reason_shown_next_to_the_field(make_handoff, trainer, client):
    handoff = make_handoff("sent")
    client.force_login(trainer)
    response = post(client, handoff, "decline", {"reason": "  "})
    assert response.status_code == 400
    assert 'id="id_decline-reason"' in response.content.decode()
    assert "This field is required" in response.content.decode()
    response = post(client, handoff, "decline", {"reason": "Fully booked"}, once="2")
    handoff.refresh_from_db()
    assert handoff.status == "declined" and response["Location"] == "/trainer/"


# --- While training -----------------------------------------------------------------------------


def test_a_new_version_shows_what_changed_and_can_be_acknowledged(
    make_handoff, therapist, trainer, client
):
    handoff = make_handoff("accepted")
    spec = builders.packet(
        pain_ceiling=3,
        program=(builders.ProgramItemSpec(name="Glute bridge", sets=2, reps=12, per_week=3),),
    )
    services.amend_packet(handoff, by=therapist, packet=spec, change_note="Swap the squat")
    client.force_login(trainer)
    body = client.get(f"/trainer/handoffs/{handoff.pk}/").content.decode()
    assert "Version 2 is new" in body and "Swap the squat" in body
    assert "Glute bridge" in body and "<del>Split squat</del>" in body
    assert "Pain ceiling: <del>5</del> → <ins>3</ins>" in body
    response = post(client, handoff, "acknowledge", {"number": 2})
    handoff.refresh_from_db()
    assert response.status_code == 302 and handoff.acknowledged_version == 2


def test_acknowledging_an_old_version_is_refused_with_a_message(
    make_handoff, therapist, trainer, client
):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(), change_note="v2")
    client.force_login(trainer)
    response = post(client, handoff, "acknowledge", {"number": 1})
    assert response.status_code == 409
    assert "not the latest version" in response.content.decode()


def test_a_check_in_is_saved_once_even_when_sent_twice(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    data = {
        "date": builders.clinic_today().isoformat(),
        "sessions_attended": 4,
        "progress": "Squats pain-free at 3x10.",
    }
    post(client, handoff, "check_in", data)
    post(client, handoff, "check_in", data)
    assert CheckIn.objects.filter(handoff=handoff).count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"date": "not-a-date", "sessions_attended": 1, "progress": "ok"}, "date"),
        ({"date": "2999-01-01", "sessions_attended": 1, "progress": "ok"}, "date"),
        ({"date": "2026-01-01", "sessions_attended": -1, "progress": "ok"}, "sessions_attended"),
        (
            {"date": "2026-01-01", "sessions_attended": "9" * 30, "progress": "ok"},
            "sessions_attended",
        ),
        ({"date": "2026-01-01", "sessions_attended": 1, "progress": ""}, "progress"),
        ({"date": "2026-01-01", "sessions_attended": 1, "progress": "x" * 2001}, "progress"),
        (
            {"date": "2026-01-01", "sessions_attended": 1, "progress": "ok", "symptoms": "gout"},
            "symptoms",
        ),
    ],
)
def test_bad_check_ins_are_shown_again_with_the_error_by_the_field(
    make_handoff, trainer, client, data, field
):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    response = post(client, handoff, "check_in", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert CheckIn.objects.count() == 0
    error_at = body.index('class="errorlist')
    assert body.index(f'name="check_in-{field}"', error_at) - error_at < 1500


def test_refer_back_with_an_always_escalate_symptom_shows_the_urgent_guidance(
    make_handoff, trainer, client
):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    response = post(
        client,
        handoff,
        "refer_back",
        {"reason": "Chest tightness on the bike", "symptoms": "chest_pain"},
    )
    handoff.refresh_from_db()
    assert handoff.status == "referred_back"
    page = client.get(response["Location"]).content.decode()
    assert "seek urgent medical care" in page and "Training is paused" in page


def test_the_refer_back_form_marks_the_urgent_symptoms_for_the_script(
    make_handoff, trainer, client
):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    body = client.get(f"/trainer/handoffs/{handoff.pk}/").content.decode()
    assert body.count("data-urgent") >= 6 + 1  # six symptoms, the guidance box
    assert "<script src=" in body and "js/trainer.js" in body
    assert "<script>" not in body


def test_refer_back_without_a_reason_is_a_400(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    assert post(client, handoff, "refer_back", {"reason": ""}).status_code == 400


def test_messages_go_to_the_therapist_and_empty_ones_are_refused(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    assert post(client, handoff, "message", {"body": ""}).status_code == 400
    assert post(client, handoff, "message", {"body": "x" * 4001}, once="2").status_code == 400
    assert (
        post(client, handoff, "message", {"body": "Can we add rows?"}, once="3").status_code == 302
    )
    assert Message.objects.filter(handoff=handoff, author=trainer).count() == 1


def test_completing_needs_a_report_and_refuses_red_flags(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    report = {"sessions_attended": 20, "progress": "Goals met", "note": ""}
    assert post(client, handoff, "complete", {**report, "progress": ""}).status_code == 400
    flagged = post(client, handoff, "complete", {**report, "symptoms": "swelling"}, once="2")
    assert flagged.status_code == 409 and "refer the patient back" in flagged.content.decode()
    done = post(client, handoff, "complete", report, once="3")
    handoff.refresh_from_db()
    assert done.status_code == 302 and handoff.status == "completed"
    assert handoff.final_report.sessions_attended == 20


@pytest.mark.parametrize(
    "body, code",
    [
        ({}, 400),
        ({"accept-seen": "nonsense", "accept-once": "x"}, 400),
        ({"accept-seen": "sent", "accept-once": "x" * 65}, 400),
        ({"accept-seen": "sent\x00", "accept-once": "x"}, 400),
        # The last of repeated values counts: a state the trainer did not see, refused.
        ({"accept-seen": ["sent", "accepted"], "accept-once": "x"}, 409),
    ],
)
def test_tampered_action_forms_are_refused_not_a_500(make_handoff, trainer, client, body, code):
    handoff = make_handoff("sent")
    client.force_login(trainer)
    assert client.post(f"/trainer/handoffs/{handoff.pk}/accept/", body).status_code == code
    handoff.refresh_from_db()
    assert handoff.status == "sent"


def test_unknown_actions_and_gets_on_actions_are_refused(make_handoff, trainer, client):
    handoff = make_handoff("sent")
    client.force_login(trainer)
    assert post(client, handoff, "withdraw", {"reason": "x"}).status_code == 404
    assert client.get(f"/trainer/handoffs/{handoff.pk}/accept/").status_code == 405


def test_an_action_the_state_does_not_allow_is_a_409_with_the_page(make_handoff, trainer, client):
    handoff = make_handoff("completed")
    client.force_login(trainer)
    response = post(client, handoff, "message", {"body": "Still there?"})
    assert response.status_code == 409
    assert "is completed" in response.content.decode()


def test_the_session_sheet_carries_the_limits_and_the_program_for_print(
    make_handoff, trainer, client
):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    body = client.get(f"/trainer/handoffs/{handoff.pk}/sheet/").content.decode()
    assert "Session sheet" in body and "No jumping or landing drills" in body
    assert "Split squat" in body and "css/trainer.css" in body
    assert AccessLog.objects.filter(actor=trainer, object_id=handoff.pk, action="read").exists()


def test_session_logs_above_the_ceiling_are_marked(make_handoff, trainer, patient, client):
    handoff = make_handoff("accepted")
    services.log_session(
        handoff,
        by=patient,
        date=builders.clinic_today() - datetime.timedelta(days=1),
        completed=True,
        pain=7,
    )
    client.force_login(trainer)
    body = client.get(f"/trainer/handoffs/{handoff.pk}/").content.decode()
    assert "7/10 <strong>above ceiling</strong>" in body
    assert Handoff.objects.get(pk=handoff.pk).status == "referred_back"
    assert "The patient logged a red flag" in client.get("/trainer/").content.decode()


# --- The trainer's plan ---------------------------------------------------------------------------


def exercise_id(name: str) -> int:
    from exercises.models import Exercise

    return Exercise.objects.get(name=name).pk


def plan_item(**overrides):
    return {"sets": 3, "reps": 10, "per_week": 2, **overrides}


def test_a_library_exercise_inside_the_restrictions_joins_the_plan(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    response = post(client, handoff, "plan_add", plan_item(exercise=exercise_id("Glute bridge")))
    assert response.status_code == 302
    item = handoff.plan_items.get()
    assert item.name == "Glute bridge" and item.status == "active"
    body = client.get(f"/trainer/handoffs/{handoff.pk}/").content.decode()
    assert "Glute bridge" in body and "data-plan-check=" in body


def test_a_blocked_item_is_refused_with_the_restriction_and_a_one_click_exception(
    make_handoff, therapist, trainer, client
):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    jump = plan_item(exercise=exercise_id("Squat jump"))
    refused = post(client, handoff, "plan_add", jump)
    body = refused.content.decode()
    assert refused.status_code == 409 and not handoff.plan_items.exists()
    assert "This item breaks a restriction" in body and "No jumping or landing drills" in body
    assert "Please allow" in body  # the reason is filled in: one click asks
    asked = post(
        client, handoff, "plan_add", {**jump, "exception_reason": "Please allow it"}, once="2"
    )
    item = handoff.plan_items.get()
    assert asked.status_code == 302 and item.status == "awaiting_exception"
    plan_services.grant_exception(handoff, item_id=item.pk, by=therapist, note="Low box only")
    item.refresh_from_db()
    assert item.status == "active"
    assert "granted your exception request" in client.get("/trainer/").content.decode()
    assert "Low box only" in client.get(f"/trainer/handoffs/{handoff.pk}/").content.decode()


def test_a_free_text_item_needs_its_tags_named_by_the_field(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    response = post(client, handoff, "plan_add", plan_item(name="Sled push"))
    body = response.content.decode()
    assert response.status_code == 400
    for field in ("body_regions", "patterns", "impact"):
        assert f'id="id_plan_add-{field}_error"' in body


@pytest.mark.parametrize(
    "data, field",
    [
        (plan_item(sets=0, exercise=1), "sets"),
        (plan_item(per_week=15, exercise=1), "per_week"),
        (plan_item(reps=None, seconds=None, exercise=1), "reps"),
        (plan_item(load_value="-1", load_unit="kg", exercise=1), "load_value"),
        (plan_item(load_value="5", exercise=1), "load_unit"),
        (plan_item(exercise="999999"), "exercise"),
        (plan_item(exercise="abc"), "exercise"),
    ],
)
def test_bad_plan_items_show_the_error_by_the_field(make_handoff, trainer, client, data, field):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = post(client, handoff, "plan_add", data)
    assert response.status_code == 400
    assert f'id="id_plan_add-{field}_error"' in response.content.decode()


def test_removing_a_plan_item_and_refusing_ids_of_other_handoffs(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    post(client, handoff, "plan_add", plan_item(exercise=exercise_id("Glute bridge")))
    item = handoff.plan_items.get()
    assert post(client, handoff, "plan_remove", {"item": 999999}, once="2").status_code == 404
    assert post(client, handoff, "plan_remove", {"item": item.pk}, once="3").status_code == 302
    assert not handoff.plan_items.exists()


def test_asking_again_after_a_refusal(make_handoff, therapist, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    jump = plan_item(exercise=exercise_id("Squat jump"), exception_reason="Sport goal")
    post(client, handoff, "plan_add", jump)
    item = handoff.plan_items.get()
    plan_services.refuse_exception(handoff, item_id=item.pk, by=therapist, note="Not yet")
    assert "refused your exception request" in client.get("/trainer/").content.decode()
    empty = post(client, handoff, "plan_exception", {"item": item.pk, "reason": ""}, once="2")
    assert empty.status_code == 400
    again = post(
        client, handoff, "plan_exception", {"item": item.pk, "reason": "Low box"}, once="3"
    )
    item.refresh_from_db()
    assert again.status_code == 302 and item.status == "awaiting_exception"
