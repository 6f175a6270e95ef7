"""The handoff builder in pages: every step, going back, bad input, consent, review and send."""

from __future__ import annotations

import datetime
import re

import pytest

from exercises.models import Exercise
from handoff.models import Consent, Handoff
from handoff.tests import builders

pytestmark = pytest.mark.django_db


def _bid(response) -> str:
    match = re.search(r"/handoffs/build/([0-9a-f]+)/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def step(bid: str, name: str) -> str:
    return f"/handoffs/build/{bid}/{name}/"


def clearance_data(**overrides):
    today = builders.clinic_today()
    data = {
        "cleared_on": (today - datetime.timedelta(days=2)).isoformat(),
        "level": "with_restrictions",
        "condition": "Right knee, 5 months after ACL reconstruction",
        "surgery_date": (today - datetime.timedelta(days=150)).isoformat(),
        "visits_completed": "18",
        "goals": "Return to football",
    }
    data.update(overrides)
    return data


def item(i: int, **values) -> dict[str, str]:
    base = {
        "name": "",
        "exercise": "",
        "sets": "3",
        "reps": "10",
        "hold_seconds": "",
        "load": "",
        "load_value": "",
        "load_unit": "",
        "per_week": "3",
        "cues": "",
        "progression": "",
    }
    base.update(values)
    return {f"item-{i}-{k}": v for k, v in base.items()}


@pytest.fixture
def started(client, therapist, patient_record):
    client.force_login(therapist)
    response = client.get(f"/handoffs/new/?patient={patient_record.pk}")
    assert response.status_code == 302
    return _bid(response)


def test_builder_walks_every_step_records_consent_and_sends(
    client, therapist, patient_record, trainer, started
):
    bid = started
    assert client.post(step(bid, "clearance"), clearance_data()).status_code == 302
    squat = Exercise.objects.filter(name__icontains="squat").first()
    response = client.post(step(bid, "program"), {"item-count": "0", "op": f"add:{squat.pk}"})
    assert response.status_code == 302
    page = client.get(step(bid, "program"))
    assert squat.name in page.content.decode()
    data = {
        "item-count": "2",
        **item(0, exercise=str(squat.pk), name=squat.name),
        **item(1, name="Side plank", reps="", hold_seconds="30"),
    }
    assert client.post(step(bid, "program"), data).status_code == 302
    review = (builders.clinic_today() + datetime.timedelta(days=30)).isoformat()
    data = {
        "restriction-count": "1",
        "restriction-0-kind": "avoid_pattern",
        "restriction-0-body_region": "knee",
        "restriction-0-pattern": "plyometric",
        "restriction-0-text": "No jumping",
        "restriction-0-review_on": review,
    }
    assert client.post(step(bid, "restrictions"), data).status_code == 302
    assert (
        client.post(
            step(bid, "safety"), {"red_flags": ["swelling"], "pain_ceiling": "4"}
        ).status_code
        == 302
    )
    page = client.get(step(bid, "trainer"))
    assert trainer.name in page.content.decode()
    assert client.post(step(bid, "trainer"), {"trainer": str(trainer.pk)}).status_code == 302
    handoff = Handoff.objects.get(patient=patient_record)
    assert handoff.status == "draft"
    page = client.get(step(bid, "consent"))
    assert "I authorize" in page.content.decode()
    signed = (builders.clinic_today() - datetime.timedelta(days=1)).isoformat()
    assert (
        client.post(step(bid, "consent"), {"op": "record", "signed_on": signed}).status_code == 302
    )
    assert Consent.objects.filter(patient=patient_record).count() == 1
    page = client.get(step(bid, "review"))
    assert page.status_code == 200
    response = client.post(step(bid, "review"), {"op": "send"})
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == "sent"
    version = handoff.versions.get()
    assert [i.name for i in version.program.all()] == [squat.name, "Side plank"]
    assert version.pain_ceiling == 4 and version.red_flags == ["swelling"]
    detail = client.get(f"/handoffs/{handoff.pk}/")
    assert detail.status_code == 200
