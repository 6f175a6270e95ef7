"""What needs a therapist's attention, in order of urgency (issue 13, the dashboard).

Each kind of attention is one query, whatever the number of handoffs, so the dashboard costs the
same for a clinic with three cases as for one with three hundred. Every entry names the place
where the therapist acts on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from core.subjects import SubjectType
from handoff.models import Consent, Handoff, PacketVersion, Restriction
from notifications.kinds import Kind
from notifications.models import Notification

Status = Handoff.Status
CONSENT_WARNING_DAYS = 14
REVIEW_WARNING_DAYS = 7
SILENT_AFTER = datetime.timedelta(days=2)
LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class Attention:
    rank: int
    kind: str
    handoff: Handoff
    title: str
    detail: str
    link: str
    action: str
    urgent: bool = False


def _related(handoffs: QuerySet[Handoff]) -> QuerySet[Handoff]:
    return handoffs.select_related("patient", "trainer", "gym")


def _name(handoff: Handoff) -> str:
    return handoff.patient.name


def needs_attention(
    user: User, handoffs: QuerySet[Handoff], *, today: datetime.date
) -> list[Attention]:
    """``handoffs``: the therapist's scoped queryset (``handoffs_visible_to``)."""
    entries: list[Attention] = []
    entries += _referred_back(user, handoffs)
    entries += _closed_unanswered(handoffs)
    entries += _consent_expiring(handoffs, today)
    entries += _unacknowledged_versions(handoffs)
    entries += _trainer_silent(handoffs)
    entries += _restriction_reviews(handoffs, today)
    entries += _failed_emails(user, handoffs)
    return sorted(entries, key=lambda e: (e.rank, not e.urgent))


def _referred_back(user: User, handoffs: QuerySet[Handoff]) -> list[Attention]:
    unacknowledged = Notification.objects.filter(
        recipient=user,
        subject_type=SubjectType.HANDOFF,
        subject_id=OuterRef("pk"),
        requires_ack=True,
        acknowledged_at__isnull=True,
    )
    rows = (
        _related(handoffs.filter(status=Status.REFERRED_BACK))
        .annotate(unacked=Exists(unacknowledged))
        .order_by("-unacked", "updated_at")[:LIMIT_PER_KIND]
    )
    return [
        Attention(
            rank=0,
            kind="referred_back",
            handoff=h,
            title=f"{_name(h)} was referred back",
            detail=(
                "Urgent notice not yet acknowledged. Review the case, then resume or withdraw."
                if h.unacked
                else "Training is paused until you resume or withdraw the handoff."
            ),
            link=f"{h.link}#actions",
            action="Review and act",
            urgent=h.unacked,
        )
        for h in rows
    ]


def _closed_unanswered(handoffs: QuerySet[Handoff]) -> list[Attention]:
    rows = _related(
        handoffs.filter(status__in=(Status.DECLINED, Status.EXPIRED), reassigned_to__isnull=True)
    ).order_by("-closed_at")[:LIMIT_PER_KIND]
    return [
        Attention(
            rank=1 if h.status == Status.DECLINED else 2,
            kind=h.status,
            handoff=h,
            title=f"{h.trainer.name} {'declined' if h.status == Status.DECLINED else 'did not answer'}: {_name(h)}",
            detail="Reassign the packet to another trainer, or leave it closed.",
            link=f"{h.link}#actions",
            action="Reassign",
        )
        for h in rows
    ]


def _consent_expiring(handoffs: QuerySet[Handoff], today: datetime.date) -> list[Attention]:
    covering = (
        Consent.objects.filter(
            patient_id=OuterRef("patient_id"), gym_id=OuterRef("gym_id"), revoked_at__isnull=True
        )
        .filter(Q(trainer__isnull=True) | Q(trainer_id=OuterRef("trainer_id")))
        .order_by("-expires_on")
        .values("expires_on")[:1]
    )
    rows = (
        _related(handoffs.filter(status__in=Handoff.OPEN_STATUSES))
        .annotate(consent_until=Subquery(covering))
        .filter(consent_until__lte=today + datetime.timedelta(days=CONSENT_WARNING_DAYS))
        .order_by("consent_until")[:LIMIT_PER_KIND]
    )
    return [
        Attention(
            rank=3,
            kind="consent_expiring",
            handoff=h,
            title=f"Consent for {_name(h)} ends on {h.consent_until:%d %b %Y}",
            detail="Ask the patient to renew it, or the handoff closes that day.",
            link=f"/patients/{h.patient_id}/#consents",
            action="See consents",
        )
        for h in rows
    ]


