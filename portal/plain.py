"""Plain words for patients: the packet's structured parts as sentences a patient can act on.

A patient is not a clinician. Restrictions become "Don't…" and "Only up to…" sentences, the
pain ceiling is explained, a new version is described in words, and the access log says who
opened the plan. The handout and the portal pages both read these, so they never disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from handoff.models import PacketVersion, ProgramItem, Restriction
from handoff.vocabularies import ALWAYS_ESCALATE, URGENT_CARE_GUIDANCE, Symptom

_PATTERNS = {
    "squat": "squats (bending both knees to sit down and stand up)",
    "hinge": "bending forward at the hips, as when you pick something up",
    "lunge": "lunges",
    "step_up": "step-ups",
    "plyometric": "jumping, hopping or landing",
    "overhead_press": "pushing weights above your head",
    "horizontal_press": "pushing weights away from your chest, as in a push-up",
    "vertical_pull": "pulling down from above your head, as in a pull-up",
    "horizontal_pull": "rowing (pulling a weight towards your chest)",
    "carry": "carrying heavy things",
    "rotation": "twisting movements",
    "anti_rotation": "exercises where you resist a twist",
    "spinal_flexion_loaded": "bending your back forward while holding a weight",
    "deep_knee_flexion": "bending your knee deeply (past a right angle)",
    "end_range_shoulder": "reaching your arm as far as it will go",
    "running": "running",
    "balance": "balance exercises",
    "mobility": "stretching and mobility drills",
}
_REGIONS = {
    "neck": "your neck",
    "shoulder": "your shoulder",
    "elbow": "your elbow",
    "wrist_hand": "your wrist and hand",
    "thoracic_spine": "your upper back",
    "lumbar_spine": "your lower back",
    "hip": "your hip",
    "knee": "your knee",
    "ankle_foot": "your ankle and foot",
    "core": "your core",
    "whole_body": "your body",
}
_UNITS = {
    "kg": "kg",
    "lb": "lb",
    "deg": "degrees",
    "percent_bodyweight": "% of your body weight",
    "minutes": "minutes",
    "reps": "repetitions",
}


def number(value: Decimal | int | None) -> str:
    """20.00 → "20", 2.50 → "2.5"."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def times_a_week(per_week: int) -> str:
    words = {1: "once a week", 2: "twice a week", 7: "every day", 14: "twice a day"}
    return words.get(per_week, f"{per_week} times a week")


def dose(item: ProgramItem) -> str:
    """ "3 sets of 10 repetitions" or "3 sets, holding each for 30 seconds"."""
    sets = "1 set" if item.sets == 1 else f"{item.sets} sets"
    if item.reps:
        return f"{sets} of {item.reps} repetitions"
    return f"{sets}, holding each for {item.hold_seconds} seconds"


def _limit(r: Restriction) -> str:
    value, unit = number(r.limit_value), _UNITS.get(r.limit_unit, r.limit_unit)
    joiner = "" if r.limit_unit == "percent_bodyweight" else " "
    return f"{value}{joiner}{unit}"


def restriction_sentence(r: Restriction) -> str:
    """One "Don't…" or "Only up to…" sentence; the PT's own words are shown beside it."""
    region = _REGIONS.get(r.body_region, "")
    protect = f", to protect {region}" if region and r.body_region != "whole_body" else ""
    has_limit = r.limit_value is not None
    kind = r.kind
    if kind == "avoid_pattern" and r.pattern:
        return f"Don't do {_PATTERNS.get(r.pattern, r.get_pattern_display().lower())}{protect}."
    if kind == "no_impact":
        return f"Don't do anything with impact: no jumping, hopping or running{protect}."
    if kind == "load_cap" and has_limit:
        return f"Only lift or carry up to {_limit(r)}{protect}."
    if kind == "rom_limit" and has_limit and region:
        return f"Only move {region} up to {_limit(r)}."
    if kind == "weight_bearing" and has_limit:
        on = f" on {region}" if region else ""
        return f"Only put up to {_limit(r)}{on}."
    if kind == "pain_ceiling" and has_limit:
        return f"Only go up to pain {number(r.limit_value)} out of 10 while you exercise."
    if has_limit and r.limit_unit == "minutes":
        return f"Only exercise up to {_limit(r)} at a time{protect}."
    return r.text


