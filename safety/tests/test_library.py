"""The library as a whole: for each restriction kind the checker compares, at least one library
exercise conflicts and at least one passes, so the tags carry enough to be useful."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exercises.library import EXERCISES
from safety.checker import CHECKED_KINDS, Item, Restriction, check, check_item
from safety.vocabularies import RestrictionKind

TYPICAL = {
    RestrictionKind.AVOID_PATTERN: Restriction(
        1, "avoid_pattern", "No jumping", "knee", "plyometric"
    ),
    RestrictionKind.NO_IMPACT: Restriction(1, "no_impact", "No impact on the knee", "knee"),
    RestrictionKind.LOAD_CAP: Restriction(
        1, "load_cap", "Nothing over 5 kg", "knee", limit_value=Decimal(5), limit_unit="kg"
    ),
    RestrictionKind.ROM_LIMIT: Restriction(
        1, "rom_limit", "Knee to 90 degrees", "knee", limit_value=Decimal(90), limit_unit="deg"
    ),
    RestrictionKind.WEIGHT_BEARING: Restriction(
        1,
        "weight_bearing",
        "Half weight",
        "knee",
        limit_value=Decimal(50),
        limit_unit="percent_bodyweight",
    ),
}


def library_items(load_value: Decimal | None = None) -> list[Item]:
    return [
        Item(
            n,
            e.name,
            tuple(e.body_regions),
            tuple(e.patterns),
            e.impact,
            load_value=load_value,
            load_unit="kg" if load_value is not None else "",
        )
        for n, e in enumerate(EXERCISES, start=1)
    ]


def test_every_checked_kind_has_a_typical_restriction_here():
    assert set(TYPICAL) == set(CHECKED_KINDS)


@pytest.mark.parametrize("kind", sorted(TYPICAL))
def test_some_library_exercises_conflict_and_some_pass(kind):
    restriction = TYPICAL[kind]
    # A load cap compares loads, not tags: give every exercise the same load above the cap.
    items = library_items(Decimal(8) if kind == RestrictionKind.LOAD_CAP else None)
    flagged = [i.name for i in items if check_item(i, [restriction])]
    passing = [i.name for i in items if not check_item(i, [restriction])]
    assert flagged, f"no library exercise conflicts with {kind}"
    assert passing, f"every library exercise conflicts with {kind}"


def test_the_whole_library_is_checkable():
    result = check(library_items(), list(TYPICAL.values()))
    assert result.unchecked == ()


def test_the_jumps_are_blocked_for_a_knee_that_must_not_land():
    names = {
        i.name
        for i in library_items()
        if any(c.blocks for c in check_item(i, [TYPICAL["avoid_pattern"]]))
    }
    assert {"Box jump", "Squat jump", "Pogo hops", "Jump rope", "Skater hops"} <= names
    assert "Bodyweight squat" not in names