def _unacknowledged_versions(handoffs: QuerySet[Handoff]) -> list[Attention]:
    rows = (
        _related(handoffs.filter(status__in=Handoff.OPEN_STATUSES))
        .annotate(latest=Max("versions__number"))
        .filter(latest__gt=1)
        .filter(Q(acknowledged_version__isnull=True) | Q(acknowledged_version__lt=F("latest")))
        .exclude(status=Status.SENT)
        .order_by("updated_at")[:LIMIT_PER_KIND]
    )
    return [
        Attention(
            rank=4,
            kind="version_unacknowledged",
            handoff=h,
            title=f"{h.trainer.name} has not acknowledged version {h.latest} for {_name(h)}",
            detail="The trainer was reminded. Send a message if it is pressing.",
            link=f"{h.link}#messages",
            action="Message the trainer",
        )
        for h in rows
    ]


def _trainer_silent(handoffs: QuerySet[Handoff]) -> list[Attention]:
    rows = _related(
        handoffs.filter(status=Status.SENT, sent_at__lte=timezone.now() - SILENT_AFTER)
    ).order_by("respond_by")[:LIMIT_PER_KIND]
    return [
        Attention(
            rank=5,
            kind="trainer_silent",
            handoff=h,
            title=f"{h.trainer.name} has not answered about {_name(h)}",
            detail=f"Sent {timezone.localtime(h.sent_at):%d %b}; it expires on {timezone.localtime(h.respond_by):%d %b at %H:%M}.",
            link=f"{h.link}#messages",
            action="Message or withdraw",
        )
        for h in rows
    ]


def _restriction_reviews(handoffs: QuerySet[Handoff], today: datetime.date) -> list[Attention]:
    latest = (
        PacketVersion.objects.filter(handoff_id=OuterRef("version__handoff_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = (
        Restriction.objects.filter(
            version__handoff__in=handoffs.filter(status__in=Handoff.OPEN_STATUSES),
            review_on__lte=today + datetime.timedelta(days=REVIEW_WARNING_DAYS),
        )
        .annotate(latest=Subquery(latest))
        .filter(version__number=F("latest"))
        .select_related("version__handoff__patient", "version__handoff__trainer")
        .order_by("review_on")[:LIMIT_PER_KIND]
    )
    return [
        Attention(
            rank=6,
            kind="restriction_review",
            handoff=r.version.handoff,
            title=f"Review a restriction for {_name(r.version.handoff)} by {r.review_on:%d %b %Y}",
            detail=f"“{r.text}”: amend the packet to change or lift it.",
            link=f"/handoffs/{r.version.handoff_id}/amend/",
            action="Amend the packet",
        )
        for r in rows
    ]


def _failed_emails(user: User, handoffs: QuerySet[Handoff]) -> list[Attention]:
    notices = list(
        Notification.objects.filter(
            recipient=user,
            kind=Kind.DELIVERY_FAILED,
            subject_type=SubjectType.HANDOFF,
            read_at__isnull=True,
        ).order_by("-created_at")[:LIMIT_PER_KIND]
    )
    by_id = {h.pk: h for h in _related(handoffs.filter(pk__in=[n.subject_id for n in notices]))}
    return [
        Attention(
            rank=7,
            kind="email_failed",
            handoff=by_id[n.subject_id],
            title=f"An email about {_name(by_id[n.subject_id])} could not be delivered",
            detail=n.body,
            link=f"{by_id[n.subject_id].link}#messages",
            action="Open the handoff",
        )
        for n in notices
        if n.subject_id in by_id
    ]
