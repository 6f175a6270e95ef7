"""The trainer's plan on an accepted handoff, checked against the packet's restrictions.

- Adding or changing an item checks it against the latest version's restrictions. A block
  conflict is refused (409 ``program_conflicts``, the conflicts listed) unless the trainer asks
  for an exception in the same step (``exception_reason``): the item is then saved as
  ``awaiting_exception`` and the therapist is asked. Warnings are stored with the item.
- The therapist grants (``active``) or refuses (``refused``) with a note; both are on the
  timeline and the trainer is told. A grant covers the restrictions the item broke when it was
  granted; an amendment that keeps them keeps the grant.
- An amendment re-checks every item (``recheck_plan``): an item that now breaks a restriction
  it has no grant for is ``suspended``; one whose conflicts went away is ``active`` again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict
from exercises.models import Exercise
from exercises.vocabularies import BodyRegion, Impact, Pattern
from handoff import notices
from handoff.models import Handoff, PacketVersion, PlanItem
from handoff.services import checks
from handoff.services._base import (
    Action,
    Status,
    current_version,
    lock,
    record_event,
    refuse,
    require_therapist,
    require_trainer,
)
from notifications.services import notify
from safety import checker

ItemStatus = PlanItem.Status
ANSWERABLE = (Status.ACCEPTED, Status.REFERRED_BACK)


@dataclass(frozen=True)
class PlanItemSpec:
    """A plan item as the trainer describes it; a library exercise brings its own tags."""

    sets: int
    per_week: int
    exercise: int | None = None
    name: str = ""
    body_regions: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    impact: str = ""
    reps: int | None = None
    seconds: int | None = None
    load_value: Decimal | None = None
    load_unit: str = ""
    load: str = ""
    notes: str = ""


def plan_item_spec(data: Mapping[str, Any]) -> PlanItemSpec:
    names = {f.name for f in fields(PlanItemSpec)}
    values = {k: v for k, v in data.items() if k in names and v is not None}
    for key in ("body_regions", "patterns"):
        if key in values:
            values[key] = tuple(dict.fromkeys(values[key]))
    return PlanItemSpec(**values)


def spec_of(item: PlanItem) -> PlanItemSpec:
    return PlanItemSpec(
        sets=item.sets,
        per_week=item.per_week,
        exercise=item.exercise_id,
        name=item.name,
        body_regions=tuple(item.body_regions),
        patterns=tuple(item.patterns),
        impact=item.impact,
        reps=item.reps,
        seconds=item.seconds,
        load_value=item.load_value,
        load_unit=item.load_unit,
        load=item.load,
        notes=item.notes,
    )


def resolve(spec: PlanItemSpec, *, field_prefix: str = "") -> PlanItemSpec:
    """Fill a library exercise's name and tags; a free-text item must carry its own.

    Raises ``ValidationError`` naming the field.
    """
    if spec.reps is None and spec.seconds is None:
        raise ValidationError({f"{field_prefix}reps": ["Give reps or seconds."]})
    if (spec.load_value is None) != (not spec.load_unit):
        raise ValidationError(
            {f"{field_prefix}load_unit": ["Give load_value and load_unit together."]}
        )
    if spec.exercise is not None:
        exercise = Exercise.objects.filter(pk=spec.exercise).first()
        if exercise is None:
            raise ValidationError({f"{field_prefix}exercise": ["No exercise with this id."]})
        return replace(
            spec,
            name=spec.name or exercise.name,
            body_regions=tuple(exercise.body_regions),
            patterns=tuple(exercise.patterns),
            impact=exercise.impact,
        )
    errors: dict[str, list[str]] = {}
    if not spec.name.strip():
        errors[f"{field_prefix}name"] = ["Give a name or an exercise from the library."]
    if not spec.body_regions:
        errors[f"{field_prefix}body_regions"] = ["A free-text item needs its body regions."]
    if not spec.patterns:
        errors[f"{field_prefix}patterns"] = ["A free-text item needs its movement patterns."]
    if not spec.impact:
        errors[f"{field_prefix}impact"] = ["A free-text item needs its impact level."]
    unknown = [c for c in spec.body_regions if c not in BodyRegion.values] + [
        c for c in spec.patterns if c not in Pattern.values
    ]
    if unknown:
        errors[f"{field_prefix}patterns"] = [f"Unknown code: {', '.join(unknown)}."]
    if spec.impact and spec.impact not in Impact.values:
        errors[f"{field_prefix}impact"] = [f"Unknown impact: {spec.impact}."]
    if errors:
        raise ValidationError(errors)
    return replace(spec, name=spec.name.strip())


def _as_checked(spec: PlanItemSpec, ref: int | None) -> checker.Item:
    return checker.Item(
        ref=ref,
        name=spec.name,
        body_regions=spec.body_regions,
        patterns=spec.patterns,
        impact=spec.impact,
        load_value=spec.load_value,
        load_unit=spec.load_unit,
        load=spec.load,
    )


def check_specs(handoff: Handoff, specs: Sequence[PlanItemSpec]) -> checker.CheckResult:
    """Live check: these items (numbered 1, 2, … in ``item``) against the handoff's current
    restrictions. Saves nothing."""
    resolved = [resolve(s, field_prefix=f"items[{n}].") for n, s in enumerate(specs)]
    version = current_version(handoff)
    items = [_as_checked(s, n) for n, s in enumerate(resolved, start=1)]
    return checker.check(items, checks.restrictions_of(version), today=handoff.clinic.today())


def _conflicts_for(
    item: PlanItem, version: PacketVersion, today: datetime.date
) -> list[checker.Conflict]:
    return checker.check_item(
        checks.as_checked_plan_item(item), checks.restrictions_of(version), today=today
    )


def _uncovered(item: PlanItem, conflicts: Sequence[checker.Conflict]) -> list[checker.Conflict]:
    granted = set(item.exception_granted_for) if item.status != ItemStatus.REFUSED else set()
    return [c for c in conflicts if c.blocks and c.restriction_key not in granted]


def _refusal(item_name: str, blocks: Sequence[checker.Conflict]) -> Conflict:
    return Conflict(
        f"{item_name} breaks the therapist's restrictions: "
        + " ".join(c.message for c in blocks)
        + " Ask the therapist for an exception (exception_reason) or choose another exercise.",
        code="program_conflicts",
        conflicts=checks.conflict_dicts(blocks),
    )


def _get_item(handoff: Handoff, item_id: int) -> PlanItem:
    item = PlanItem.objects.select_for_update().filter(pk=item_id, handoff=handoff).first()
    if item is None:
        raise Http404("No plan item matches the given query.")
    return item


def _apply(item: PlanItem, spec: PlanItemSpec) -> None:
    for name in (
        "name",
        "sets",
        "per_week",
        "reps",
        "seconds",
        "load_value",
        "load_unit",
        "load",
        "notes",
        "impact",
    ):
        setattr(item, name, getattr(spec, name))
    item.exercise_id = spec.exercise
    item.body_regions = list(spec.body_regions)
    item.patterns = list(spec.patterns)


def _check_and_place(item: PlanItem, *, previous: str | None, exception_reason: str) -> bool:
    """Check ``item`` and set its status; True when an exception was asked for.

    A new or active item that would break a restriction is refused (409) unless the trainer
    asks for an exception; an item already waiting, suspended or refused keeps its status
    while it still breaks one (editing its notes is no new request).
    """
    handoff = item.handoff
    version = current_version(handoff)
    conflicts = _conflicts_for(item, version, handoff.clinic.today())
    item.conflicts = checks.conflict_dicts(conflicts)
    item.checked_version = version.number
    blocks = _uncovered(item, conflicts)
    reason = exception_reason.strip()
    if not blocks:
        item.status = ItemStatus.ACTIVE
        return False
    if reason:
        _ask(item, reason)
        return True
    if previous in (None, ItemStatus.ACTIVE):
        raise _refusal(item.name, blocks)
    return False


def _ask(item: PlanItem, reason: str) -> None:
    item.status = ItemStatus.AWAITING_EXCEPTION
    item.exception_reason = reason[:1000]
    item.exception_requested_at = timezone.now()
    item.exception_note = ""
    item.exception_answered_by = None
    item.exception_answered_at = None
    item.exception_granted_for = []


def _asked(item: PlanItem, *, by: User) -> None:
    handoff = item.handoff
    record_event(
        handoff,
        actor=by,
        action=Action.EXCEPTION_REQUESTED,
        from_status=handoff.status,
        note=f"{item.name}: {item.exception_reason}",
    )
    notify(notices.exception_requested(handoff, item))


def _require_plan_open(handoff: Handoff, doing: str) -> None:
    if handoff.status != Status.ACCEPTED:
        raise refuse(handoff, f"{doing}; the plan changes while the handoff is accepted")


@transaction.atomic
def add_plan_item(
    handoff: Handoff, *, by: User, spec: PlanItemSpec, exception_reason: str = ""
) -> PlanItem:
    spec = resolve(spec)
    handoff = lock(handoff)
    require_trainer(handoff, by, "change the plan")
    _require_plan_open(handoff, "planned")
    item = PlanItem(handoff=handoff, created_by=by)
    _apply(item, spec)
    asked = _check_and_place(item, previous=None, exception_reason=exception_reason)
    item.save()
    if asked:
        _asked(item, by=by)
    return item


@transaction.atomic
def update_plan_item(
    handoff: Handoff,
    *,
    item_id: int,
    by: User,
    changes: Mapping[str, Any],
    exception_reason: str = "",
) -> PlanItem:
    """Change an item (a partial spec); the changed item is checked again."""
    handoff = lock(handoff)
    require_trainer(handoff, by, "change the plan")
    _require_plan_open(handoff, "planned")
    item = _get_item(handoff, item_id)
    # ``exercise: null`` makes it a free-text item, which must then give its own tags.
    spec = resolve(replace(spec_of(item), **changes))
    previous = item.status
    _apply(item, spec)
    item.handoff = handoff
    asked = _check_and_place(item, previous=previous, exception_reason=exception_reason)
    item.save()
    if asked:
        _asked(item, by=by)
    return item


@transaction.atomic
def remove_plan_item(handoff: Handoff, *, item_id: int, by: User) -> None:
    handoff = lock(handoff)
    require_trainer(handoff, by, "change the plan")
    _require_plan_open(handoff, "planned")
    _get_item(handoff, item_id).delete()


@transaction.atomic
def request_exception(handoff: Handoff, *, item_id: int, by: User, reason: str) -> PlanItem:
    """The trainer asks for an exception for a suspended or refused item."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the patient should do this exercise."]})
    handoff = lock(handoff)
    require_trainer(handoff, by, "ask for an exception")
    _require_plan_open(handoff, "planned")
    item = _get_item(handoff, item_id)
    if item.status not in (ItemStatus.SUSPENDED, ItemStatus.REFUSED):
        raise Conflict(
            f"{item.name} is {item.get_status_display().lower()}: only a suspended or refused "
            "item needs an exception.",
            code="no_exception_needed",
        )
    item.handoff = handoff
    _ask(item, reason)
    item.save()
    _asked(item, by=by)
    return item


