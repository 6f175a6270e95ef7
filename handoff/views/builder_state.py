"""The handoff builder's working copy, kept in the session between steps.

What the therapist typed is kept as typed (strings), so going back shows it again even before it
is valid. Until a trainer is chosen there is no handoff yet (a draft needs its addressee), so the
session is the only copy; from then on every step also rewrites the draft through
``update_draft``, and the database is the record.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import Http404, HttpRequest

from handoff.forms import ClearanceForm, ProgramItemForm, RestrictionForm
from handoff.models import Handoff, PacketVersion
from handoff.services.packets import (
    PROGRAM_ITEM_VALUES,
    ClearanceSpec,
    OverrideSpec,
    PacketSpec,
    ProgramItemSpec,
    RestrictionSpec,
)

SESSION_KEY = "handoff_builders"
MAX_BUILDERS = 5
MAX_ITEMS = 40

NEW_STEPS = [
    "patient",
    "clearance",
    "program",
    "restrictions",
    "safety",
    "trainer",
    "consent",
    "review",
]
AMEND_STEPS = ["clearance", "program", "restrictions", "safety", "review"]
STEP_TITLES = {
    "patient": "Patient",
    "clearance": "Clearance",
    "program": "Program",
    "restrictions": "Restrictions",
    "safety": "Red flags and pain",
    "trainer": "Trainer",
    "consent": "Consent",
    "review": "Review and send",
}
ITEM_FIELDS = ["exercise", "name", *PROGRAM_ITEM_VALUES]
RESTRICTION_FIELDS = [
    "kind",
    "body_region",
    "pattern",
    "limit_value",
    "limit_unit",
    "text",
    "review_on",
]
CLEARANCE_FIELDS = list(ClearanceForm.base_fields)


def steps_of(state: dict[str, Any]) -> list[str]:
    return AMEND_STEPS if state["mode"] == "amend" else NEW_STEPS


def new_state(
    *, mode: str = "new", patient_id: int | None = None, red_flags: list[str], pain_ceiling: int
) -> dict[str, Any]:
    return {
        "mode": mode,
        "handoff_id": None,
        "base_version": None,
        "patient_id": patient_id,
        "trainer_id": None,
        "clearance": {},
        "program": [],
        "restrictions": [],
        "red_flags": list(red_flags),
        "pain_ceiling": str(pain_ceiling),
        "search": {},
        "done": [],
        "overrides": {},
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def state_from_version(version: PacketVersion, *, mode: str) -> dict[str, Any]:
    """A working copy of a draft (to continue it) or of the current version (to amend it)."""
    handoff = version.handoff
    state = new_state(
        mode=mode,
        patient_id=handoff.patient_id,
        red_flags=list(version.red_flags),
        pain_ceiling=version.pain_ceiling,
    )
    state["handoff_id"] = handoff.pk
    state["trainer_id"] = handoff.trainer_id
    state["base_version"] = version.number
    if version.cleared_on is not None:
        state["clearance"] = {
            **{
                name: _text(getattr(version, name, ""))
                for name in CLEARANCE_FIELDS
                if name != "level"
            },
            "level": version.clearance_level,
        }
    state["program"] = [
        {
            name: _text(getattr(item, "exercise_id" if name == "exercise" else name))
            for name in ITEM_FIELDS
        }
        for item in version.program.all()
    ]
    state["restrictions"] = [
        {name: _text(getattr(r, name)) for name in RESTRICTION_FIELDS}
        for r in version.restrictions.all()
    ]
    names = {item.order: item.name for item in version.program.all()}
    texts = {r.order: r.text for r in version.restrictions.all()}
    state["overrides"] = {
        override_key(names.get(o["item"], ""), texts.get(o["restriction"], "")): o["reason"]
        for o in version.overrides
    }
    state["done"] = [s for s in (AMEND_STEPS if mode == "amend" else NEW_STEPS) if s != "review"]
    return state


# --- The session ---------------------------------------------------------------------------------


def start(request: HttpRequest, state: dict[str, Any]) -> str:
    builders = request.session.get(SESSION_KEY, {})
    if len(builders) >= MAX_BUILDERS:  # the oldest working copies go first
        for old in list(builders)[: len(builders) - MAX_BUILDERS + 1]:
            builders.pop(old)
    bid = uuid.uuid4().hex[:12]
    builders[bid] = state
    request.session[SESSION_KEY] = builders
    return bid


def load(request: HttpRequest, bid: str) -> dict[str, Any]:
    state = request.session.get(SESSION_KEY, {}).get(bid)
    if state is None:
        raise Http404("This handoff builder has ended.")
    return state


def save(request: HttpRequest, bid: str, state: dict[str, Any]) -> None:
    builders = request.session.get(SESSION_KEY, {})
    builders[bid] = state
    request.session[SESSION_KEY] = builders
    request.session.modified = True


def drop(request: HttpRequest, bid: str) -> None:
    builders = request.session.get(SESSION_KEY, {})
    builders.pop(bid, None)
    request.session[SESSION_KEY] = builders


def mark_done(state: dict[str, Any], step: str) -> None:
    if step not in state["done"]:
        state["done"].append(step)


# --- Raw rows from a POST ---------------------------------------------------------------------------


def rows_from_post(data: Any, prefix: str, fields: list[str]) -> list[dict[str, str]]:
    try:
        count = min(int(data.get(f"{prefix}-count", 0)), MAX_ITEMS)
    except (TypeError, ValueError):
        count = 0
    return [
        {name: str(data.get(f"{prefix}-{i}-{name}", ""))[:2000] for name in fields}
        for i in range(max(count, 0))
    ]


# --- From the working copy to a packet -----------------------------------------------------------------


def cleared_on(state: dict[str, Any]) -> datetime.date | None:
    form = ClearanceForm(state["clearance"]) if state["clearance"] else None
    return form.cleaned_data["cleared_on"] if form is not None and form.is_valid() else None


def spec_of(state: dict[str, Any]) -> PacketSpec:
    """The packet as far as it is valid: a draft may be incomplete, never wrong."""
    clearance = None
    form = ClearanceForm(state["clearance"]) if state["clearance"] else None
    if form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        clearance = ClearanceSpec(
            cleared_on=data.pop("cleared_on"),
            level=data.pop("level"),
            condition=data.pop("condition"),
            surgery_date=data.pop("surgery_date"),
            visits_completed=data.pop("visits_completed"),
            **data,
        )
    program = []
    for raw in state["program"]:
        item = ProgramItemForm(raw)
        if item.is_valid():
            d = item.cleaned_data
            program.append(
                ProgramItemSpec(
                    exercise=d["exercise"],
                    name=d["name"].strip(),
                    sets=d["sets"],
                    reps=d["reps"],
                    hold_seconds=d["hold_seconds"],
                    load=d["load"],
                    load_value=d["load_value"],
                    load_unit=d["load_unit"],
                    per_week=d["per_week"],
                    cues=d["cues"],
                    progression=d["progression"],
                )
            )
    restrictions = []
    day = clearance.cleared_on if clearance else None
    for raw in state["restrictions"]:
        r = RestrictionForm(raw, cleared_on=day)
        if r.is_valid():
            restrictions.append(RestrictionSpec(**r.cleaned_data))
    try:
        pain = int(state["pain_ceiling"])
    except (TypeError, ValueError):
        pain = 5
    return PacketSpec(
        clearance=clearance,
        program=tuple(program),
        restrictions=tuple(restrictions),
        red_flags=tuple(state["red_flags"]),
        pain_ceiling=min(max(pain, 0), 10),
        overrides=tuple(_overrides(state, program, restrictions)),
    )


def override_key(item_name: str, restriction_text: str) -> str:
    """Overrides are kept by what they name, so reordering the program keeps them right."""
    return f"{item_name.strip().casefold()}|{restriction_text.strip().casefold()}"


def _overrides(
    state: dict[str, Any], program: list[ProgramItemSpec], restrictions: list[RestrictionSpec]
) -> list[OverrideSpec]:
    found = []
    for i, item in enumerate(program, start=1):
        for j, restriction in enumerate(restrictions, start=1):
            reason = state["overrides"].get(override_key(item.name, restriction.text), "").strip()
            if reason:
                found.append(OverrideSpec(item=i, restriction=j, reason=reason))
    return found


def draft_of(state: dict[str, Any], handoffs: Any) -> Handoff | None:
    if state["handoff_id"] is None:
        return None
    return handoffs.filter(pk=state["handoff_id"]).first()
