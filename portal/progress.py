"""Progress for the patient, in words: "You did 9 of 12 planned sessions in the last 4 weeks;
your pain stayed at or below 3". The chart itself is the one the therapist sees
(``handoff.charts.build_chart``), drawn by the shared component."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from handoff.models import Handoff, PacketVersion, SessionLog
from portal import plain

WEEKS = 4


@dataclass(frozen=True)
class Week:
    start: datetime.date
    end: datetime.date
    done: int
    planned: int
    max_pain: int | None


@dataclass
class Progress:
    weeks: list[Week]
    planned_per_week: int
    pain_ceiling: int
    pains: list[tuple[datetime.date, int]]
    summary: str


def counts(log: SessionLog) -> bool:
    """A session that happened, whole or in part (a skipped one is logged too)."""
    return log.completed or not log.note.startswith("Skipped.")


def progress_for(handoff: Handoff, version: PacketVersion, *, today: datetime.date) -> Progress:
    first = today - datetime.timedelta(days=7 * WEEKS - 1)
    logs = list(handoff.session_logs.filter(date__gte=first, date__lte=today).order_by("date"))
    planned = max((item.per_week for item in version.program.all()), default=0)
    weeks = []
    for i in range(WEEKS):
        start = first + datetime.timedelta(days=7 * i)
        end = start + datetime.timedelta(days=6)
        in_week = [log for log in logs if start <= log.date <= end]
        pains = [log.pain for log in in_week]
        weeks.append(
            Week(
                start,
                end,
                sum(1 for log in in_week if counts(log)),
                planned,
                max(pains, default=None),
            )
        )
    points = [(log.date, log.pain) for log in logs]
    progress = Progress(weeks, planned, version.pain_ceiling, points, "")
    progress.summary = summary(progress)
    return progress


def summary(progress: Progress) -> str:
    done = sum(w.done for w in progress.weeks)
    planned = progress.planned_per_week * len(progress.weeks)
    if not progress.pains:
        return f"No sessions logged in the last {WEEKS} weeks yet. Your plan asks for {plain.times_a_week(progress.planned_per_week)}."
    text = f"You did {done} of {planned} planned sessions in the last {WEEKS} weeks"
    worst = max(p for _, p in progress.pains)
    above = sum(1 for _, p in progress.pains if p > progress.pain_ceiling)
    if above:
        times = "once" if above == 1 else f"{above} times"
        return (
            f"{text}; your pain went above your limit of {progress.pain_ceiling} {times} "
            f"(up to {worst} out of 10)."
        )
    return f"{text}; your pain stayed at or below {worst}."