def _answer(handoff: Handoff, *, item_id: int, by: User, note: str, grant: bool) -> PlanItem:
    note = (note or "").strip()
    handoff = lock(handoff)
    require_therapist(handoff, by, "answer an exception")
    if handoff.status not in ANSWERABLE:
        raise refuse(handoff, "changed")
    item = _get_item(handoff, item_id)
    item.handoff = handoff
    if item.status != ItemStatus.AWAITING_EXCEPTION:
        raise Conflict(
            f"{item.name} is not waiting for an exception (it is "
            f"{item.get_status_display().lower()}).",
            code="no_exception_requested",
        )
    version = current_version(handoff)
    conflicts = _conflicts_for(item, version, handoff.clinic.today())
    item.conflicts = checks.conflict_dicts(conflicts)
    item.checked_version = version.number
    item.status = ItemStatus.ACTIVE if grant else ItemStatus.REFUSED
    item.exception_granted_for = (
        sorted({c.restriction_key for c in conflicts if c.blocks}) if grant else []
    )
    item.exception_note = note[:1000]
    item.exception_answered_by = by
    item.exception_answered_at = timezone.now()
    item.save()
    record_event(
        handoff,
        actor=by,
        action=Action.EXCEPTION_GRANTED if grant else Action.EXCEPTION_REFUSED,
        from_status=handoff.status,
        note=f"{item.name}" + (f": {note}" if note else ""),
    )
    notify(notices.exception_answered(handoff, item, granted=grant))
    return item


