"""The handoff's reminders (design §6): when each is scheduled, cancelled, and what it says.

Scheduling happens inside the service's transaction, as rows (``notifications.Reminder``). When
a reminder falls due the sweep calls the handler registered here, which looks at the handoff
again: if the reason has gone (the trainer answered, the handoff closed…) it returns ``None`` and
the reminder is dropped as stale.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clinics.models import ClinicMembership
from core.subjects import SubjectType
from gyms.models import Certification, GymMembership
from handoff.models import CheckIn, Consent, Handoff, PacketVersion, Restriction, SessionLog
from notifications.kinds import Kind
from notifications.models import Notification, Reminder
from notifications.services import (
    Notice,
    acknowledge_subject,
    cancel_reminders,
    preference_for,
    schedule_reminder,
)

RESPOND_AFTER = (datetime.timedelta(hours=24), datetime.timedelta(hours=72))
ACKNOWLEDGE_AFTER = datetime.timedelta(hours=24)
URGENT_ESCALATION_AFTER = datetime.timedelta(hours=4)
FOLLOW_UP_WEEKS = (2, 6, 12)
RESTRICTION_REVIEW_BEFORE = datetime.timedelta(days=3)
CONSENT_EXPIRING_BEFORE = datetime.timedelta(days=14)
CERTIFICATION_EXPIRING_BEFORE = datetime.timedelta(days=30)
MORNING = datetime.time(9, 0)
Status = Handoff.Status


def _local(day: datetime.date, at: datetime.time, zone: str) -> datetime.datetime:
    """``at`` o'clock on ``day`` in ``zone``, as an aware UTC time."""
    local = datetime.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(datetime.UTC)


def _handoff_reminder(
    handoff: Handoff, kind: str, recipient, due_at: datetime.datetime, tag: str
) -> None:
    schedule_reminder(
        kind=kind,
        recipient=recipient,
        due_at=due_at,
        subject_type=SubjectType.HANDOFF,
        subject_id=handoff.pk,
        key=f"{kind}:{handoff.pk}:{recipient.pk}:{tag}",
    )


# --- Scheduling (called by the services) ---------------------------------------------------------


