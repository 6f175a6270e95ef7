"""The safety engine through the API (issue 12): the therapist's packet checked, send and amend
refused then overridden, the trainer's plan refused then allowed by an exception, suspension
after an amendment with its notice, the live check, bad input and scoping beyond the matrix."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from audit.models import AccessLog
from exercises.models import Exercise
from handoff.models import HandoffEvent, PlanItem
from handoff.services.packets import RestrictionSpec
from handoff.tests import builders
from notifications.kinds import Kind
from notifications.models import Notification

from .test_api_support import packet_body, url

pytestmark = pytest.mark.django_db


def exercise(slug: str) -> Exercise:
    return Exercise.objects.get(slug=slug)


def with_box_jump(**extra: Any) -> dict[str, Any]:
    body = packet_body(**extra)
    body["program"] = [
        *body["program"],
        {"exercise": exercise("box-jump").pk, "sets": 3, "reps": 5, "per_week": 2},
    ]
    return body


OVERRIDE = {"item": 3, "restriction": 1, "reason": "Low box, supervised, pain-free landings"}


# --- The therapist's packet ----------------------------------------------------------------------


def test_a_draft_carries_its_conflicts_and_what_could_not_be_checked(api, people):
    handoff = builders.with_consent(builders.draft(**people), people["therapist"])
    response = api(people["therapist"]).patch(
        url("handoff-detail", handoff), {"packet": with_box_jump()}, format="json"
    )
    packet = response.json()["current_version"]
    assert response.status_code == 200
    review = builders.clinic_today() + datetime.timedelta(days=30)
    assert packet["conflicts"] == [
        {
            "item": 3,
            "restriction": 1,
            "severity": "block",
            "message": "Box jump is jumping and landing (plyometric) with the knee: the "
            "therapist's restriction “No jumping or landing drills” applies until "
            f"{review.day} {review:%B %Y}.",
        }
    ]
    # The two free-text items carry no tags: listed as not checkable, never silently safe.
    assert [u["item"] for u in packet["unchecked"]] == [1, 2]
    assert packet["overrides"] == []


def test_send_is_refused_with_program_conflicts_then_allowed_with_an_override(api, people):
    therapist = people["therapist"]
    handoff = builders.with_consent(builders.draft(**people), therapist)
    client = api(therapist)
    client.patch(url("handoff-detail", handoff), {"packet": with_box_jump()}, format="json")

    refused = client.post(url("handoff-send", handoff), format="json")

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "program_conflicts"
    assert [r["code"] for r in body["reasons"]] == ["program_conflicts"]
    assert [(c["item"], c["restriction"], c["severity"]) for c in body["conflicts"]] == [
        (3, 1, "block")
    ]
    assert "No jumping or landing drills" in body["detail"]

    client.patch(
        url("handoff-detail", handoff),
        {"packet": with_box_jump(overrides=[OVERRIDE])},
        format="json",
    )
    sent = client.post(url("handoff-send", handoff), format="json")

    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    trainer_view = api(people["trainer"]).get(url("handoff-detail", handoff)).json()
    (override,) = trainer_view["current_version"]["overrides"]
    assert override["reason"] == OVERRIDE["reason"]
    assert override["message"] == (
        "Dana Rivers allows Box jump despite “No jumping or landing drills”: "
        "Low box, supervised, pain-free landings"
    )


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"item": 3, "restriction": 1, "reason": ""}, "reason"),
        ({"item": 3, "restriction": 1, "reason": "   "}, "reason"),
        ({"item": 3, "restriction": 1}, "reason"),
        ({"item": 3, "restriction": "one", "reason": "Fine"}, "restriction"),
    ],
)
def test_an_override_without_a_reason_is_a_400_naming_the_field(api, people, override, field):
    handoff = builders.draft(**people)
    response = api(people["therapist"]).patch(
        url("handoff-detail", handoff),
        {"packet": with_box_jump(overrides=[override])},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["packet"]["overrides"]["0"]


def test_an_override_of_an_item_that_does_not_exist_is_a_400(api, people):
    handoff = builders.draft(**people)
    response = api(people["therapist"]).patch(
        url("handoff-detail", handoff),
        {"packet": with_box_jump(overrides=[{**OVERRIDE, "item": 9}])},
        format="json",
    )
    assert response.status_code == 400
    assert "no program item 9" in str(response.json()["overrides"])


def test_amend_is_refused_with_program_conflicts_then_allowed_with_an_override(api, people):
    handoff = builders.accepted(**people)
    client = api(people["therapist"])

    refused = client.post(url("handoff-versions", handoff), with_box_jump(), format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "program_conflicts"
    assert refused.json()["conflicts"][0]["item"] == 3
    assert handoff.versions.count() == 1  # nothing of the refused version was kept

    allowed = client.post(
        url("handoff-versions", handoff), with_box_jump(overrides=[OVERRIDE]), format="json"
    )
    assert allowed.status_code == 201
    assert allowed.json()["overrides"][0]["reason"] == OVERRIDE["reason"]


def test_structured_loads_are_checked_against_a_load_cap(api, people):
    handoff = builders.draft(**people)
    body = packet_body(
        program=[
            {
                "exercise": exercise("goblet-squat").pk,
                "sets": 3,
                "reps": 8,
                "per_week": 2,
                "load_value": 30,
                "load_unit": "lb",
            }
        ],
        restrictions=[
            {
                "kind": "load_cap",
                "body_region": "knee",
                "limit_value": 10,
                "limit_unit": "kg",
                "text": "Nothing over 10 kg through the knee",
            }
        ],
    )
    response = api(people["therapist"]).patch(
        url("handoff-detail", handoff), {"packet": body}, format="json"
    )
    packet = response.json()["current_version"]
    assert packet["program"][0]["load_value"] == 30 and packet["program"][0]["load_unit"] == "lb"
    assert [(c["severity"], c["restriction"]) for c in packet["conflicts"]] == [("block", 1)]
    assert "30 lb, above the cap of 10 kg" in packet["conflicts"][0]["message"]


def test_a_load_value_without_its_unit_is_a_400(api, people):
    handoff = builders.draft(**people)
    body = packet_body()
    body["program"][0]["load_value"] = 10
    response = api(people["therapist"]).patch(
        url("handoff-detail", handoff), {"packet": body}, format="json"
    )
    assert response.status_code == 400
    assert "load_unit" in str(response.json())


# --- The trainer's plan ------------------------------------------------------------------------


def box_jump_item(**extra: Any) -> dict[str, Any]:
    return {"exercise": exercise("box-jump").pk, "sets": 3, "reps": 5, "per_week": 2, **extra}


def test_a_plan_item_that_breaks_a_restriction_is_refused_then_allowed_by_an_exception(api, people):
    therapist, trainer = people["therapist"], people["trainer"]
    handoff = builders.accepted(**people)
    plan_url = url("handoff-plan", handoff)

    refused = api(trainer).post(plan_url, box_jump_item(), format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "program_conflicts"
    assert "No jumping or landing drills" in refused.json()["conflicts"][0]["message"]
    assert not PlanItem.objects.exists()

    asked = api(trainer).post(
        plan_url, box_jump_item(exception_reason="Low box, for confidence"), format="json"
    )
    assert asked.status_code == 201
    item = asked.json()
    assert item["status"] == "awaiting_exception" and item["name"] == "Box jump"
    assert item["exception"]["reason"] == "Low box, for confidence"
    assert Notification.objects.filter(recipient=therapist, kind=Kind.EXCEPTION_REQUESTED).exists()

    granted = api(therapist).post(
        url("handoff-plan-exception-grant", handoff, item=item["id"]),
        {"note": "Low box only, 3 sets of 5"},
        format="json",
    )

    assert granted.status_code == 200
    assert granted.json()["status"] == "active"
    assert granted.json()["exception"]["answered_by"]["name"] == therapist.name
    assert Notification.objects.filter(recipient=trainer, kind=Kind.EXCEPTION_ANSWERED).exists()
    actions = list(HandoffEvent.objects.filter(handoff=handoff).values_list("action", flat=True))
    assert actions[-2:] == ["exception_requested", "exception_granted"]
    # The grant holds while the restriction does: changing the sets keeps the item active.
    changed = api(trainer).patch(
        url("handoff-plan-item", handoff, item=item["id"]), {"sets": 2}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["status"] == "active"


def test_a_refused_exception_leaves_the_item_refused_and_tells_the_trainer(api, people):
    handoff = builders.accepted(**people)
    item = builders.plan_item(
        handoff,
        people["trainer"],
        exception_reason="Short hops only",
        **{**box_jump_item(), "name": ""},
    )
    response = api(people["therapist"]).post(
        url("handoff-plan-exception-refuse", handoff, item=item.pk),
        {"note": "Not before the review"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert response.json()["exception"]["note"] == "Not before the review"
    assert HandoffEvent.objects.filter(handoff=handoff, action="exception_refused").exists()


def test_refusing_needs_a_note(api, people):
    handoff = builders.accepted(**people)
    item = builders.plan_item(
        handoff, people["trainer"], exception_reason="Please", **{**box_jump_item(), "name": ""}
    )
    response = api(people["therapist"]).post(
        url("handoff-plan-exception-refuse", handoff, item=item.pk), {}, format="json"
    )
    assert response.status_code == 400 and "note" in response.json()


def test_warnings_are_stored_and_shown(api, people):
    handoff = builders.accepted(**people)
    builders.amend_with(
        handoff,
        people["therapist"],
        RestrictionSpec(
            kind="rom_limit",
            body_region="knee",
            limit_value=Decimal(120),
            limit_unit="deg",
            text="Knee bends to 120 degrees",
        ),
    )
    created = api(people["trainer"]).post(
        url("handoff-plan", handoff),
        {"exercise": exercise("goblet-squat").pk, "sets": 3, "reps": 8, "per_week": 2},
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "active"
    assert [c["severity"] for c in created.json()["conflicts"]] == ["warn"]
    listed = api(people["patient_record"].user).get(url("handoff-plan", handoff)).json()
    assert listed[0]["conflicts"] == created.json()["conflicts"]


def test_items_breaking_an_amended_restriction_are_suspended_and_the_trainer_is_told(api, people):
    therapist, trainer = people["therapist"], people["trainer"]
    handoff = builders.accepted(**people)
    jog = builders.plan_item(handoff, trainer)
    bridge = builders.plan_item(
        handoff,
        trainer,
        name="Glute bridge",
        body_regions=("hip",),
        patterns=("hinge",),
        impact="none",
        seconds=None,
        reps=12,
    )

    response = api(therapist).post(
        url("handoff-versions", handoff),
        packet_body(
            restrictions=[
                *packet_body()["restrictions"],
                {"kind": "no_impact", "body_region": "knee", "text": "No running or jumping"},
            ]
        ),
        format="json",
    )

    assert response.status_code == 201
    jog.refresh_from_db()
    bridge.refresh_from_db()
    assert jog.status == "suspended" and bridge.status == "active"
    notice = Notification.objects.get(recipient=trainer, kind=Kind.VERSION_CREATED)
    assert notice.requires_ack
    assert "Suspended from your plan" in notice.body
    assert "Treadmill jog" in notice.body and "moderate-impact" in notice.body
    assert "Glute bridge" not in notice.body
    assert HandoffEvent.objects.filter(handoff=handoff, action="plan_suspended").exists()

    asked = api(trainer).post(
        url("handoff-plan-exception", handoff, item=jog.pk),
        {"reason": "Flat treadmill walk-jog only"},
        format="json",
    )
    assert asked.status_code == 200 and asked.json()["status"] == "awaiting_exception"


def test_an_active_item_needs_no_exception(api, people):
    handoff = builders.accepted(**people)
    item = builders.plan_item(handoff, people["trainer"])
    response = api(people["trainer"]).post(
        url("handoff-plan-exception", handoff, item=item.pk), {"reason": "Why not"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "no_exception_needed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Sled push", "sets": 3, "reps": 5, "per_week": 2}, "body_regions"),
        (
            {
                "name": "Sled push",
                "body_regions": ["knee"],
                "impact": "low",
                "sets": 3,
                "reps": 5,
                "per_week": 2,
            },
            "patterns",
        ),
        ({"exercise": 999999, "sets": 3, "reps": 5, "per_week": 2}, "exercise"),
        (
            {
                "exercise": None,
                "name": "X",
                "body_regions": ["tail"],
                "sets": 3,
                "reps": 5,
                "per_week": 2,
            },
            "body_regions",
        ),
        (
            {
                "name": "Plank",
                "body_regions": ["core"],
                "patterns": ["anti_rotation"],
                "impact": "none",
                "sets": 3,
                "per_week": 2,
            },
            "reps",
        ),
        (
            {
                "name": "Plank",
                "body_regions": ["core"],
                "patterns": ["anti_rotation"],
                "impact": "none",
                "sets": 0,
                "reps": 3,
                "per_week": 2,
            },
            "sets",
        ),
    ],
)
def test_bad_plan_items_are_a_400_naming_the_field(api, people, body, field):
    handoff = builders.accepted(**people)
    response = api(people["trainer"]).post(url("handoff-plan", handoff), body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_the_plan_changes_only_while_the_handoff_is_accepted(api, people):
    handoff = builders.in_state("referred_back", **people)
    response = api(people["trainer"]).post(
        url("handoff-plan", handoff), box_jump_item(), format="json"
    )
    assert response.status_code == 409


def test_a_plan_item_of_another_handoff_is_not_found(api, people, other_patient_record):
    handoff = builders.accepted(**people)
    other = builders.accepted(
        therapist=people["therapist"],
        patient_record=other_patient_record,
        trainer=people["trainer"],
    )
    item = builders.plan_item(other, people["trainer"])
    client = api(people["trainer"])
    assert (
        client.patch(
            url("handoff-plan-item", handoff, item=item.pk), {"sets": 2}, format="json"
        ).status_code
        == 404
    )
    assert client.delete(url("handoff-plan-item", handoff, item=item.pk)).status_code == 404
    assert (
        api(people["therapist"])
        .post(url("handoff-plan-exception-grant", handoff, item=item.pk), {}, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "persona", ["other_therapist", "trainer2", "unpartnered_trainer", "other_patient", "outsider"]
)
def test_strangers_find_no_plan_and_no_check(api, people, request, persona):
    handoff = builders.accepted(**people)
    item = builders.plan_item(handoff, people["trainer"])
    client = api(request.getfixturevalue(persona))
    for response in (
        client.get(url("handoff-plan", handoff)),
        client.post(url("handoff-plan", handoff), box_jump_item(), format="json"),
        client.patch(url("handoff-plan-item", handoff, item=item.pk), {"sets": 2}, format="json"),
        client.post(url("handoff-check", handoff), {"items": [box_jump_item()]}, format="json"),
    ):
        assert response.status_code == 404


def test_reading_the_plan_is_audited(api, people):
    handoff = builders.accepted(**people)
    api(people["patient_record"].user).get(url("handoff-plan", handoff))
    logged = AccessLog.objects.filter(actor=people["patient_record"].user, action="read_plan")
    assert set(logged.values_list("object_type", "object_id")) == {
        ("handoff", handoff.pk),
        ("patient", handoff.patient_id),
    }


# --- The live check ---------------------------------------------------------------------------------


def test_the_live_check_answers_conflicts_and_saves_nothing(api, people):
    handoff = builders.accepted(**people)
    response = api(people["therapist"]).post(
        url("handoff-check", handoff),
        {
            "items": [
                {"exercise": exercise("glute-bridge").pk, "sets": 3, "reps": 10, "per_week": 3},
                box_jump_item(),
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert [(c["item"], c["severity"]) for c in response.json()["conflicts"]] == [(2, "block")]
    assert response.json()["unchecked"] == []
    assert not PlanItem.objects.exists()
    assert handoff.versions.count() == 1


def test_the_live_check_names_the_bad_item_field(api, people):
    handoff = builders.accepted(**people)
    response = api(people["trainer"]).post(
        url("handoff-check", handoff),
        {"items": [{"name": "Sled push", "sets": 3, "reps": 5, "per_week": 2}]},
        format="json",
    )
    assert response.status_code == 400
    assert "items[0].body_regions" in response.json()


def test_other_restrictions_are_listed_as_needing_judgement(api, people):
    handoff = builders.accepted(**people)
    builders.amend_with(
        handoff,
        people["therapist"],
        RestrictionSpec(kind="other", text="No contact sport until the review"),
    )
    response = api(people["trainer"]).post(
        url("handoff-check", handoff), {"items": [box_jump_item()]}, format="json"
    )
    assert [u["restriction"] for u in response.json()["unchecked"]] == [2]
    assert "needs your judgement" in response.json()["unchecked"][0]["reason"]


def test_a_restriction_past_its_review_date_stays_in_force(api, people, time_machine):
    handoff = builders.accepted(**people)
    review = builders.clinic_today() + datetime.timedelta(days=30)  # the packet's restriction
    time_machine.move_to(datetime.datetime.combine(review, datetime.time(12), tzinfo=datetime.UTC))
    time_machine.shift(datetime.timedelta(days=3))

    response = api(people["trainer"]).post(
        url("handoff-plan", handoff), box_jump_item(), format="json"
    )

    assert response.status_code == 409
    assert "review was due on" in response.json()["conflicts"][0]["message"]


def test_the_plan_costs_the_same_queries_for_1_and_20_items(api, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_api_support import fresh

    handoff = builders.accepted(**people)
    plan_url = url("handoff-plan", handoff)

    def cost(rows: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api(fresh(people["therapist"])).get(plan_url)
        assert len(response.json()) == rows
        return len(queries)

    builders.plan_item(handoff, people["trainer"], exception_reason="Flat only", **box_jump_item())
    one = cost(1)
    for _ in range(19):
        builders.plan_item(handoff, people["trainer"])
    PlanItem.objects.filter(status="awaiting_exception").update(
        exception_answered_by=people["therapist"]
    )
    assert cost(20) == one
