"""The trainer's inbox: their handoffs sorted by what the trainer has to do next.

Reads only, built on ``handoffs_visible_to`` so a trainer never sees another's packets. One
query for the handoffs (latest version, last check-in and last red flag from the patient come
as subqueries), whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.types import AnyUser
from handoff.models import CheckIn, Handoff, PacketVersion, PlanItem, RedFlagReport
from handoff.reminders import FOLLOW_UP_WEEKS
from handoff.selectors import handoffs_visible_to

Status = Handoff.Status
# A sent packet whose answer is due within this long is flagged as close to its deadline.
DEADLINE_SOON = datetime.timedelta(hours=48)
# A red flag the patient logged, or an answer to an exception request, stays in "needs
# attention" this long (a red flag also while the handoff is referred back).
RED_FLAG_RECENT = datetime.timedelta(days=7)
INBOX_LIMIT = 200


@dataclass
class Entry:
    handoff: Handoff
    latest_version: int
    next_check_in: datetime.date | None = None
    attention: list[str] = field(default_factory=list)

    @property
    def deadline_soon(self) -> bool:
        deadline = self.handoff.respond_by
        return deadline is not None and deadline - timezone.now() <= DEADLINE_SOON

    @property
    def unacknowledged(self) -> bool:
        # Accepting acknowledges the packet as it stands: only a later version needs it.
        training = self.handoff.status in (Status.ACCEPTED, Status.REFERRED_BACK)
        return training and self.latest_version > (self.handoff.acknowledged_version or 0)


@dataclass
class Inbox:
    new: list[Entry] = field(default_factory=list)
    accepted: list[Entry] = field(default_factory=list)
    referred_back: list[Entry] = field(default_factory=list)
    completed: list[Entry] = field(default_factory=list)
    attention: list[Entry] = field(default_factory=list)

    @property
    def handoff_ids(self) -> list[int]:
        entries = [*self.new, *self.accepted, *self.referred_back, *self.completed]
        return [entry.handoff.pk for entry in entries]

    @property
    def patient_ids(self) -> list[int]:
        entries = [*self.new, *self.accepted, *self.referred_back, *self.completed]
        return sorted({entry.handoff.patient_id for entry in entries})


def _annotated(user: AnyUser) -> QuerySet[Handoff]:
    latest = PacketVersion.objects.filter(handoff=OuterRef("pk")).order_by("-number")
    check_in = CheckIn.objects.filter(handoff=OuterRef("pk")).order_by("-date", "-id")
    patient_flag = RedFlagReport.objects.filter(
        handoff=OuterRef("pk"), session_log__isnull=False
    ).order_by("-created_at", "-id")
    answered = PlanItem.objects.filter(
        handoff=OuterRef("pk"), exception_answered_at__isnull=False
    ).order_by("-exception_answered_at", "-id")
    return (
        handoffs_visible_to(user)
        .select_related("patient", "therapist", "clinic")
        .annotate(
            latest_version=Subquery(latest.values("number")[:1]),
            last_check_in=Subquery(check_in.values("date")[:1]),
            last_patient_flag=Subquery(patient_flag.values("created_at")[:1]),
            last_exception_answer=Subquery(answered.values("exception_answered_at")[:1]),
            last_exception_status=Subquery(answered.values("status")[:1]),
        )
    )


def next_check_in_due(
    accepted_at: datetime.datetime | None, last_check_in: datetime.date | None
) -> datetime.date | None:
    """The first progress check-in milestone (2, 6, 12 weeks) not yet covered by a check-in."""
    if accepted_at is None:
        return None
    start = timezone.localdate(accepted_at)
    covered = last_check_in or start
    for weeks in FOLLOW_UP_WEEKS:
        due = start + datetime.timedelta(weeks=weeks)
        if due > covered:
            return due
    return None


def _attention(handoff: Handoff, entry: Entry, now: datetime.datetime) -> list[str]:
    reasons = []
    deadline = handoff.respond_by
    if handoff.status == Status.SENT and deadline is not None and deadline - now <= DEADLINE_SOON:
        reasons.append(f"Answer the packet: {time_left(deadline, now)}")
    if entry.unacknowledged:
        reasons.append(f"Version {entry.latest_version} of the packet to acknowledge")
    if entry.next_check_in is not None and entry.next_check_in <= timezone.localdate(now):
        reasons.append("Progress check-in due")
    flagged = getattr(handoff, "last_patient_flag", None)
    recent = flagged is not None and now - flagged <= RED_FLAG_RECENT
    if flagged is not None and (recent or handoff.status == Status.REFERRED_BACK):
        reasons.append("The patient logged a red flag")
    answered = getattr(handoff, "last_exception_answer", None)
    if answered is not None and now - answered <= RED_FLAG_RECENT:
        status = getattr(handoff, "last_exception_status", "")
        verdict = {"active": "granted", "refused": "refused"}.get(status, "answered")
        reasons.append(f"The therapist {verdict} your exception request")
    return reasons


def trainer_inbox(user: AnyUser, *, now: datetime.datetime | None = None) -> Inbox:
    now = now or timezone.now()
    inbox = Inbox()
    buckets: dict[str, list[Entry]] = {
        Status.SENT: inbox.new,
        Status.ACCEPTED: inbox.accepted,
        Status.REFERRED_BACK: inbox.referred_back,
        Status.COMPLETED: inbox.completed,
    }
    handoffs = _annotated(user).order_by("respond_by", "-accepted_at", "-id")[:INBOX_LIMIT]
    for handoff in handoffs:
        latest: int | None = getattr(handoff, "latest_version", None)
        entry = Entry(handoff=handoff, latest_version=latest or 1)
        if handoff.status == Status.ACCEPTED:
            last_check_in = getattr(handoff, "last_check_in", None)
            entry.next_check_in = next_check_in_due(handoff.accepted_at, last_check_in)
        entry.attention = _attention(handoff, entry, now)
        bucket = buckets.get(handoff.status)
        if bucket is None:
            continue
        bucket.append(entry)
        if entry.attention:
            inbox.attention.append(entry)
    inbox.accepted.sort(key=lambda e: (e.next_check_in or datetime.date.max, e.handoff.pk))
    inbox.completed.sort(key=lambda e: e.handoff.closed_at or now, reverse=True)
    return inbox


def time_left(deadline: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "2 days 4 hours left", "5 hours left", "overdue": what a trainer reads at a glance."""
    now = now or timezone.now()
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return "overdue"
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} hour{'s' if hours != 1 else ''} left"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''} left"
    return f"{max(seconds // 60, 1)} minutes left"
