"""Trainer matching: rank the trainers a handoff may go to for its packet (issue 12).

Who appears: the trainers ``trainers/`` lists (partnered with the clinic, holding an unexpired
certification) who still have a place (open handoffs under capacity). Nobody else, ever.

The order, most important first:
1. specialty fit: the packet's body regions (restrictions and library exercises) and its
   condition and goals in words, against the trainer's specialties (``post_rehab`` fits every
   packet, a little);
2. places left (capacity minus open handoffs);
3. how they answered past packets: acceptance rate (accepted of answered or expired);
4. median time to answer (faster first); then name, for a stable order.

Each trainer carries ``match = {"rank", "reasons", "flags"}`` in words, e.g. reasons
["knee and post-rehab specialist", "3 of 10 places taken", "accepted 4 of 5 past packets",
"answers in about 5 hours"], and a flag when every certification they hold expires before the
packet's first restriction review.
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from exercises.vocabularies import BodyRegion
from gyms.models import GymMembership, Specialty
from handoff.models import Handoff, PacketVersion

Status = Handoff.Status

REGION_SPECIALTIES = {
    BodyRegion.KNEE: Specialty.KNEE,
    BodyRegion.SHOULDER: Specialty.SHOULDER,
    BodyRegion.LUMBAR_SPINE: Specialty.BACK,
    BodyRegion.THORACIC_SPINE: Specialty.BACK,
}
# Words in the condition or goals that call for a specialty.
WORD_SPECIALTIES = (
    (re.compile(r"\b(knee|acl|menisc\w*|patell\w*)\b", re.I), Specialty.KNEE),
    (re.compile(r"\b(shoulder|rotator|labr\w*)\b", re.I), Specialty.SHOULDER),
    (re.compile(r"\b(back|lumbar|spine|spinal|disc)\b", re.I), Specialty.BACK),
    (re.compile(r"\b(run|running|jog\w*|marathon)\b", re.I), Specialty.RUNNING),
    (
        re.compile(r"\b(sports?|football|soccer|basketball|tennis|return to play)\b", re.I),
        Specialty.SPORTS_PERFORMANCE,
    ),
    (re.compile(r"\b(pregnan\w*|postnatal|postpartum)\b", re.I), Specialty.PRE_POSTNATAL),
)


@dataclass(frozen=True)
class PacketNeeds:
    specialties: frozenset[str]
    first_review: datetime.date | None


@dataclass
class History:
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    hours_to_answer: list[float] = field(default_factory=list)

    @property
    def asked(self) -> int:
        return self.accepted + self.declined + self.expired

    @property
    def acceptance(self) -> float | None:
        return self.accepted / self.asked if self.asked else None

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours_to_answer) if self.hours_to_answer else None


def packet_needs(version: PacketVersion) -> PacketNeeds:
    """What the packet asks of a trainer: specialties and its first restriction review."""
    needs = set()
    restrictions = list(version.restrictions.all())
    for r in restrictions:
        if r.body_region in REGION_SPECIALTIES:
            needs.add(REGION_SPECIALTIES[r.body_region])  # type: ignore[index]
    for item in version.program.all():
        for region in item.exercise.body_regions if item.exercise else ():
            if region in REGION_SPECIALTIES:
                needs.add(REGION_SPECIALTIES[region])
    words = f"{version.condition} {version.goals} {version.goals_open}"
    needs.update(specialty for pattern, specialty in WORD_SPECIALTIES if pattern.search(words))
    reviews = [r.review_on for r in restrictions if r.review_on is not None]
    return PacketNeeds(frozenset(needs), min(reviews) if reviews else None)


def answer_history(trainer_ids: Iterable[int], *, excluding: int) -> dict[int, History]:
    """How each trainer answered the packets sent to them before (one query)."""
    history: dict[int, History] = defaultdict(History)
    rows = (
        Handoff.objects.filter(trainer_id__in=list(trainer_ids), sent_at__isnull=False)
        .exclude(pk=excluding)
        .values_list("trainer_id", "status", "sent_at", "accepted_at", "closed_at")
    )
    for trainer_id, status, sent_at, accepted_at, closed_at in rows:
        seen = history[trainer_id]
        assert sent_at is not None  # noqa: S101 - filtered above
        if accepted_at is not None:
            seen.accepted += 1
            seen.hours_to_answer.append((accepted_at - sent_at).total_seconds() / 3600)
        elif status == Status.DECLINED:
            seen.declined += 1
            if closed_at is not None:
                seen.hours_to_answer.append((closed_at - sent_at).total_seconds() / 3600)
        elif status == Status.EXPIRED:
            seen.expired += 1
    return history


def _labels(codes: Iterable[str]) -> str:
    names = [str(Specialty(c).label).lower() if c in Specialty.values else c for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _about(hours: float) -> str:
    if hours < 1:
        return "answers within the hour"
    if hours < 48:
        n = round(hours)
        return f"answers in about {n} hour{'s' if n != 1 else ''}"
    return f"answers in about {round(hours / 24)} days"


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class _Scored:
    membership: GymMembership
    fit: int
    places_left: int
    history: History
    reasons: list[str]
    flags: list[str]

    @property
    def order(self) -> tuple[Any, ...]:
        acceptance = self.history.acceptance
        median = self.history.median_hours
        return (
            -self.fit,
            -self.places_left,
            -(acceptance if acceptance is not None else 0.5),  # no history: middling
            median if median is not None else 24.0 * 3,
            self.membership.user.name,
            self.membership.pk,
        )


def _score(membership: GymMembership, needs: PacketNeeds, history: History) -> _Scored:
    specialties = set(membership.specialties)
    matched = sorted(needs.specialties & specialties)
    post_rehab = Specialty.POST_REHAB in specialties
    fit = 2 * len(matched) + (1 if post_rehab else 0)
    shown = [*matched, *([Specialty.POST_REHAB] if post_rehab else [])]
    reasons = [
        f"{_labels(shown)} specialist"
        if shown
        else "no specialty matching this packet"
        + (f" ({_labels(sorted(needs.specialties))})" if needs.specialties else "")
    ]
    open_handoffs: int = getattr(membership, "open_handoffs", 0)
    reasons.append(f"{open_handoffs} of {membership.capacity} places taken")
    if history.asked:
        reasons.append(f"accepted {history.accepted} of {history.asked} past packets")
    else:
        reasons.append("no past packets to judge by")
    if history.median_hours is not None:
        reasons.append(_about(history.median_hours))
    flags = []
    expiries = [c.expires_on for c in membership.certifications.all()]
    if needs.first_review and expiries and max(expiries) < needs.first_review:
        flags.append(
            f"Certification expires on {_date(max(expiries))}, before the first restriction "
            f"review on {_date(needs.first_review)}."
        )
    if membership.capacity - open_handoffs == 1:
        flags.append("One place left.")
    return _Scored(membership, fit, membership.capacity - open_handoffs, history, reasons, flags)


def rank_for_handoff(
    trainers: Iterable[GymMembership], handoff: Handoff, version: PacketVersion
) -> list[GymMembership]:
    """The trainers with a place left, best first, each with ``match`` set.

    ``trainers`` come from ``trainers_available_to`` (annotated ``open_handoffs``, with their
    valid certifications prefetched): the partnership and certification rules stay there.
    """
    candidates = [m for m in trainers if getattr(m, "open_handoffs", 0) < m.capacity]
    needs = packet_needs(version)
    history = answer_history((m.user_id for m in candidates), excluding=handoff.pk)
    scored = sorted(
        (_score(m, needs, history[m.user_id]) for m in candidates), key=lambda s: s.order
    )
    for rank, s in enumerate(scored, start=1):
        s.membership.match = {  # type: ignore[attr-defined]
            "rank": rank,
            "reasons": s.reasons,
            "flags": s.flags,
        }
    return [s.membership for s in scored]
