"""Packets: what a version holds, how it is written, copied, checked and compared.

A packet arrives as a ``PacketSpec`` (the API's validated body, or a copy of an earlier
version). Versions are written whole: a draft's version 1 is rewritten on every edit until it is
sent; after that each amendment is a new, frozen version.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from exercises.models import Exercise
from handoff.models import PacketVersion, ProgramItem, Restriction
from handoff.vocabularies import Symptom


@dataclass(frozen=True)
class ClearanceSpec:
    cleared_on: datetime.date
    level: str
    condition: str
    surgery_date: datetime.date | None = None
    discharge_reason: str = ""
    visits_completed: int | None = None
    goals_met: str = ""
    goals_open: str = ""
    can_do_now: str = ""
    goals: str = ""
    notes_for_trainer: str = ""


@dataclass(frozen=True)
class ProgramItemSpec:
    sets: int
    per_week: int
    name: str = ""
    exercise: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    load: str = ""
    load_value: Decimal | None = None
    load_unit: str = ""
    cues: str = ""
    progression: str = ""


@dataclass(frozen=True)
class OverrideSpec:
    """The therapist lets program item ``item`` break restriction ``restriction`` (orders)."""

    item: int
    restriction: int
    reason: str


@dataclass(frozen=True)
class RestrictionSpec:
    kind: str
    text: str
    body_region: str = ""
    pattern: str = ""
    limit_value: Decimal | None = None
    limit_unit: str = ""
    review_on: datetime.date | None = None


@dataclass(frozen=True)
class PacketSpec:
    clearance: ClearanceSpec | None = None
    program: tuple[ProgramItemSpec, ...] = ()
    restrictions: tuple[RestrictionSpec, ...] = ()
    red_flags: tuple[str, ...] = ()
    pain_ceiling: int = 5
    overrides: tuple[OverrideSpec, ...] = ()

    @property
    def is_complete(self) -> bool:
        return self.clearance is not None and bool(self.program)


def _only(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys ``cls`` knows, leaving out nulls so that their defaults apply."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names and v is not None}


def packet_spec_from_data(data: Mapping[str, Any], *, default_pain_ceiling: int = 5) -> PacketSpec:
    """Build a spec from validated API data (missing optional parts take their defaults)."""
    clearance = data.get("clearance")
    pain = data.get("pain_ceiling")
    return PacketSpec(
        clearance=ClearanceSpec(**_only(ClearanceSpec, clearance)) if clearance else None,
        program=tuple(
            ProgramItemSpec(**_only(ProgramItemSpec, i)) for i in data.get("program") or ()
        ),
        restrictions=tuple(
            RestrictionSpec(**_only(RestrictionSpec, r)) for r in data.get("restrictions") or ()
        ),
        red_flags=tuple(dict.fromkeys(data.get("red_flags") or ())),
        pain_ceiling=default_pain_ceiling if pain is None else pain,
        overrides=tuple(
            OverrideSpec(**_only(OverrideSpec, o)) for o in data.get("overrides") or ()
        ),
    )


def spec_from_version(version: PacketVersion) -> PacketSpec:
    """The spec that would rebuild ``version`` (used to seed reassignments)."""
    clearance = None
    if version.cleared_on is not None:
        clearance = ClearanceSpec(
            cleared_on=version.cleared_on,
            level=version.clearance_level,
            condition=version.condition,
            surgery_date=version.surgery_date,
            discharge_reason=version.discharge_reason,
            visits_completed=version.visits_completed,
            goals_met=version.goals_met,
            goals_open=version.goals_open,
            can_do_now=version.can_do_now,
            goals=version.goals,
            notes_for_trainer=version.notes_for_trainer,
        )
    return PacketSpec(
        clearance=clearance,
        program=tuple(
            ProgramItemSpec(
                exercise=item.exercise_id,
                name=item.name,
                sets=item.sets,
                reps=item.reps,
                hold_seconds=item.hold_seconds,
                load=item.load,
                load_value=item.load_value,
                load_unit=item.load_unit,
                per_week=item.per_week,
                cues=item.cues,
                progression=item.progression,
            )
            for item in version.program.all()
        ),
        restrictions=tuple(
            RestrictionSpec(
                kind=r.kind,
                text=r.text,
                body_region=r.body_region,
                pattern=r.pattern,
                limit_value=r.limit_value,
                limit_unit=r.limit_unit,
                review_on=r.review_on,
            )
            for r in version.restrictions.all()
        ),
        red_flags=tuple(version.red_flags),
        pain_ceiling=version.pain_ceiling,
        overrides=tuple(OverrideSpec(**o) for o in version.overrides),
    )


def validate_packet(spec: PacketSpec) -> None:
    """Rules that span fields. Raises ``ValidationError`` naming the field; writes nothing."""
    errors: dict[str, list[str]] = {}
    cleared_on = spec.clearance.cleared_on if spec.clearance else None
    surgery_date = spec.clearance.surgery_date if spec.clearance else None
    if surgery_date and cleared_on and surgery_date > cleared_on:
        errors["clearance"] = ["The surgery date cannot be after the clearance date."]
    for index, item in enumerate(spec.program, start=1):
        if item.reps is None and item.hold_seconds is None:
            errors.setdefault("program", []).append(
                f"Program item {index}: give reps or hold_seconds."
            )
        if not item.name and item.exercise is None:
            errors.setdefault("program", []).append(
                f"Program item {index}: give a name or an exercise from the library."
            )
        if (item.load_value is None) != (not item.load_unit):
            errors.setdefault("program", []).append(
                f"Program item {index}: give load_value and load_unit together."
            )
    for index, restriction in enumerate(spec.restrictions, start=1):
        if restriction.review_on and cleared_on and restriction.review_on <= cleared_on:
            errors.setdefault("restrictions", []).append(
                f"Restriction {index}: the review date must be after the clearance date."
            )
        if (restriction.limit_value is None) != (not restriction.limit_unit):
            errors.setdefault("restrictions", []).append(
                f"Restriction {index}: give limit_value and limit_unit together."
            )
    errors.update(_override_errors(spec))
    unknown = [code for code in spec.red_flags if code not in Symptom.values]
    if unknown:
        errors["red_flags"] = [f"Unknown red-flag code: {', '.join(unknown)}."]
    if not 0 <= spec.pain_ceiling <= 10:
        errors["pain_ceiling"] = ["The pain ceiling is a score from 0 to 10."]
    if errors:
        raise ValidationError(errors)


def _override_errors(spec: PacketSpec) -> dict[str, list[str]]:
    messages = []
    seen = set()
    for index, override in enumerate(spec.overrides, start=1):
        if not override.reason.strip():
            messages.append(f"Override {index}: give a reason for allowing it.")
        if not 1 <= override.item <= len(spec.program):
            messages.append(f"Override {index}: there is no program item {override.item}.")
        if not 1 <= override.restriction <= len(spec.restrictions):
            messages.append(f"Override {index}: there is no restriction {override.restriction}.")
        if (override.item, override.restriction) in seen:
            messages.append(f"Override {index}: this item and restriction are overridden twice.")
        seen.add((override.item, override.restriction))
    return {"overrides": messages} if messages else {}


def _exercises(spec: PacketSpec) -> dict[int, Exercise]:
    ids = {item.exercise for item in spec.program if item.exercise is not None}
    found = Exercise.objects.in_bulk(ids)
    missing = sorted(ids - set(found))
    if missing:
        raise ValidationError({"program": [f"Unknown exercise id: {missing[0]}."]})
    return found


_NO_CLEARANCE: dict[str, Any] = {
    "cleared_on": None,
    "clearance_level": "",
    "condition": "",
    "surgery_date": None,
    "discharge_reason": "",
    "visits_completed": None,
    "goals_met": "",
    "goals_open": "",
    "can_do_now": "",
    "goals": "",
    "notes_for_trainer": "",
}


def _clearance_columns(spec: PacketSpec) -> dict[str, Any]:
    if spec.clearance is None:
        return dict(_NO_CLEARANCE)
    columns = asdict(spec.clearance)
    columns["clearance_level"] = columns.pop("level")
    return columns


def write_version(version: PacketVersion, spec: PacketSpec) -> PacketVersion:
    """Write ``spec`` into an unsaved or unfrozen version, replacing its items."""
    validate_packet(spec)
    exercises = _exercises(spec)
    for name, value in _clearance_columns(spec).items():
        setattr(version, name, value)
    version.red_flags = list(spec.red_flags)
    version.pain_ceiling = spec.pain_ceiling
    version.overrides = [
        {"item": o.item, "restriction": o.restriction, "reason": o.reason.strip()}
        for o in spec.overrides
    ]
    version.save()
    version.program.all().delete()
    version.restrictions.all().delete()
    ProgramItem.objects.bulk_create(
        ProgramItem(
            version=version,
            order=order,
            exercise_id=item.exercise,
            name=item.name or exercises[item.exercise].name,  # type: ignore[index]
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            load=item.load,
            load_value=item.load_value,
            load_unit=item.load_unit,
            per_week=item.per_week,
            cues=item.cues,
            progression=item.progression,
        )
        for order, item in enumerate(spec.program, start=1)
    )
    Restriction.objects.bulk_create(
        Restriction(version=version, order=order, cleared_on=version.cleared_on, **asdict(r))
        for order, r in enumerate(spec.restrictions, start=1)
    )
    return version


# --- Comparing versions --------------------------------------------------------------------------

# A program item's own values (beside its exercise and name): what a diff compares and what the
# builder's form carries.
PROGRAM_ITEM_VALUES = (
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
_RESTRICTION_KEYS = ("limit_value", "limit_unit", "text", "review_on")
_VERSION_FIELDS = (*_NO_CLEARANCE, "pain_ceiling")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def _keyed(
    items: Iterable[Any], key: Callable[[Any], tuple[Any, ...]]
) -> dict[tuple[Any, ...], Any]:
    """Items by identity; a repeated identity gets a running number so nothing is lost."""
    keyed: dict[tuple[Any, ...], Any] = {}
    for item in items:
        k = key(item)
        n = 0
        while (*k, n) in keyed:
            n += 1
        keyed[(*k, n)] = item
    return keyed


def _diff_items(
    old: Iterable[Any],
    new: Iterable[Any],
    *,
    key: Callable[[Any], tuple[Any, ...]],
    label: Callable[[Any], str],
    compared: tuple[str, ...],
) -> dict[str, list[Any]]:
    before, after = _keyed(old, key), _keyed(new, key)
    changed = []
    for k in sorted(before.keys() & after.keys(), key=str):
        changes = {
            name: [_jsonable(getattr(before[k], name)), _jsonable(getattr(after[k], name))]
            for name in compared
            if getattr(before[k], name) != getattr(after[k], name)
        }
        if changes:
            changed.append({"name": label(after[k]), "changes": changes})
    return {
        "added": sorted(label(after[k]) for k in after.keys() - before.keys()),
        "removed": sorted(label(before[k]) for k in before.keys() - after.keys()),
        "changed": changed,
    }


def diff_versions(old: PacketVersion, new: PacketVersion) -> dict[str, Any]:
    """What changed from ``old`` to ``new``, in the shape docs/api.md gives for ``…/diff/``.

    A program item is identified by its name, a restriction by its kind, region and pattern;
    any other difference between two items with the same identity is a change.
    """
    return {
        "program": _diff_items(
            old.program.all(),
            new.program.all(),
            key=lambda i: (i.name.casefold(),),
            label=lambda i: i.name,
            compared=PROGRAM_ITEM_VALUES,
        ),
        "restrictions": _diff_items(
            old.restrictions.all(),
            new.restrictions.all(),
            key=lambda r: (r.kind, r.body_region, r.pattern),
            label=lambda r: r.text,
            compared=_RESTRICTION_KEYS,
        ),
        "red_flags": {
            "added": sorted(set(new.red_flags) - set(old.red_flags)),
            "removed": sorted(set(old.red_flags) - set(new.red_flags)),
        },
        "fields": {
            name: [_jsonable(getattr(old, name)), _jsonable(getattr(new, name))]
            for name in _VERSION_FIELDS
            if getattr(old, name) != getattr(new, name)
        },
    }