def after_send(handoff: Handoff, version: PacketVersion) -> None:
    sent_at = handoff.sent_at or timezone.now()
    for delay in RESPOND_AFTER:
        hours = int(delay.total_seconds() // 3600)
        _handoff_reminder(
            handoff, Kind.RESPOND_REMINDER, handoff.trainer, sent_at + delay, f"{hours}h"
        )
    _restriction_reviews(handoff, version)


def after_accept(handoff: Handoff) -> None:
    cancel_reminders(
        subject_type=SubjectType.HANDOFF,
        subject_id=handoff.pk,
        kinds=[Kind.RESPOND_REMINDER],
        reason="answered",
    )
    accepted_at = handoff.accepted_at or timezone.now()
    for weeks in FOLLOW_UP_WEEKS:
        due = accepted_at + datetime.timedelta(weeks=weeks)
        _handoff_reminder(handoff, Kind.FOLLOW_UP, handoff.therapist, due, f"{weeks}w")
        _handoff_reminder(handoff, Kind.CHECK_IN_DUE, handoff.trainer, due, f"{weeks}w")
    _schedule_nudge(handoff)


def after_amendment(handoff: Handoff, version: PacketVersion) -> None:
    # One chain of acknowledge reminders at a time: the new version replaces the older one's.
    cancel_reminders(
        subject_type=SubjectType.HANDOFF,
        subject_id=handoff.pk,
        kinds=[Kind.ACKNOWLEDGE_REMINDER],
        reason=f"superseded by version {version.number}",
    )
    _acknowledge_reminder(handoff, version.number, version.created_at + ACKNOWLEDGE_AFTER)
    _restriction_reviews(handoff, version)


def version_acknowledged(handoff: Handoff) -> None:
    cancel_reminders(
        subject_type=SubjectType.HANDOFF,
        subject_id=handoff.pk,
        kinds=[Kind.ACKNOWLEDGE_REMINDER],
        reason="acknowledged",
    )
    acknowledge_subject(
        recipient=handoff.trainer, subject_type=SubjectType.HANDOFF, subject_id=handoff.pk
    )


def after_urgent_notice(handoff: Handoff, notifications: Iterable[Notification]) -> None:
    """Clinic admins hear about an urgent notice still unacknowledged after four hours."""
    admins = list(
        ClinicMembership.objects.filter(clinic_id=handoff.clinic_id, is_admin=True).select_related(
            "user"
        )
    )
    for notification in notifications:
        for admin in admins:
            schedule_reminder(
                kind=Kind.URGENT_UNACKNOWLEDGED,
                recipient=admin.user,
                due_at=notification.created_at + URGENT_ESCALATION_AFTER,
                subject_type=SubjectType.NOTIFICATION,
                subject_id=notification.pk,
                key=f"urgent:{notification.pk}:{admin.user_id}",
            )


def after_resume(handoff: Handoff) -> None:
    """Training goes on: the nudges that stopped while the case was referred back start again."""
    _schedule_nudge(handoff)


def urgent_handled(handoff: Handoff) -> None:
    """The therapist acted on the case (resumed or completed it): its urgent notices are done."""
    acknowledge_subject(
        recipient=handoff.therapist, subject_type=SubjectType.HANDOFF, subject_id=handoff.pk
    )


def after_session_logged(handoff: Handoff, log: SessionLog) -> None:
    cancel_reminders(
        subject_type=SubjectType.HANDOFF,
        subject_id=handoff.pk,
        kinds=[Kind.PATIENT_NUDGE],
        reason="session logged",
    )
    _schedule_nudge(handoff)  # log dates are never later than today


def after_consent(handoff: Handoff, consent: Consent) -> None:
    due = _local(consent.expires_on - CONSENT_EXPIRING_BEFORE, MORNING, handoff.clinic.time_zone)
    for person in (handoff.therapist, handoff.patient.user):
        if person is not None:
            schedule_reminder(
                kind=Kind.CONSENT_EXPIRING,
                recipient=person,
                due_at=max(due, timezone.now()),
                subject_type=SubjectType.CONSENT,
                subject_id=consent.pk,
                key=f"consent_expiring:{consent.pk}:{person.pk}",
            )


def consent_ended(consent: Consent) -> None:
    cancel_reminders(
        subject_type=SubjectType.CONSENT, subject_id=consent.pk, reason="consent ended"
    )


def cancel_all(handoff: Handoff, *, reason: str) -> None:
    cancel_reminders(subject_type=SubjectType.HANDOFF, subject_id=handoff.pk, reason=reason)
    restriction_ids = Restriction.objects.filter(version__handoff=handoff).values_list(
        "pk", flat=True
    )
    for restriction_id in restriction_ids:
        cancel_reminders(
            subject_type=SubjectType.RESTRICTION, subject_id=restriction_id, reason=reason
        )


def _acknowledge_reminder(handoff: Handoff, number: int, due: datetime.datetime) -> None:
    tag = f"v{number}:{due:%Y%m%dT%H%M%S}"
    _handoff_reminder(handoff, Kind.ACKNOWLEDGE_REMINDER, handoff.trainer, due, tag)


def _restriction_reviews(handoff: Handoff, version: PacketVersion) -> None:
    for restriction in version.restrictions.exclude(review_on=None):
        review_on: datetime.date = restriction.review_on  # type: ignore[assignment]
        due = _local(review_on - RESTRICTION_REVIEW_BEFORE, MORNING, handoff.clinic.time_zone)
        schedule_reminder(
            kind=Kind.RESTRICTION_REVIEW,
            recipient=handoff.therapist,
            due_at=max(due, timezone.now()),
            subject_type=SubjectType.RESTRICTION,
            subject_id=restriction.pk,
            key=f"restriction_review:{restriction.pk}",
        )


def _schedule_nudge(handoff: Handoff) -> None:
    """Nudge the patient PATIENT_NUDGE_DAYS after today (their date), at their nudge hour.

    Called when training starts or resumes, when a session is logged and when a nudge went out:
    each moves the next nudge to "N days from now", so there is never more than one pending.
    """
    patient_user = handoff.patient.user
    if patient_user is None:
        return
    pref = preference_for(patient_user)
    today = timezone.localdate(timezone=pref.zone)
    day = today + datetime.timedelta(days=settings.PATIENT_NUDGE_DAYS)
    due = _local(day, datetime.time(pref.nudge_hour), pref.time_zone)
    _handoff_reminder(handoff, Kind.PATIENT_NUDGE, patient_user, due, day.isoformat())


# --- Handlers (called by the sweep when a reminder falls due) ------------------------------------------


_MISSING = object()


def load_handoffs(ids: list[int]) -> dict[int, object]:
    """A sweep batch's handoffs, in one query (``notifications.services.load_subjects``)."""
    return dict(Handoff.objects.with_parties().in_bulk(ids))


def _handoff(reminder: Reminder) -> Handoff | None:
    """The reminder's handoff: loaded with the batch by the sweep, else read now."""
    subject = getattr(reminder, "subject", _MISSING)
    if subject is not _MISSING:
        return cast("Handoff | None", subject)
    return Handoff.objects.with_parties().filter(pk=reminder.subject_id).first()


def _notice(
    reminder: Reminder,
    title: str,
    body: str,
    link: str = "",
    *,
    urgent: bool = False,
    handoff: Handoff | None = None,
) -> Notice:
    if handoff is None and link.startswith("/handoffs/"):
        handoff_id: int | None = int(link.split("/")[2])
    else:
        handoff_id = handoff.pk if handoff is not None else None
    return Notice(
        recipient=reminder.recipient,
        kind=reminder.kind,
        title=title,
        body=body,
        link=link,
        urgent=urgent,
        subject_type=SubjectType.HANDOFF if handoff_id is not None else "",
        subject_id=handoff_id,
    )


def _label(handoff: Handoff) -> str:
    return f"{handoff.patient.first_name} {handoff.patient.last_name[:1]}."


def on_respond_reminder(reminder: Reminder) -> Notice | None:
    handoff = _handoff(reminder)
    if handoff is None or handoff.status != Status.SENT:
        return None
    return _notice(
        reminder,
        "Reminder: a handoff packet is waiting for your answer",
        f"Please accept or decline the packet for {_label(handoff)} from {handoff.clinic.name}.",
        handoff.link,
    )


def on_acknowledge_reminder(reminder: Reminder) -> Notice | None:
    handoff = _handoff(reminder)
    if handoff is None or handoff.status not in Handoff.OPEN_STATUSES:
        return None
    latest = handoff.versions.newest_first().values_list("number", flat=True).first() or 0
    if (handoff.acknowledged_version or 0) >= latest:
        return None
    # Until acknowledged: the next reminder a day after this one (or after now, if the sweep
    # was down for a while, so a backlog never turns into a burst).
    _acknowledge_reminder(handoff, latest, max(reminder.due_at, timezone.now()) + ACKNOWLEDGE_AFTER)
    return _notice(
        reminder,
        "Reminder: please acknowledge an updated packet",
        f"Version {latest} of the packet for {_label(handoff)} is waiting for your acknowledgement.",
        handoff.link,
    )


def on_urgent_unacknowledged(reminder: Reminder) -> Notice | None:
    notification = (
        Notification.objects.filter(pk=reminder.subject_id).select_related("recipient").first()
    )
    if notification is None or notification.acknowledged_at is not None:
        return None
    handoff = Handoff.objects.filter(pk=notification.subject_id or 0).only("status").first()
    if handoff is None or handoff.status != Status.REFERRED_BACK:
        return None
    # Clinic admins cannot open the case itself; the notice says whom to chase, not why.
    return _notice(
        reminder,
        "An urgent notice has not been acknowledged",
        f"An urgent refer-back notice sent to {notification.recipient.name} four hours ago is "
        "still unacknowledged. Please make sure a therapist looks at it now.",
        urgent=True,  # the escalation of an urgent notice is itself urgent
    )


def on_follow_up(reminder: Reminder) -> Notice | None:
    handoff = _handoff(reminder)
    if handoff is None or handoff.status not in (Status.ACCEPTED, Status.REFERRED_BACK):
        return None
    return _notice(
        reminder,
        "Follow-up check due",
        f"Time for a follow-up check on {_label(handoff)}, who trains at {handoff.gym.name}.",
        handoff.link,
    )


def on_check_in_due(reminder: Reminder) -> Notice | None:
    handoff = _handoff(reminder)
    if handoff is None or handoff.status != Status.ACCEPTED:
        return None
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    if CheckIn.objects.filter(handoff=handoff, date__gte=week_ago).exists():
        return None  # a check-in this week already answers it
    return _notice(
        reminder,
        "Progress check-in due",
        f"Please post a progress check-in on {_label(handoff)} for {handoff.therapist.name}.",
        handoff.link,
    )


def on_patient_nudge(reminder: Reminder) -> Notice | None:
    handoff = _handoff(reminder)
    if handoff is None or handoff.status != Status.ACCEPTED:
        return None
    since = reminder.due_at - datetime.timedelta(days=settings.PATIENT_NUDGE_DAYS)
    if SessionLog.objects.filter(handoff=handoff, created_at__gte=since).exists():
        return None
    _schedule_nudge(handoff)
    return _notice(
        reminder,
        "Keep up your program",
        f"You have not logged a session for {settings.PATIENT_NUDGE_DAYS} days. "
        "A short session counts: log it in Baton.",
        # Straight to the portal's log-a-session page (a URL name: the portal sits above us).
        reverse("portal:log_session", args=[handoff.pk]),
        handoff=handoff,
    )


def on_restriction_review(reminder: Reminder) -> Notice | None:
    restriction = (
        Restriction.objects.select_related("version__handoff__patient")
        .filter(pk=reminder.subject_id)
        .first()
    )
    if restriction is None:
        return None
    handoff = restriction.version.handoff
    latest = handoff.versions.newest_first().values_list("pk", flat=True).first()
    if handoff.status not in Handoff.OPEN_STATUSES or latest != restriction.version_id:
        return None
    return _notice(
        reminder,
        "A restriction is due for review",
        f"A restriction on {_label(handoff)}'s packet is due for review on "
        f"{restriction.review_on}. Amend the packet if it should change.",
        handoff.link,
    )


def on_consent_expiring(reminder: Reminder) -> Notice | None:
    consent = Consent.objects.select_related("gym").filter(pk=reminder.subject_id).first()
    if consent is None or consent.revoked_at is not None:
        return None
    return _notice(
        reminder,
        "A consent is about to expire",
        f"The consent to share the packet with {consent.gym.name} expires on "
        f"{consent.expires_on}. A new consent is needed to keep training going after that.",
    )


def on_certification_expiring(reminder: Reminder) -> Notice | None:
    certification = (
        Certification.objects.select_related("trainer__user").filter(pk=reminder.subject_id).first()
    )
    if certification is None or certification.expires_on < timezone.localdate():
        return None
    if not reminder.key.endswith(certification.expires_on.isoformat()):
        return None  # renewed since: a new reminder covers the new date
    return _notice(
        reminder,
        "A trainer certification is about to expire",
        f"{certification.trainer.user.name}'s {certification.body} certification expires on "
        f"{certification.expires_on}. Handoffs cannot be sent to a trainer without a valid one.",
    )


def schedule_certification_reminders(now: datetime.datetime | None = None) -> int:
    """Sweep step: each certification expiring within 30 days gets its reminders, once.

    The trainer and the gym's admins are told. The key carries the expiry date, so a renewed
    certification that nears its new date is reminded about again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    expiring = list(
        Certification.objects.filter(
            expires_on__gte=today, expires_on__lte=today + CERTIFICATION_EXPIRING_BEFORE
        ).select_related("trainer")
    )
    if not expiring:  # most sweeps: nothing more to read or write
        return 0
    admins: dict[int, list[int]] = {}
    for gym_id, user_id in GymMembership.objects.filter(
        gym_id__in={c.trainer.gym_id for c in expiring}, is_admin=True
    ).values_list("gym_id", "user_id"):
        admins.setdefault(gym_id, []).append(user_id)
    wanted = {
        f"certification_expiring:{c.pk}:{user_id}:{c.expires_on}": (c.pk, user_id)
        for c in expiring
        for user_id in [c.trainer.user_id, *admins.get(c.trainer.gym_id, [])]
    }
    existing = set(Reminder.objects.filter(key__in=wanted).values_list("key", flat=True))
    created = Reminder.objects.bulk_create(
        [
            Reminder(
                key=key,
                kind=Kind.CERTIFICATION_EXPIRING,
                recipient_id=user_id,
                due_at=now,
                subject_type=SubjectType.CERTIFICATION,
                subject_id=certification_id,
            )
            for key, (certification_id, user_id) in wanted.items()
            if key not in existing
        ],
        ignore_conflicts=True,  # a concurrent sweep made the same rows: fine
    )
    return len(created)


HANDLERS = {
    Kind.RESPOND_REMINDER: on_respond_reminder,
    Kind.ACKNOWLEDGE_REMINDER: on_acknowledge_reminder,
    Kind.URGENT_UNACKNOWLEDGED: on_urgent_unacknowledged,
    Kind.FOLLOW_UP: on_follow_up,
    Kind.CHECK_IN_DUE: on_check_in_due,
    Kind.PATIENT_NUDGE: on_patient_nudge,
    Kind.RESTRICTION_REVIEW: on_restriction_review,
    Kind.CONSENT_EXPIRING: on_consent_expiring,
    Kind.CERTIFICATION_EXPIRING: on_certification_expiring,
}
