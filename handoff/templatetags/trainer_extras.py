"""Small filters for the trainer's pages."""

from __future__ import annotations

import datetime

from django import template

from handoff import inbox
from handoff.vocabularies import Symptom

register = template.Library()


@register.filter
def time_left(deadline: datetime.datetime | None) -> str:
    return inbox.time_left(deadline) if deadline else ""


@register.filter
def symptom_labels(codes: list[str] | None) -> str:
    labels = [Symptom(code).label for code in codes or () if code in Symptom.values]
    return ", ".join(labels)


@register.filter
def symptom_label(code: str) -> str:
    return Symptom(code).label if code in Symptom.values else str(code)


_FIELD_LABELS = {
    "pain_ceiling": "Pain ceiling",
    "cleared_on": "Cleared on",
    "clearance_level": "Clearance",
    "condition": "Condition",
    "surgery_date": "Surgery date",
    "discharge_reason": "Reason for discharge",
    "visits_completed": "Visits completed",
    "goals_met": "Goals met",
    "goals_open": "Goals not yet met",
    "can_do_now": "Can do now",
    "goals": "Goals",
    "notes_for_trainer": "Notes for the trainer",
    "hold_seconds": "Hold (seconds)",
    "per_week": "Times a week",
    "limit_value": "Limit",
    "limit_unit": "Unit",
    "review_on": "Review date",
}


@register.filter
def field_label(name: str) -> str:
    return _FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