def pain_words(score: int) -> str:
    if score == 0:
        return "no pain at all"
    if score <= 2:
        return "a little discomfort you barely notice"
    if score <= 4:
        return "mild pain: you notice it, but it does not stop you"
    if score <= 6:
        return "moderate pain: it gets your attention, but you can still talk and move normally"
    if score <= 8:
        return "strong pain that makes it hard to keep going"
    return "the worst pain you can imagine"


def pain_ceiling_explained(ceiling: int) -> str:
    return (
        "Rate your pain from 0 (no pain) to 10 (the worst pain you can imagine). "
        f"{ceiling} out of 10 means {pain_words(ceiling)}. Pain up to {ceiling} while you "
        "exercise is all right if it has settled by the next morning. "
        f"If it goes above {ceiling}, stop and tell your physical therapist."
    )


def stop_rule_symptoms(version: PacketVersion) -> list[str]:
    """The packet's own red flags (the always-escalate ones are listed apart, as urgent)."""
    return [Symptom(c).label for c in version.red_flags if c not in ALWAYS_ESCALATE]


def urgent_symptoms() -> list[str]:
    return [s.label for s in Symptom if s.value in ALWAYS_ESCALATE]


URGENT_CARE = URGENT_CARE_GUIDANCE


def symptom_choices(version: PacketVersion) -> list[tuple[str, str, bool]]:
    """Every symptom a session log can report: (code, label, needs urgent care)."""
    listed = set(version.red_flags) | ALWAYS_ESCALATE
    return [(s.value, s.label, s.value in ALWAYS_ESCALATE) for s in Symptom if s.value in listed]


# --- What changed in a new version --------------------------------------------------------------

_ITEM_CHANGES = {
    "sets": "{name}: now {new} sets (was {old}).",
    "reps": "{name}: now {new} repetitions (was {old}).",
    "hold_seconds": "{name}: now hold for {new} seconds (was {old}).",
    "load": "{name}: the weight is now “{new}” (was “{old}”).",
    "per_week": "{name}: now {new} times a week (was {old}).",
    "cues": "{name}: new tips on how to do it.",
    "progression": "{name}: new advice on when to make it harder.",
}


def changes_in_words(diff: dict[str, Any], change_note: str = "") -> list[str]:
    """``services.diff_versions`` as sentences a patient reads, most important first."""
    lines: list[str] = []
    fields = diff.get("fields", {})
    if "pain_ceiling" in fields:
        old, new = fields["pain_ceiling"]
        lines.append(f"Your pain limit is now {new} out of 10 (it was {old}).")
    program = diff.get("program", {})
    lines += [f"New exercise: {name}." for name in program.get("added", [])]
    lines += [f"{name} was taken out of your plan." for name in program.get("removed", [])]
    for changed in program.get("changed", []):
        for key, (old, new) in changed["changes"].items():
            template = _ITEM_CHANGES.get(key, "{name} changed.")
            lines.append(
                template.format(name=changed["name"], old=old or "none", new=new or "none")
            )
    restrictions = diff.get("restrictions", {})
    lines += [f"New limit: {text}" for text in restrictions.get("added", [])]
    lines += [f"This limit was lifted: {text}" for text in restrictions.get("removed", [])]
    lines += [f"A limit changed: {c['name']}" for c in restrictions.get("changed", [])]
    flags = diff.get("red_flags", {})
    lines += [
        f"Also stop and tell your PT if you notice: {Symptom(c).label.lower()}."
        for c in flags.get("added", [])
    ]
    lines += [
        f"{Symptom(c).label} is no longer on your list of warning signs."
        for c in flags.get("removed", [])
    ]
    if set(fields) - {"pain_ceiling"}:
        lines.append("Your PT updated the summary of your progress and goals.")
    if change_note:
        lines.append(f"Your PT's note: “{change_note}”")
    return lines


# --- Dates and times --------------------------------------------------------------------------


def day(value: datetime.date) -> str:
    """ "3 December 2026"."""
    return f"{value.day} {value:%B %Y}"


def moment(value: datetime.datetime) -> str:
    """ "3 December at 7:40" (the caller converts to the clinic's time zone)."""
    return f"{value.day} {value:%B} at {value.hour}:{value:%M}"


def names(labels: Iterable[str]) -> str:
    """ "a, b and c"."""
    items = [label.lower() for label in labels]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
