"""Helpers shared by the handoff API tests (``test_api_*.py``); this module holds no tests.

Bodies are plain JSON, written the way a client that knows only docs/api.md would write them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from accounts.models import User
from handoff.models import (
    CheckIn,
    Consent,
    Handoff,
    HandoffEvent,
    Message,
    PacketVersion,
    SessionLog,
)
from handoff.tests.builders import clinic_today
from notifications.models import Notification

# Personas who take no part in the standard handoff (therapist, trainer, patient_record).
STRANGERS = (
    "other_therapist",
    "trainer2",
    "unpartnered_trainer",
    "other_patient",
    "clinic_admin",
    "gym_admin",
    "outsider",
)


def day(offset: int = 0) -> str:
    """A clinic date ``offset`` days from today, as docs/api.md writes dates."""
    return (clinic_today() + datetime.timedelta(days=offset)).isoformat()


def packet_body(**overrides: Any) -> dict[str, Any]:
    """A complete packet, as in docs/api.md's example."""
    body: dict[str, Any] = {
        "clearance": {
            "cleared_on": day(-2),
            "level": "with_restrictions",
            "condition": "Right knee, 5 months after ACL reconstruction",
            "surgery_date": day(-150),
            "discharge_reason": "goals met",
            "visits_completed": 18,
            "goals_met": "Full range of motion",
            "goals_open": "Single-leg hop",
            "can_do_now": "Jog 20 minutes",
            "goals": "Return to recreational football",
            "notes_for_trainer": "Prefers morning sessions.",
        },
        "program": [
            {"name": "Split squat", "sets": 3, "reps": 10, "per_week": 3, "load": "bodyweight"},
            {"name": "Side plank", "sets": 3, "hold_seconds": 30, "per_week": 3},
        ],
        "restrictions": [
            {
                "kind": "avoid_pattern",
                "body_region": "knee",
                "pattern": "plyometric",
                "text": "No jumping or landing drills",
                "review_on": day(30),
            }
        ],
        "red_flags": ["swelling", "giving_way", "numbness"],
        "pain_ceiling": 5,
    }
    body.update(overrides)
    return body


def url(name: str, handoff: Handoff | int | None = None, **kwargs: Any) -> str:
    if handoff is not None:
        kwargs["pk"] = handoff if isinstance(handoff, int) else handoff.pk
    return reverse(name, kwargs=kwargs or None)


def fresh(user: User | None) -> User | None:
    """The same login as a new object: roles are cached on the user object."""
    return None if user is None else User.objects.get(pk=user.pk)


WRITTEN = (
    Handoff,
    PacketVersion,
    SessionLog,
    CheckIn,
    Message,
    Consent,
    HandoffEvent,
    Notification,
)


def row_counts() -> dict[str, int]:
    """How many rows each table a handoff request may write holds."""
    return {model.__name__: model.objects.count() for model in WRITTEN}
