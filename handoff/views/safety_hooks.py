"""The safety engine as the builder shows it: conflicts on the review step, ranked trainers.

``check_packet`` runs the pure checker (``safety.checker``) on the working copy, so the review
step shows conflicts before anything is saved, in the draft and in an amendment alike.
``ranked_trainers`` is the matching of ``handoff.matching``: for a saved draft its own
``rank_for_handoff``; before the draft exists (the trainer is what creates it) the same scoring
from the working copy's needs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from exercises.models import Exercise
from gyms.models import GymMembership
from handoff import matching
from handoff.models import Handoff
from handoff.selectors import trainers_available_to
from handoff.services.packets import PacketSpec
from safety import checker


@dataclass
class PacketCheck:
    """Conflicts by program item position (1-based), and what could not be checked."""

    conflicts: list[checker.Conflict] = field(default_factory=list)
    unchecked: list[checker.Unchecked] = field(default_factory=list)

    def for_item(self, position: int) -> list[checker.Conflict]:
        return [c for c in self.conflicts if c.item == position]

    @property
    def blocks(self) -> list[checker.Conflict]:
        return [c for c in self.conflicts if c.blocks]


def check_packet(spec: PacketSpec, *, today: datetime.date | None) -> PacketCheck:
    exercises = Exercise.objects.in_bulk({i.exercise for i in spec.program if i.exercise})
    items = []
    for position, item in enumerate(spec.program, start=1):
        exercise = exercises.get(item.exercise) if item.exercise else None
        items.append(
            checker.Item(
                ref=position,
                name=item.name or (exercise.name if exercise else ""),
                body_regions=tuple(exercise.body_regions) if exercise else (),
                patterns=tuple(exercise.patterns) if exercise else (),
                impact=exercise.impact if exercise else "",
                load_value=item.load_value,
                load_unit=item.load_unit,
                load=item.load,
            )
        )
    restrictions = [
        checker.Restriction(
            order=order,
            kind=r.kind,
            text=r.text,
            body_region=r.body_region,
            pattern=r.pattern,
            limit_value=r.limit_value,
            limit_unit=r.limit_unit,
            review_on=r.review_on,
        )
        for order, r in enumerate(spec.restrictions, start=1)
    ]
    result = checker.check(items, restrictions, today=today)
    return PacketCheck(conflicts=list(result.conflicts), unchecked=list(result.unchecked))


def ranked_trainers(user: Any, *, handoff: Handoff | None, spec: PacketSpec) -> list[GymMembership]:
    """Trainers with a place left, best first, each with ``match`` (rank, reasons, flags)."""
    trainers = list(trainers_available_to(user).select_related("user", "gym"))
    if handoff is not None:
        version = handoff.versions.order_by("-number").first()
        if version is not None:
            return matching.rank_for_handoff(trainers, handoff, version)
    candidates = [m for m in trainers if getattr(m, "open_handoffs", 0) < m.capacity]
    needs = _needs_of(spec)
    history = matching.answer_history((m.user_id for m in candidates), excluding=0)
    scored = sorted(
        (matching._score(m, needs, history[m.user_id]) for m in candidates),
        key=lambda s: s.order,
    )
    for rank, s in enumerate(scored, start=1):
        s.membership.match = {"rank": rank, "reasons": s.reasons, "flags": s.flags}  # type: ignore[attr-defined]
    return [s.membership for s in scored]


def _needs_of(spec: PacketSpec) -> matching.PacketNeeds:
    """``matching.packet_needs`` for a packet not saved yet."""
    needs = set()
    for r in spec.restrictions:
        if r.body_region in matching.REGION_SPECIALTIES:
            needs.add(matching.REGION_SPECIALTIES[r.body_region])  # type: ignore[index]
    exercises = Exercise.objects.in_bulk({i.exercise for i in spec.program if i.exercise})
    for item in spec.program:
        exercise = exercises.get(item.exercise) if item.exercise else None
        for region in exercise.body_regions if exercise else ():
            if region in matching.REGION_SPECIALTIES:
                needs.add(matching.REGION_SPECIALTIES[region])
    clearance = spec.clearance
    words = f"{clearance.condition} {clearance.goals} {clearance.goals_open}" if clearance else ""
    needs.update(s for pattern, s in matching.WORD_SPECIALTIES if pattern.search(words))
    reviews = [r.review_on for r in spec.restrictions if r.review_on is not None]
    return matching.PacketNeeds(frozenset(needs), min(reviews) if reviews else None)
