"""Bad input changes nothing and never gets a 500 (docs/api.md, Conventions).

Each case sends one mistake to the endpoint that would take it, from the person allowed to
send it, and checks the 400 names the field and that no row was written anywhere.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from handoff.models import Handoff

from .test_api_scoping import api_patterns
from .test_api_support import day, packet_body, row_counts, url

pytestmark = pytest.mark.django_db


def names(errors: Any, field: str) -> bool:
    """Whether a DRF error body names ``field``, however deep (``{"packet": {"program": …}}``)."""
    if isinstance(errors, dict):
        return field in errors or any(names(v, field) for v in errors.values())
    if isinstance(errors, list):
        return any(names(v, field) for v in errors)
    return False


def with_item(**changes: Any) -> dict[str, Any]:
    body = packet_body()
    body["program"][0].update(changes)
    return body


def with_restriction(**changes: Any) -> dict[str, Any]:
    body = packet_body()
    body["restrictions"][0].update(changes)
    return body


def with_clearance(**changes: Any) -> dict[str, Any]:
    body = packet_body()
    body["clearance"].update(changes)
    return body


def without_clearance_field(name: str) -> dict[str, Any]:
    body = packet_body()
    del body["clearance"][name]
    return body


# (packet, field the 400 must name): sent as a draft's packet and as a new version.
BAD_PACKETS = [
    ("not an object", "packet"),
    (packet_body(red_flags=["swelling", "sore_toe"]), "red_flags"),
    (packet_body(red_flags="swelling"), "red_flags"),
    (with_restriction(kind="no_fun"), "kind"),
    (with_restriction(body_region="tail"), "body_region"),
    (with_restriction(pattern="cartwheel"), "pattern"),
    (with_restriction(limit_value=20, limit_unit="stone"), "limit_unit"),
    (with_restriction(limit_value="lots", limit_unit="kg"), "limit_value"),
    (with_restriction(limit_value=-5, limit_unit="kg"), "limit_value"),
    (with_restriction(limit_value=20), "restrictions"),  # a value needs its unit
    (with_restriction(review_on=day(-10)), "restrictions"),  # before the clearance
    (with_restriction(text="x" * 501), "text"),
    (with_clearance(level="mostly"), "level"),
    (with_clearance(surgery_date=day(1)), "clearance"),  # after the clearance
    (with_clearance(cleared_on="12/01/2026"), "cleared_on"),
    (with_clearance(cleared_on="0001-01-01"), "cleared_on"),
    (with_clearance(condition="x" * 301), "condition"),
    (with_clearance(notes_for_trainer="x" * 2001), "notes_for_trainer"),
    (with_clearance(visits_completed=-1), "visits_completed"),
    (without_clearance_field("condition"), "condition"),
    (with_item(sets=0), "sets"),
    (with_item(sets="three"), "sets"),
    (with_item(sets=True), "sets"),
    (with_item(per_week=15), "per_week"),
    (with_item(reps=0), "reps"),
    (with_item(hold_seconds=601), "hold_seconds"),
    (with_item(reps=None), "program"),  # neither reps nor hold seconds
    (with_item(name="", exercise=None), "program"),  # neither a name nor an exercise
    (with_item(exercise=999_999), "program"),  # no such exercise
    (with_item(exercise=10**30), "exercise"),
    (with_item(name="x" * 121), "name"),
    (with_item(cues="x" * 1001), "cues"),
    (packet_body(pain_ceiling=11), "pain_ceiling"),
    (packet_body(pain_ceiling=-1), "pain_ceiling"),
    (packet_body(program=[packet_body()["program"][0]] * 51), "program"),
]


def bad_packet_ids() -> list[str]:
    return [f"{field}-{i}" for i, (_, field) in enumerate(BAD_PACKETS)]


@pytest.fixture
def draft(make_handoff):
    return make_handoff("draft")


@pytest.fixture
def accepted(make_handoff):
    return make_handoff("accepted")


def refused(client, method: str, path: str, body: Any, field: str | None) -> None:
    """The request is a 400 naming ``field`` and nothing anywhere changed."""
    before = row_counts()
    if isinstance(body, str | bytes):
        response = getattr(client, method)(path, body, content_type="application/json")
    else:
        response = getattr(client, method)(path, body, format="json")

    assert response.status_code == 400, response.content[:500]
    if field is not None:
        assert names(response.json(), field), response.json()
    assert row_counts() == before


# --- Creating and editing a draft --------------------------------------------------------------


@pytest.mark.parametrize(("packet", "field"), BAD_PACKETS, ids=bad_packet_ids())
def test_a_bad_packet_creates_no_draft(api, therapist, trainer, patient_record, packet, field):
    body = {"patient": patient_record.pk, "trainer": trainer.pk, "packet": copy.deepcopy(packet)}

    refused(api(therapist), "post", url("handoff-list"), body, field)


@pytest.mark.parametrize(("packet", "field"), BAD_PACKETS, ids=bad_packet_ids())
def test_a_bad_packet_makes_no_new_version(api, therapist, accepted, packet, field):
    body = copy.deepcopy(packet)
    if isinstance(body, dict):
        body["change_note"] = "Amended"
    else:
        field = None  # the whole body is the packet here: a plain 400

    refused(api(therapist), "post", url("handoff-versions", accepted), body, field)


@pytest.mark.parametrize(("packet", "field"), BAD_PACKETS, ids=bad_packet_ids())
def test_a_bad_packet_leaves_the_draft_as_it_was(api, therapist, draft, packet, field):
    before = draft.versions.get().program.count()

    refused(api(therapist), "patch", url("handoff-detail", draft), {"packet": packet}, field)
    assert draft.versions.get().program.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"patient": "abc"}, "patient"),
        ({"patient": 999_999}, "patient"),
        ({"patient": 10**30}, "patient"),
        ({"patient": None}, "patient"),
        ({"trainer": 999_999}, "trainer"),
        ({"trainer": 10**30}, "trainer"),
        ({"trainer": [1]}, "trainer"),
        ({"packet": None}, "packet"),
    ],
)
def test_unknown_or_malformed_ids_create_nothing(
    api, therapist, trainer, patient_record, change, field
):
    body = {"patient": patient_record.pk, "trainer": trainer.pk, "packet": packet_body()} | change

    refused(api(therapist), "post", url("handoff-list"), body, field)


@pytest.mark.parametrize("who", ["therapist", "clinic_admin", "unpartnered_trainer", "patient"])
def test_a_trainer_id_that_is_not_a_partnered_trainer_creates_nothing(
    api, request, therapist, trainer, patient_record, who
):
    body = {
        "patient": patient_record.pk,
        "trainer": request.getfixturevalue(who).pk,
        "packet": packet_body(),
    }

    refused(api(therapist), "post", url("handoff-list"), body, "trainer")


@pytest.mark.parametrize(
    "body", ["{not json", '{"patient": 1,}', "[1, 2]", '"a string"', "null"], ids=str
)
def test_a_body_that_is_not_a_json_object_is_a_400(api, therapist, body):
    refused(api(therapist), "post", url("handoff-list"), body, None)


def test_an_empty_edit_is_refused(api, therapist, draft):
    refused(api(therapist), "patch", url("handoff-detail", draft), {}, "non_field_errors")


def test_a_new_version_needs_a_complete_packet(api, therapist, accepted):
    client = api(therapist)

    refused(client, "post", url("handoff-versions", accepted), {"program": []}, "clearance")
    body = packet_body(program=[])
    refused(client, "post", url("handoff-versions", accepted), body, "program")


def test_an_unknown_status_filter_is_a_400(api, therapist):
    response = api(therapist).get(url("handoff-list"), {"status": "lost"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_a_body_over_one_mebibyte_is_a_413_and_creates_nothing(
    api, therapist, trainer, patient_record
):
    body = {
        "patient": patient_record.pk,
        "trainer": trainer.pk,
        "packet": packet_body(),
        "padding": "x" * (1024 * 1024),
    }
    before = row_counts()

    response = api(therapist).post(
        url("handoff-list"), json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert row_counts() == before


# --- Actions, consent, session logs, check-ins, messages ------------------------------------------

ACTIONS = [
    # (route, state, persona, body, field)
    ("handoff-decline", "sent", "trainer", {}, "reason"),
    ("handoff-decline", "sent", "trainer", {"reason": "   "}, "reason"),
    ("handoff-decline", "sent", "trainer", {"reason": "x" * 1001}, "reason"),
    ("handoff-withdraw", "accepted", "therapist", {"reason": 42.5}, "reason"),
    ("handoff-withdraw", "accepted", "therapist", {"reason": ["a"]}, "reason"),
    (
        "handoff-refer-back",
        "accepted",
        "trainer",
        {"reason": "Sore", "symptoms": ["hiccups"]},
        "symptoms",
    ),
    ("handoff-refer-back", "accepted", "patient", {"symptoms": ["swelling"]}, "reason"),
    ("handoff-resume", "referred_back", "therapist", {"note": ""}, "note"),
    ("handoff-complete", "accepted", "trainer", {}, "final_report"),
    (
        "handoff-complete",
        "accepted",
        "trainer",
        {"final_report": {"sessions_attended": -1, "progress": "Good"}},
        "sessions_attended",
    ),
    (
        "handoff-complete",
        "accepted",
        "trainer",
        {"final_report": {"sessions_attended": 3, "progress": "Good", "symptoms": ["x"]}},
        "symptoms",
    ),
    ("handoff-reassign", "declined", "therapist", {"trainer": 999_999}, "trainer"),
    ("handoff-reassign", "declined", "therapist", {"trainer": "trainer2"}, "trainer"),
    ("handoff-acknowledge", "accepted", "trainer", {"version": 0}, "version"),
    ("handoff-acknowledge", "accepted", "trainer", {"version": "two"}, "version"),
    ("handoff-consent", "draft", "therapist", {"method": "email"}, "method"),
    ("handoff-consent", "draft", "therapist", {"method": "recorded"}, "signed_on"),
    (
        "handoff-consent",
        "draft",
        "therapist",
        {"method": "recorded", "signed_on": day(1)},
        "signed_on",
    ),
    (
        "handoff-consent",
        "draft",
        "therapist",
        {"method": "recorded", "signed_on": day(-3), "expires_on": day(-5)},
        "expires_on",
    ),
    (
        "handoff-consent",
        "draft",
        "therapist",
        {"method": "recorded", "signed_on": day(), "expires_on": day(365 * 4)},
        "expires_on",
    ),
    (
        "handoff-consent",
        "draft",
        "therapist",
        {"method": "recorded", "signed_on": day(), "purpose": "x" * 1001},
        "purpose",
    ),
    (
        "handoff-consent",
        "draft",
        "patient",
        {"method": "portal", "expires_on": "soon"},
        "expires_on",
    ),
    ("handoff-consent-revoke", "accepted", "patient", {"note": "x" * 501}, "note"),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": 11},
        "pain",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": -1},
        "pain",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": "high"},
        "pain",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": 2, "difficulty": 0},
        "difficulty",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": 2, "difficulty": 11},
        "difficulty",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": 2, "symptoms": ["chest_pain", "sore_toe"]},
        "symptoms",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": "yes", "pain": 2},
        "completed",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(1), "completed": True, "pain": 2},
        "date",
    ),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": "yesterday", "completed": True, "pain": 2},
        "date",
    ),
    ("handoff-sessions", "accepted", "patient", {"completed": True, "pain": 2}, "date"),
    (
        "handoff-sessions",
        "accepted",
        "patient",
        {"date": day(), "completed": True, "pain": 2, "note": "x" * 1001},
        "note",
    ),
    (
        "handoff-check-ins",
        "accepted",
        "trainer",
        {"date": day(), "sessions_attended": -1, "progress": "Good"},
        "sessions_attended",
    ),
    (
        "handoff-check-ins",
        "accepted",
        "trainer",
        {"date": day(), "sessions_attended": 2, "progress": "x" * 2001},
        "progress",
    ),
    (
        "handoff-check-ins",
        "accepted",
        "trainer",
        {"date": day(2), "sessions_attended": 2, "progress": "Good"},
        "date",
    ),
    ("handoff-messages", "accepted", "therapist", {"body": "x" * 4001}, "body"),
    ("handoff-messages", "accepted", "therapist", {"body": "   "}, "body"),
    (
        "handoff-messages",
        "accepted",
        "therapist",
        {"body": "Hi", "to_patient": "yes"},
        "to_patient",
    ),
    ("handoff-messages", "accepted", "patient", {"body": "Hi\x00there"}, "body"),
]


@pytest.mark.parametrize(
    ("route", "state", "persona", "body", "field"),
    ACTIONS,
    ids=[f"{route}-{field}-{i}" for i, (route, _, _, _, field) in enumerate(ACTIONS)],
)
def test_a_bad_action_body_changes_nothing(
    api, request, make_handoff, route, state, persona, body, field
):
    handoff = make_handoff(state)
    status = handoff.status

    refused(api(request.getfixturevalue(persona)), "post", url(route, handoff), body, field)
    assert Handoff.objects.get(pk=handoff.pk).status == status


@pytest.mark.parametrize("route", ["handoff-sessions", "handoff-messages", "handoff-refer-back"])
def test_malformed_json_on_an_action_changes_nothing(api, patient, make_handoff, route):
    handoff = make_handoff("accepted")

    refused(api(patient), "post", url(route, handoff), '{"date": ', None)


@pytest.mark.parametrize("persona", ["therapist", "patient", None])
def test_options_on_every_api_route_never_fails(api, request, persona):
    user = request.getfixturevalue(persona) if persona else None
    for name, (route, _) in api_patterns().items():
        path = "/" + route.replace("<int:pk>", "1").replace("<int:number>", "2")

        assert api(user).options(path).status_code < 500, name


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/handoffs/99999999999999999999999999/",
        "/api/v1/handoffs/99999999999999999999999999/sessions/",
        "/api/v1/handoffs/{pk}/versions/99999999999999999999999/diff/",
        "/api/v1/handoffs/?page=99999999999999999999",
    ],
)
def test_numbers_past_any_column_are_404_not_500(api, therapist, make_handoff, path):
    handoff = make_handoff("accepted")

    assert api(therapist).get(path.format(pk=handoff.pk)).status_code == 404


def test_a_deeply_nested_body_is_a_400_not_a_500(api):
    response = api().post(
        "/api/v1/auth/token/", "[" * 50_000 + "]" * 50_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
