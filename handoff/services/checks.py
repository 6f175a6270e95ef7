"""The packet and the plan as the safety checker sees them (``safety.checker``).

The checker is pure; this module turns rows into its inputs and its answers into what the
services and the API need: a version's conflicts and what was not checked, the block conflicts
the therapist has not overridden, and the overrides in words for the trainer.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from handoff.models import PacketVersion, PlanItem, ProgramItem, Restriction
from safety import checker


def as_checked_item(item: ProgramItem) -> checker.Item:
    """A program item: a library exercise carries its tags; a free-text item has none."""
    exercise = item.exercise
    return checker.Item(
        ref=item.order,
        name=item.name,
        body_regions=tuple(exercise.body_regions) if exercise else (),
        patterns=tuple(exercise.patterns) if exercise else (),
        impact=exercise.impact if exercise else "",
        load_value=item.load_value,
        load_unit=item.load_unit,
        load=item.load,
    )


def as_checked_plan_item(item: PlanItem) -> checker.Item:
    return checker.Item(
        ref=item.pk,
        name=item.name,
        body_regions=tuple(item.body_regions),
        patterns=tuple(item.patterns),
        impact=item.impact,
        load_value=item.load_value,
        load_unit=item.load_unit,
        load=item.load,
    )


def as_checked_restriction(restriction: Restriction) -> checker.Restriction:
    return checker.Restriction(
        order=restriction.order,
        kind=restriction.kind,
        text=restriction.text,
        body_region=restriction.body_region,
        pattern=restriction.pattern,
        limit_value=restriction.limit_value,
        limit_unit=restriction.limit_unit,
        review_on=restriction.review_on,
    )


def restrictions_of(version: PacketVersion) -> list[checker.Restriction]:
    return [as_checked_restriction(r) for r in version.restrictions.all()]


def check_version(version: PacketVersion, *, today: datetime.date | None) -> checker.CheckResult:
    """The therapist's own program against the therapist's own restrictions."""
    items = [as_checked_item(i) for i in version.program.all()]
    return checker.check(items, restrictions_of(version), today=today)


def _overridden(version: PacketVersion) -> set[tuple[int, int]]:
    return {(o["item"], o["restriction"]) for o in version.overrides}


def unresolved_blocks(
    version: PacketVersion, result: checker.CheckResult
) -> list[checker.Conflict]:
    """Block conflicts the therapist has not overridden: these stop a send or an amendment."""
    allowed = _overridden(version)
    return [c for c in result.blocks if (c.item, c.restriction) not in allowed]


def override_notes(version: PacketVersion) -> list[dict[str, Any]]:
    """The overrides in words for the trainer ("Dana allows Split squat despite …: reason")."""
    items = {i.order: i.name for i in version.program.all()}
    restrictions = {r.order: r.text for r in version.restrictions.all()}
    therapist = version.created_by.name or "The therapist"
    notes = []
    for override in version.overrides:
        item = items.get(override["item"], f"item {override['item']}")
        text = restrictions.get(override["restriction"], f"restriction {override['restriction']}")
        notes.append(
            {
                **override,
                "message": f"{therapist} allows {item} despite “{text}”: {override['reason']}",
            }
        )
    return notes


def conflict_dicts(conflicts: Iterable[checker.Conflict]) -> list[dict[str, object]]:
    return [c.as_dict() for c in conflicts]
