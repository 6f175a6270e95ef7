"""Issue 12's "Done when", through the API alone on the demo data (``make run``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from exercises.models import Exercise
from handoff.models import Handoff

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def login(api, email: str):
    return api(User.objects.get(email=email))


def packet_input(packet: dict[str, Any]) -> dict[str, Any]:
    """A response's packet written back as a request body (what a client would do)."""
    program_keys = (
        "exercise",
        "name",
        "sets",
        "reps",
        "hold_seconds",
        "load",
        "load_value",
        "load_unit",
        "per_week",
        "cues",
        "progression",
    )
    restriction_keys = (
        "kind",
        "body_region",
        "pattern",
        "limit_value",
        "limit_unit",
        "text",
        "review_on",
    )
    return {
        "clearance": packet["clearance"],
        "program": [{k: item[k] for k in program_keys} for item in packet["program"]],
        "restrictions": [{k: r[k] for k in restriction_keys} for r in packet["restrictions"]],
        "red_flags": packet["red_flags"],
        "pain_ceiling": packet["pain_ceiling"],
        "overrides": [
            {k: o[k] for k in ("item", "restriction", "reason")} for o in packet["overrides"]
        ],
    }


def test_the_draft_with_a_box_jump_cannot_be_sent_without_an_override(api, seeded):
    therapist = login(api, "pt@riverside.example")
    draft = Handoff.objects.get(status="draft", patient__email="jordan.lee@mail.example")
    therapist.post(
        f"/api/v1/handoffs/{draft.pk}/consent/",
        {"method": "recorded", "signed_on": str(draft.created_at.date())},
        format="json",
    )

    refused = therapist.post(f"/api/v1/handoffs/{draft.pk}/send/", format="json")

    assert refused.status_code == 409 and refused.json()["code"] == "program_conflicts"
    (conflict,) = refused.json()["conflicts"]
    packet = therapist.get(f"/api/v1/handoffs/{draft.pk}/").json()["current_version"]
    assert packet["program"][conflict["item"] - 1]["name"] == "Box jump"
    assert (
        packet["restrictions"][conflict["restriction"] - 1]["text"]
        == "No jumping or landing drills"
    )

    body = packet_input(packet)
    body["overrides"].append({**conflict, "reason": "Low box, landing drills practised in clinic"})
    body["overrides"] = [
        {k: o[k] for k in ("item", "restriction", "reason")} for o in body["overrides"]
    ]
    assert (
        therapist.patch(
            f"/api/v1/handoffs/{draft.pk}/", {"packet": body}, format="json"
        ).status_code
        == 200
    )
    sent = therapist.post(f"/api/v1/handoffs/{draft.pk}/send/", format="json")
    assert sent.status_code == 200, sent.json()


def test_the_demo_trainer_asks_for_box_jump_and_the_therapist_grants_it(api, seeded):
    therapist = login(api, "pt@riverside.example")
    trainer = login(api, "trainer@ironoak.example")
    accepted = Handoff.objects.get(status="accepted", patient__email="patient@riverside.example")
    box_jump = {
        "exercise": Exercise.objects.get(name="Box jump").pk,
        "sets": 3,
        "reps": 5,
        "per_week": 2,
    }
    plan = f"/api/v1/handoffs/{accepted.pk}/plan/"

    refused = trainer.post(plan, box_jump, format="json")
    assert refused.status_code == 409
    assert "No jumping or landing drills" in refused.json()["detail"]

    asked = trainer.post(
        plan, {**box_jump, "exception_reason": "Low box for confidence"}, format="json"
    )
    assert asked.status_code == 201 and asked.json()["status"] == "awaiting_exception"
    item = asked.json()["id"]

    granted = therapist.post(
        f"{plan}{item}/exception/grant/", {"note": "Low box only"}, format="json"
    )
    assert granted.status_code == 200 and granted.json()["status"] == "active"
    assert [i["status"] for i in trainer.get(plan).json()] == ["active"]


def test_trainers_ranks_the_demo_trainers_with_reasons(api, seeded):
    therapist = login(api, "pt@riverside.example")
    draft = Handoff.objects.get(status="draft", patient__email="jordan.lee@mail.example")
    rows = therapist.get("/api/v1/trainers/", {"for_handoff": draft.pk}).json()["results"]
    assert [r["match"]["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) >= 2
    assert all(r["match"]["reasons"] for r in rows)
    assert rows[0]["email"] == "trainer@ironoak.example"  # the knee and post-rehab specialist
