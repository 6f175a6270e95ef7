"""The checker, table-driven: every restriction kind against items that must and must not
conflict, in and out of the named region; unit conversion; unknown tags; and a property."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercises.vocabularies import BodyRegion, Impact, Pattern
from safety.checker import Item, Restriction, check, check_item

REVIEW = datetime.date(2027, 1, 15)
TODAY = datetime.date(2026, 12, 1)

BOX_JUMP = Item(1, "Box jump", ("knee", "ankle_foot", "hip"), ("plyometric",), "high")
SPLIT_SQUAT = Item(2, "Split squat", ("knee", "hip"), ("lunge", "deep_knee_flexion"), "low")
GLUTE_BRIDGE = Item(3, "Glute bridge", ("hip",), ("hinge",), "none")
JOGGING = Item(4, "Jogging", ("whole_body", "knee", "ankle_foot"), ("running",), "moderate")
OVERHEAD_PRESS = Item(
    5,
    "Dumbbell overhead press",
    ("shoulder", "elbow"),
    ("overhead_press", "end_range_shoulder"),
    "none",
)
FACE_PULL = Item(6, "Face pull", ("shoulder", "thoracic_spine"), ("horizontal_pull",), "none")
CALF_RAISE = Item(7, "Calf raise", ("ankle_foot",), ("balance",), "low")
SQUAT_JUMP_WRIST = Item(
    8, "Push-up", ("shoulder", "elbow", "wrist_hand"), ("horizontal_press",), "none"
)


def r(
    kind: str,
    region: str = "",
    pattern: str = "",
    value: str | None = None,
    unit: str = "",
    text: str = "The limit",
) -> Restriction:
    return Restriction(
        order=1,
        kind=kind,
        text=text,
        body_region=region,
        pattern=pattern,
        limit_value=Decimal(value) if value is not None else None,
        limit_unit=unit,
        review_on=REVIEW,
    )


def loaded(value: str | None, unit: str = "", text: str = "", regions=("knee", "hip")) -> Item:
    return Item(
        1,
        "Goblet squat",
        regions,
        ("squat",),
        "low",
        load_value=Decimal(value) if value is not None else None,
        load_unit=unit,
        load=text,
    )


# (restriction, item, expected severity or None)
CASES = [
    # avoid_pattern: the pattern, in the region or anywhere when none is named
    (r("avoid_pattern", "knee", "plyometric"), BOX_JUMP, "block"),
    (r("avoid_pattern", "", "plyometric"), BOX_JUMP, "block"),
    (r("avoid_pattern", "shoulder", "plyometric"), BOX_JUMP, None),
    (r("avoid_pattern", "knee", "plyometric"), SPLIT_SQUAT, None),
    (r("avoid_pattern", "knee", "running"), JOGGING, "block"),
    (r("avoid_pattern", "hip", "running"), JOGGING, "block"),  # whole_body touches the hip
    # no_impact: moderate or high impact, in the region
    (r("no_impact", "knee"), BOX_JUMP, "block"),
    (r("no_impact", "knee"), JOGGING, "block"),
    (r("no_impact", ""), JOGGING, "block"),
    (r("no_impact", "knee"), SPLIT_SQUAT, None),  # low impact
    (r("no_impact", "shoulder"), BOX_JUMP, None),  # another region
    # rom_limit
    (r("rom_limit", "knee", "", "90", "deg"), SPLIT_SQUAT, "block"),
    (r("rom_limit", "knee", "", "70", "deg"), SPLIT_SQUAT, "block"),
    (r("rom_limit", "knee", "", "120", "deg"), SPLIT_SQUAT, "warn"),
    (r("rom_limit", "knee", "", "90", "deg"), BOX_JUMP, "warn"),  # same region, other range
    (r("rom_limit", "knee", "", "90", "deg"), GLUTE_BRIDGE, None),  # another region
    (r("rom_limit", "shoulder", "", "120", "deg"), OVERHEAD_PRESS, "block"),
    (r("rom_limit", "shoulder", "", "120", "deg"), FACE_PULL, "warn"),
    (r("rom_limit", "shoulder", "", "120", "deg"), SPLIT_SQUAT, None),
    # weight_bearing under 100 % on a lower-limb region, against standing work
    (r("weight_bearing", "knee", "", "50", "percent_bodyweight"), SPLIT_SQUAT, "warn"),
    (r("weight_bearing", "ankle_foot", "", "50", "percent_bodyweight"), CALF_RAISE, "warn"),
    (r("weight_bearing", "knee", "", "100", "percent_bodyweight"), SPLIT_SQUAT, None),
    (r("weight_bearing", "hip", "", "50", "percent_bodyweight"), GLUTE_BRIDGE, None),  # lying
    (r("weight_bearing", "knee", "", "50", "percent_bodyweight"), CALF_RAISE, None),  # ankle only
    # load_cap, kg and lb
    (r("load_cap", "knee", "", "10", "kg"), loaded("12", "kg"), "block"),
    (r("load_cap", "knee", "", "10", "kg"), loaded("10", "kg"), None),
    (r("load_cap", "knee", "", "10", "kg"), loaded("25", "lb"), "block"),  # 11.3 kg
    (r("load_cap", "knee", "", "10", "kg"), loaded("20", "lb"), None),  # 9.1 kg
    (r("load_cap", "knee", "", "22", "lb"), loaded("10", "kg"), None),  # 22.05 lb -> 22.0
    (r("load_cap", "knee", "", "20", "lb"), loaded("10", "kg"), "block"),
    (r("load_cap", "knee", "", "10", "kg"), loaded("20", "percent_bodyweight"), "warn"),
    (r("load_cap", "knee", "", "10", "kg"), loaded(None, "", "a heavy dumbbell"), "warn"),
    (r("load_cap", "knee", "", "10", "kg"), loaded(None, "", "bodyweight"), None),
    (r("load_cap", "knee", "", "10", "kg"), loaded(None, "", ""), None),
    (r("load_cap", "shoulder", "", "2", "kg"), loaded("30", "kg"), None),  # another region
    # nothing to compare
    (r("pain_ceiling", "knee", "", "5", "reps"), BOX_JUMP, None),
    (r("other", "knee"), BOX_JUMP, None),
]


@pytest.mark.parametrize(("restriction", "item", "expected"), CASES)
def test_rule_table(restriction, item, expected):
    conflicts = check_item(item, [restriction], today=TODAY)
    assert [c.severity for c in conflicts] == ([expected] if expected else [])
    for conflict in conflicts:
        assert conflict.item == item.ref and conflict.restriction == restriction.order
        assert item.name in conflict.message and "The limit" in conflict.message


def test_message_names_the_exercise_the_region_and_the_review_date():
    restriction = r("avoid_pattern", "knee", "plyometric", text="No jumping or landing drills")
    (conflict,) = check_item(BOX_JUMP, [restriction], today=TODAY)
    assert conflict.message == (
        "Box jump is jumping and landing (plyometric) with the knee: the therapist's restriction "
        "“No jumping or landing drills” applies until 15 January 2027."
    )


def test_a_restriction_past_its_review_date_still_blocks_and_says_so():
    restriction = r("avoid_pattern", "knee", "plyometric")
    (conflict,) = check_item(BOX_JUMP, [restriction], today=REVIEW + datetime.timedelta(days=1))
    assert conflict.severity == "block"
    assert "review was due on 15 January 2027" in conflict.message
    assert "stays in force" in conflict.message


def test_an_untagged_item_is_reported_as_not_checkable_never_safe():
    untagged = Item(9, "Sled push")
    result = check([untagged], [r("avoid_pattern", "knee", "plyometric")], today=TODAY)
    assert result.conflicts == ()
    assert [(u.item, u.restriction) for u in result.unchecked] == [(9, None)]
    assert "could not check" in result.unchecked[0].reason


def test_an_item_without_impact_is_not_checkable_for_impact():
    no_impact = Item(9, "Court drill", ("knee",), ("lunge",), "")
    result = check([no_impact], [r("no_impact", "knee")], today=TODAY)
    assert "an impact level" in result.unchecked[0].reason


def test_unknown_tags_match_nothing_but_known_ones_still_do():
    odd = Item(9, "Mystery", ("knee", "tail"), ("plyometric", "levitation"), "high")
    result = check([odd], [r("avoid_pattern", "knee", "plyometric")], today=TODAY)
    assert [c.severity for c in result.conflicts] == ["block"]
    stranger = Item(9, "Mystery", ("tail",), ("levitation",), "cosmic")
    assert check([stranger], [r("avoid_pattern", "knee", "plyometric")]).conflicts == ()


def test_other_restrictions_need_the_trainers_judgement():
    result = check([BOX_JUMP], [r("other", text="Avoid crowded classes")], today=TODAY)
    assert result.conflicts == ()
    assert [(u.item, u.restriction) for u in result.unchecked] == [(None, 1)]
    assert "needs your judgement" in result.unchecked[0].reason


@pytest.mark.parametrize(
    "restriction",
    [
        r("avoid_pattern", "knee", ""),
        r("load_cap", "knee"),
        r("load_cap", "knee", "", "30", "minutes"),
        r("rom_limit", "", "", "90", "deg"),
        r("weight_bearing", "shoulder", "", "50", "percent_bodyweight"),
    ],
)
def test_restrictions_missing_what_their_rule_needs_are_listed_unchecked(restriction):
    result = check([BOX_JUMP, loaded("50", "kg")], [restriction], today=TODAY)
    assert result.conflicts == ()
    assert [(u.item, u.restriction) for u in result.unchecked] == [(None, 1)]


def test_pain_ceiling_is_neither_a_conflict_nor_unchecked():
    result = check([BOX_JUMP], [r("pain_ceiling", "", "", "5", "reps")])
    assert result == check([BOX_JUMP], [])


# --- The property ---------------------------------------------------------------------------------

PATTERNS = st.sampled_from(Pattern.values)
REGIONS = st.sampled_from(BodyRegion.values)


@st.composite
def items_and_pattern(draw):
    restricted = draw(PATTERNS)
    region = draw(st.one_of(st.just(""), REGIONS))
    patterns = draw(st.lists(PATTERNS.filter(lambda p: p != restricted), max_size=4, unique=True))
    regions = draw(st.lists(REGIONS, min_size=1, max_size=4, unique=True))
    impact = draw(st.sampled_from(Impact.values))
    return restricted, region, tuple(patterns), tuple(regions), impact


@given(items_and_pattern())
def test_an_item_without_the_restricted_pattern_never_conflicts_and_adding_it_always_does(data):
    restricted, region, patterns, regions, impact = data
    restriction = r("avoid_pattern", region, restricted)
    without = Item(1, "Anything", regions, patterns, impact)
    assert check_item(without, [restriction]) == []
    with_it = Item(
        1,
        "Anything",
        regions if not region else (*regions, region),
        (*patterns, restricted),
        impact,
    )
    assert [c.severity for c in check_item(with_it, [restriction])] == ["block"]


@given(
    st.lists(REGIONS, min_size=1, max_size=4, unique=True),
    st.sampled_from([Impact.NONE, Impact.LOW]),
    st.one_of(st.just(""), REGIONS),
)
def test_low_or_no_impact_never_breaks_no_impact_and_high_impact_in_the_region_always_does(
    regions, impact, region
):
    restriction = r("no_impact", region)
    assert (
        check_item(Item(1, "Anything", tuple(regions), ("balance",), impact), [restriction]) == []
    )
    touched = tuple(regions) if not region else (*regions, region)
    high = Item(1, "Anything", touched, ("balance",), Impact.HIGH)
    assert [c.severity for c in check_item(high, [restriction])] == ["block"]