@transaction.atomic
def grant_exception(handoff: Handoff, *, item_id: int, by: User, note: str = "") -> PlanItem:
    return _answer(handoff, item_id=item_id, by=by, note=note, grant=True)


@transaction.atomic
def refuse_exception(handoff: Handoff, *, item_id: int, by: User, note: str) -> PlanItem:
    if not (note or "").strip():
        raise ValidationError({"note": ["Tell the trainer why the exercise stays out."]})
    return _answer(handoff, item_id=item_id, by=by, note=note, grant=False)


def recheck_plan(
    handoff: Handoff, version: PacketVersion
) -> list[tuple[PlanItem, list[checker.Conflict]]]:
    """After an amendment (inside its transaction): check every item against ``version``.

    Active items that now break a restriction they have no grant for are suspended (returned,
    each with the conflicts that suspended it, for the trainer's notice); waiting items keep
    waiting with their conflicts brought up to date; any item that no longer breaks anything is
    active again. Refused items stay refused.
    """
    today = handoff.clinic.today()
    suspended = []
    for item in handoff.plan_items.select_for_update().order_by("created_at", "id"):
        if item.status == ItemStatus.REFUSED:
            continue
        conflicts = _conflicts_for(item, version, today)
        item.conflicts = checks.conflict_dicts(conflicts)
        item.checked_version = version.number
        blocks = _uncovered(item, conflicts)
        if blocks and item.status == ItemStatus.ACTIVE:
            item.status = ItemStatus.SUSPENDED
            item.exception_granted_for = []
            suspended.append((item, blocks))
        elif not blocks and item.status != ItemStatus.ACTIVE:
            item.status = ItemStatus.ACTIVE  # what it broke was lifted: nothing left to grant
        item.save(
            update_fields=[
                "conflicts",
                "checked_version",
                "status",
                "exception_granted_for",
                "updated_at",
            ]
        )
    return suspended
