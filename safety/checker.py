"""One checker: a program item against the packet's restrictions (issue 12).

Pure: no database, no clock (``today`` is passed in), no I/O. The same function checks the
therapist's home program when a packet is drafted, sent or amended, and the trainer's plan when
an item is added, changed or the restrictions change.

The rules (each conflict names the restriction it breaks and says why in a trainer's words):

- ``avoid_pattern``: the item has that pattern, in that body region (or anywhere when the
  restriction names no region) -> block.
- ``no_impact``: the item's impact is moderate or high, in that region when one is named -> block.
- ``load_cap``: a structured load above the cap -> block (kg and lb convert; compared in the
  cap's unit, rounded to 0.1); a load that cannot be compared (free text, % of body weight
  against kg) -> warn "check the load by hand". No load, or "bodyweight", carries no external
  load and passes.
- ``rom_limit``: a knee limit of 90 degrees or less against ``deep_knee_flexion`` (a knee bent
  past about 90 degrees) -> block; any shoulder limit against ``end_range_shoulder`` -> block;
  any other item working that region -> warn.
- ``weight_bearing`` under 100 % on the hip, knee or ankle and foot, against an item that loads
  that region standing (impact low or above) -> warn.
- ``pain_ceiling`` and ``other``: nothing to compare. ``other`` restrictions are listed as
  unchecked ("needs your judgement").

Never silently safe: an item with no movement patterns (or no regions, or no impact) is listed
as unchecked, and so is a restriction missing what its rule needs (a pattern, a limit, a region).
An item tagged ``whole_body`` is taken to touch every region; a restriction on ``whole_body``
covers every item. A restriction past its review date stays in force until the therapist keeps
or lifts it; its message says the review is overdue.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from exercises.vocabularies import BodyRegion, Impact, Pattern
from safety.vocabularies import LimitUnit, RestrictionKind, Severity

KG_PER_LB = Decimal("0.45359237")
LOWER_LIMB = frozenset({BodyRegion.HIP, BodyRegion.KNEE, BodyRegion.ANKLE_FOOT})
IMPACTFUL = frozenset({Impact.MODERATE, Impact.HIGH})
STANDING = frozenset({Impact.LOW, Impact.MODERATE, Impact.HIGH})
NO_EXTERNAL_LOAD = frozenset({"", "bodyweight", "body weight", "bw", "none", "no load"})
KNEE_DEEP_FLEXION_DEGREES = Decimal(90)
# Restriction kinds the checker compares against items; the others need a person.
CHECKED_KINDS = frozenset(
    {
        RestrictionKind.AVOID_PATTERN,
        RestrictionKind.NO_IMPACT,
        RestrictionKind.LOAD_CAP,
        RestrictionKind.ROM_LIMIT,
        RestrictionKind.WEIGHT_BEARING,
    }
)


@dataclass(frozen=True)
class Item:
    """A program item as the checker sees it. ``ref`` is how the caller names it in answers
    (a program item's order, a plan item's id, a position in a live check)."""

    ref: int | None
    name: str
    body_regions: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    impact: str = ""  # "" when not known
    load_value: Decimal | None = None
    load_unit: str = ""
    load: str = ""  # the free-text load


@dataclass(frozen=True)
class Restriction:
    order: int
    kind: str
    text: str
    body_region: str = ""
    pattern: str = ""
    limit_value: Decimal | None = None
    limit_unit: str = ""
    review_on: datetime.date | None = None

    @property
    def key(self) -> str:
        """What identifies the restriction across versions (its order may change)."""
        limit = "" if self.limit_value is None else f"{self.limit_value.normalize():f}"
        return "|".join((self.kind, self.body_region, self.pattern, limit, self.limit_unit))


@dataclass(frozen=True)
class Conflict:
    item: int | None
    restriction: int
    severity: str
    message: str
    restriction_key: str = field(default="", compare=False)

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "restriction": self.restriction,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True)
class Unchecked:
    """An item or a restriction the checker could not compare, and why."""

    item: int | None
    restriction: int | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"item": self.item, "restriction": self.restriction, "reason": self.reason}


@dataclass(frozen=True)
class CheckResult:
    conflicts: tuple[Conflict, ...] = ()
    unchecked: tuple[Unchecked, ...] = ()

    @property
    def blocks(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.blocks)


# --- Words ---------------------------------------------------------------------------------------


def _label(choices: type[BodyRegion] | type[Pattern], code: str) -> str:
    return str(choices(code).label).lower() if code in choices.values else code


def _region(code: str) -> str:
    return "the whole body" if code == BodyRegion.WHOLE_BODY else f"the {_label(BodyRegion, code)}"


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _until(restriction: Restriction, today: datetime.date | None) -> str:
    if restriction.review_on is None:
        return ""
    if today is not None and restriction.review_on < today:
        return (
            f" (its review was due on {_date(restriction.review_on)}; it stays in force until "
            "the therapist keeps or lifts it)"
        )
    return f" until {_date(restriction.review_on)}"


def _says(restriction: Restriction, today: datetime.date | None) -> str:
    text = restriction.text.strip().rstrip(".")
    return f"the therapist's restriction “{text}” applies{_until(restriction, today)}."


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- Matching ------------------------------------------------------------------------------------


def _in_region(item: Item, region: str) -> bool:
    """Does the item work ``region``? No region named means anywhere."""
    if not region or region == BodyRegion.WHOLE_BODY:
        return True
    return region in item.body_regions or BodyRegion.WHOLE_BODY in item.body_regions


def _where(item: Item, region: str) -> str:
    return f" with {_region(region)}" if region and region != BodyRegion.WHOLE_BODY else ""


def _to_unit(value: Decimal, unit: str, target: str) -> Decimal | None:
    """``value`` in ``unit`` expressed in ``target``; None when there is no safe conversion."""
    if unit == target:
        return value
    if (unit, target) == (LimitUnit.LB, LimitUnit.KG):
        return value * KG_PER_LB
    if (unit, target) == (LimitUnit.KG, LimitUnit.LB):
        return value / KG_PER_LB
    return None


# --- The rules -----------------------------------------------------------------------------------


def _avoid_pattern(item: Item, r: Restriction, today: datetime.date | None) -> Conflict | None:
    if r.pattern in item.patterns and _in_region(item, r.body_region):
        message = (
            f"{item.name} is {_label(Pattern, r.pattern)}{_where(item, r.body_region)}: "
            + _says(r, today)
        )
        return Conflict(item.ref, r.order, Severity.BLOCK, message)
    return None


def _no_impact(item: Item, r: Restriction, today: datetime.date | None) -> Conflict | None:
    if item.impact in IMPACTFUL and _in_region(item, r.body_region):
        message = f"{item.name} is {item.impact}-impact{_where(item, r.body_region)}: " + _says(
            r, today
        )
        return Conflict(item.ref, r.order, Severity.BLOCK, message)
    return None


def _load_cap(item: Item, r: Restriction, today: datetime.date | None) -> Conflict | None:
    assert r.limit_value is not None  # noqa: S101 - _unusable() turned it away
    if not _in_region(item, r.body_region):
        return None
    cap = f"{_amount(r.limit_value)} {LimitUnit(r.limit_unit).label}"
    if item.load_value is not None and item.load_unit:
        load = _to_unit(item.load_value, item.load_unit, r.limit_unit)
        if load is None:
            return Conflict(
                item.ref,
                r.order,
                Severity.WARN,
                f"{item.name}: Baton cannot compare a load in {LimitUnit(item.load_unit).label} "
                f"with the cap of {cap}; check the load by hand. " + _says(r, today),
            )
        if load.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) > r.limit_value:
            given = f"{_amount(item.load_value)} {LimitUnit(item.load_unit).label}"
            return Conflict(
                item.ref,
                r.order,
                Severity.BLOCK,
                f"{item.name} uses {given}, above the cap of {cap}{_where(item, r.body_region)}: "
                + _says(r, today),
            )
        return None
    if item.load.strip().casefold() in NO_EXTERNAL_LOAD:
        return None
    return Conflict(
        item.ref,
        r.order,
        Severity.WARN,
        f"{item.name}'s load (“{item.load.strip()}”) cannot be compared with the cap of {cap}; "
        "check the load by hand. " + _says(r, today),
    )


def _rom_limit(item: Item, r: Restriction, today: datetime.date | None) -> Conflict | None:
    if not _in_region(item, r.body_region):
        return None
    degrees = r.limit_value if r.limit_unit == LimitUnit.DEG else None
    knee_blocks = (
        r.body_region == BodyRegion.KNEE
        and Pattern.DEEP_KNEE_FLEXION in item.patterns
        and degrees is not None
        and degrees <= KNEE_DEEP_FLEXION_DEGREES
    )
    shoulder_blocks = (
        r.body_region == BodyRegion.SHOULDER and Pattern.END_RANGE_SHOULDER in item.patterns
    )
    if knee_blocks:
        message = f"{item.name} bends the knee past 90 degrees under load: " + _says(r, today)
        return Conflict(item.ref, r.order, Severity.BLOCK, message)
    if shoulder_blocks:
        message = f"{item.name} takes the shoulder to the end of its range: " + _says(r, today)
        return Conflict(item.ref, r.order, Severity.BLOCK, message)
    return Conflict(
        item.ref,
        r.order,
        Severity.WARN,
        f"{item.name} works {_region(r.body_region)}; keep it inside the range limit by hand: "
        + _says(r, today),
    )


def _weight_bearing(item: Item, r: Restriction, today: datetime.date | None) -> Conflict | None:
    if r.limit_value is not None and r.limit_value >= 100:
        return None  # full weight bearing allowed
    if item.impact in STANDING and _in_region(item, r.body_region):
        return Conflict(
            item.ref,
            r.order,
            Severity.WARN,
            f"{item.name} puts weight through {_region(r.body_region)} standing; check it stays "
            "inside the weight-bearing limit: " + _says(r, today),
        )
    return None


Rule = Callable[[Item, Restriction, datetime.date | None], Conflict | None]
_RULES: dict[str, Rule] = {
    RestrictionKind.AVOID_PATTERN: _avoid_pattern,
    RestrictionKind.NO_IMPACT: _no_impact,
    RestrictionKind.LOAD_CAP: _load_cap,
    RestrictionKind.ROM_LIMIT: _rom_limit,
    RestrictionKind.WEIGHT_BEARING: _weight_bearing,
}


# --- What cannot be checked ----------------------------------------------------------------------


def _unusable(r: Restriction) -> str | None:
    """Why this restriction cannot be compared with any item, or None if it can."""
    if r.kind == RestrictionKind.OTHER:
        return f"“{r.text}” needs your judgement: Baton cannot check it against exercises."
    if r.kind == RestrictionKind.AVOID_PATTERN and not r.pattern:
        return f"“{r.text}” names no movement pattern, so Baton cannot check it; check by hand."
    if r.kind == RestrictionKind.LOAD_CAP and (
        r.limit_value is None or r.limit_unit not in (LimitUnit.KG, LimitUnit.LB)
    ):
        return (
            f"“{r.text}” has no cap in kg or lb, so Baton cannot compare loads with it; "
            "check loads by hand."
        )
    if r.kind == RestrictionKind.ROM_LIMIT and not r.body_region:
        return f"“{r.text}” names no body region, so Baton cannot check it; check by hand."
    if r.kind == RestrictionKind.WEIGHT_BEARING and (
        r.body_region and r.body_region not in LOWER_LIMB
    ):
        return (
            f"“{r.text}”: Baton checks weight-bearing limits on the hip, knee, ankle and foot "
            "only; check this one by hand."
        )
    return None


def _missing_tags(item: Item, restrictions: Sequence[Restriction]) -> str | None:
    """Why the item cannot be fully checked against these restrictions, or None."""
    kinds = {r.kind for r in restrictions}
    missing = []
    if not item.patterns and kinds & {RestrictionKind.AVOID_PATTERN, RestrictionKind.ROM_LIMIT}:
        missing.append("movement patterns")
    if not item.body_regions and any(r.body_region for r in restrictions):
        missing.append("body regions")
    if not item.impact and kinds & {RestrictionKind.NO_IMPACT, RestrictionKind.WEIGHT_BEARING}:
        missing.append("an impact level")
    if not missing:
        return None
    return (
        f"{item.name} has no {' or '.join(missing)}, so Baton could not check it against the "
        "restrictions; check it by hand."
    )


# --- The checker ---------------------------------------------------------------------------------


def check_item(
    item: Item, restrictions: Iterable[Restriction], *, today: datetime.date | None = None
) -> list[Conflict]:
    """The conflicts of one item with the restrictions, in the restrictions' order."""
    conflicts = []
    for r in restrictions:
        rule = _RULES.get(r.kind)
        if rule is None or _unusable(r) is not None:
            continue
        conflict = rule(item, r, today)
        if conflict is not None:
            conflicts.append(
                Conflict(
                    conflict.item,
                    conflict.restriction,
                    conflict.severity,
                    conflict.message,
                    restriction_key=r.key,
                )
            )
    return conflicts


def check(
    items: Iterable[Item],
    restrictions: Iterable[Restriction],
    *,
    today: datetime.date | None = None,
) -> CheckResult:
    """Every item against every restriction, with what could not be checked and why."""
    restrictions = list(restrictions)
    checked = [r for r in restrictions if r.kind in CHECKED_KINDS and _unusable(r) is None]
    unchecked = [
        Unchecked(None, r.order, reason)
        for r in restrictions
        if (reason := _unusable(r)) is not None
    ]
    conflicts: list[Conflict] = []
    for item in items:
        if checked and (reason := _missing_tags(item, checked)) is not None:
            unchecked.append(Unchecked(item.ref, None, reason))
        conflicts.extend(check_item(item, checked, today=today))
    return CheckResult(conflicts=tuple(conflicts), unchecked=tuple(unchecked))
