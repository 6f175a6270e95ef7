"""What needs a therapist's attention, in order of urgency (issue 13, the dashboard).

One statement, whatever the number of handoffs: each kind of attention is one arm of a
``UNION ALL`` that numbers the kind's rows in its own order and counts them (window functions),
and only each kind's first rows come back, as plain values. The therapist's scope is the
selector's own (``handoffs_visible_to``), compiled by the ORM into the statement's ``visible``.
The statement is SQL written once rather than eight querysets compiled on every request: that
compilation was most of the page's time. It runs on PostgreSQL and on SQLite (the tests).
Every entry names the place where the therapist acts on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core.subjects import SubjectType
from handoff.models import Handoff
from notifications.kinds import Kind

Status = Handoff.Status
CONSENT_WARNING_DAYS = 14
REVIEW_WARNING_DAYS = 7
SILENT_AFTER = datetime.timedelta(days=2)
LIMIT_PER_KIND = 50
# The dashboard shows this many entries, most urgent first; the rest are one link away.
DASHBOARD_SHOWN = 25

RANKS = {
    "referred_back": 0,
    Status.DECLINED.value: 1,
    Status.EXPIRED.value: 2,
    "consent_expiring": 3,
    "version_unacknowledged": 4,
    "trainer_silent": 5,
    "restriction_review": 6,
    "email_failed": 7,
}


@dataclass(frozen=True)
class Attention:
    rank: int
    kind: str
    handoff_id: int
    patient_id: int
    title: str
    detail: str
    link: str
    action: str
    urgent: bool = False

    @property
    def handoff_link(self) -> str:
        return f"/handoffs/{self.handoff_id}/"


@dataclass(frozen=True)
class AttentionList:
    entries: list[Attention]
    total: int  # every entry that needs attention, shown or not

    @property
    def more(self) -> int:
        return self.total - len(self.entries)


def needs_attention(
    user: User, handoffs: QuerySet[Handoff], *, today: datetime.date, first: int | None = None
) -> AttentionList:
    """``handoffs``: the therapist's scoped queryset (``handoffs_visible_to``). The ``first``
    entries in order of urgency; without it, up to ``LIMIT_PER_KIND`` of each kind."""
    try:
        visible, params = handoffs.order_by().values(*VISIBLE).query.sql_with_params()
    except EmptyResultSet:  # a scope of nothing (``.none()``)
        return AttentionList([], 0)
    arms = [
        _referred_back(user),
        _closed_unanswered(Status.DECLINED),
        _closed_unanswered(Status.EXPIRED),
        _consent_expiring(today),
        _unacknowledged_versions(),
        _trainer_silent(),
        _restriction_reviews(today),
        _failed_emails(user),
    ]
    sql = STATEMENT.format(visible=visible, arms="\nUNION ALL\n".join(arm for arm, _ in arms))
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*params, *(p for _, arm in arms for p in arm), first or LIMIT_PER_KIND]
        )
        rows = [dict(zip(OUTPUT, row, strict=True)) for row in cursor.fetchall()]
    totals = {row["attention"]: row["total"] for row in rows}
    rows.sort(key=lambda row: (RANKS[row["attention"]], row["position"]))
    return AttentionList([_entry(row) for row in rows[:first]], sum(totals.values()))


# --- The statement: one arm per kind ----------------------------------------------------------------

# What ``visible`` (the scoped handoffs) carries to the arms.
VISIBLE = (
    "id",
    "patient_id",
    "trainer_id",
    "gym_id",
    "status",
    "updated_at",
    "closed_at",
    "sent_at",
    "respond_by",
    "acknowledged_version",
)
OUTPUT = (
    "attention",
    "position",
    "total",
    "handoff_id",
    "patient_id",
    "patient_first",
    "patient_last",
    "trainer_name",
    "urgent",
    "day",
    "sent",
    "due",
    "number",
    "note",
)
# Every arm reads its handoffs from ``visible`` only (restrictions and emails are joined to it);
# the outer query adds the names of the few rows kept.
STATEMENT = """
WITH visible AS ({visible})
SELECT a.attention, a.position, a.total, a.handoff_id, a.patient_id, p.first_name, p.last_name,
       t.name, a.urgent, a.day, a.sent, a.due, a.number, a.note
FROM ({arms}) a
JOIN clinics_patient p ON p.id = a.patient_id
LEFT JOIN accounts_user t ON t.id = a.trainer_id
WHERE a.position <= %s
"""
# Each arm selects: its kind, the row's place in the kind's order, the kind's count, the handoff
# (as ``h``), then what the kind's wording needs (a typed NULL where it needs nothing).
ARM = """
SELECT %s AS attention, ROW_NUMBER() OVER (ORDER BY {order}) AS position,
       COUNT(*) OVER () AS total, h.id AS handoff_id, h.patient_id, h.trainer_id,
       {urgent} AS urgent, {day} AS day,
       {sent} AS sent, {due} AS due, {number} AS number, {note} AS note
FROM {source}
WHERE {where}
"""
Arm = tuple[str, list[Any]]
# PostgreSQL types a UNION's columns arm by arm, and an untyped NULL would be text.
NOTHING = {
    "urgent": "FALSE",
    "day": "CAST(NULL AS DATE)",
    "sent": "CAST(NULL AS TIMESTAMPTZ)",
    "due": "CAST(NULL AS TIMESTAMPTZ)",
    "number": "CAST(NULL AS INTEGER)",
    "note": "CAST(NULL AS TEXT)",
}


def _arm(kind: str, params: list[Any], *, source: str, where: str, order: str, **shown: str) -> Arm:
    sql = ARM.format(source=source, where=where, order=order, **{**NOTHING, **shown})
    return sql, [kind, *params]


def _referred_back(user: User) -> Arm:
    # An urgent notice to this therapist not yet acknowledged comes first.
    unacknowledged = """EXISTS (
        SELECT 1 FROM notifications_notification n
        WHERE n.recipient_id = %s AND n.subject_type = %s AND n.subject_id = h.id
          AND n.requires_ack AND n.acknowledged_at IS NULL)"""
    return _arm(
        "referred_back",
        [user.pk, SubjectType.HANDOFF, Status.REFERRED_BACK],
        source=f"(SELECT h.*, {unacknowledged} AS unacked FROM visible h WHERE h.status = %s) h",  # noqa: S608 - constants; values are parameters
        where="TRUE",
        order="h.unacked DESC, h.updated_at, h.id",
        urgent="h.unacked",
    )


def _closed_unanswered(status: str) -> Arm:
    # Until it is reassigned: the reassignment is a new handoff that names this one.
    return _arm(
        status,
        [status],
        source="visible h",
        where="""h.status = %s AND NOT EXISTS (
            SELECT 1 FROM handoff_handoff r WHERE r.reassigned_from_id = h.id)""",
        order="h.closed_at DESC, h.id",
    )


def _consent_expiring(today: datetime.date) -> Arm:
    # The latest unrevoked consent covering the handoff: the patient's, for the gym, given to
    # any of its trainers or to this one.
    until = """(SELECT MAX(c.expires_on) FROM handoff_consent c
        WHERE c.patient_id = h.patient_id AND c.gym_id = h.gym_id AND c.revoked_at IS NULL
          AND (c.trainer_id IS NULL OR c.trainer_id = h.trainer_id))"""
    return _arm(
        "consent_expiring",
        [*Handoff.OPEN_STATUSES, _date(today + datetime.timedelta(days=CONSENT_WARNING_DAYS))],
        source=f"(SELECT h.*, {until} AS until FROM visible h WHERE h.status IN (%s, %s, %s)) h",  # noqa: S608 - constants; values are parameters
        where="h.until <= %s",
        order="h.until, h.id",
        day="h.until",
    )


LATEST = "(SELECT MAX(v.number) FROM handoff_packetversion v WHERE v.handoff_id = h.id)"


def _unacknowledged_versions() -> Arm:
    # Accepting acknowledges the packet as it stands: only a later version needs it, and a
    # packet not yet accepted (sent) has nothing to acknowledge.
    return _arm(
        "version_unacknowledged",
        [Status.ACCEPTED, Status.REFERRED_BACK],
        source=f"(SELECT h.*, {LATEST} AS latest FROM visible h WHERE h.status IN (%s, %s)) h",  # noqa: S608 - constants; values are parameters
        where="h.latest > 1 AND (h.acknowledged_version IS NULL OR h.acknowledged_version < h.latest)",
        order="h.updated_at, h.id",
        number="h.latest",
    )


def _trainer_silent() -> Arm:
    return _arm(
        "trainer_silent",
        [Status.SENT, _moment(timezone.now() - SILENT_AFTER)],
        source="visible h",
        where="h.status = %s AND h.sent_at <= %s",
        order="h.respond_by, h.id",
        sent="h.sent_at",
        due="h.respond_by",
    )


def _restriction_reviews(today: datetime.date) -> Arm:
    # Only the restrictions of the packet as it stands (the latest version).
    return _arm(
        "restriction_review",
        [*Handoff.OPEN_STATUSES, _date(today + datetime.timedelta(days=REVIEW_WARNING_DAYS))],
        source="""handoff_restriction r
            JOIN handoff_packetversion pv ON pv.id = r.version_id
            JOIN visible h ON h.id = pv.handoff_id""",
        where="""h.status IN (%s, %s, %s) AND r.review_on <= %s AND NOT EXISTS (
            SELECT 1 FROM handoff_packetversion later
            WHERE later.handoff_id = pv.handoff_id AND later.number > pv.number)""",
        order="r.review_on, r.id",
        day="r.review_on",
        note="r.text",
    )


def _failed_emails(user: User) -> Arm:
    return _arm(
        "email_failed",
        [user.pk, Kind.DELIVERY_FAILED, SubjectType.HANDOFF],
        source="notifications_notification n JOIN visible h ON h.id = n.subject_id",
        where="""n.recipient_id = %s AND n.kind = %s AND n.subject_type = %s
            AND n.read_at IS NULL""",
        order="n.created_at DESC, n.id",
        note="n.body",
    )


# SQLite stores dates and times as text: parameters go in as the ORM writes them, and answers
# come back as text there (PostgreSQL gives dates and aware datetimes either way).


def _date(day: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _moment(moment: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _as_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _as_moment(value: Any) -> datetime.datetime:
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
    return value


# --- What each entry says ---------------------------------------------------------------------------


def _entry(row: dict[str, Any]) -> Attention:
    kind = row["attention"]
    patient = f"{row['patient_first']} {row['patient_last']}".strip()
    trainer = row["trainer_name"]
    handoff = f"/handoffs/{row['handoff_id']}/"
    title, detail, link, action = WORDING[kind](row, patient, trainer, handoff)
    return Attention(
        rank=RANKS[kind],
        kind=kind,
        handoff_id=row["handoff_id"],
        patient_id=row["patient_id"],
        title=title,
        detail=detail,
        link=link,
        action=action,
        urgent=bool(row["urgent"]),
    )


def _referred_back_words(row, patient, trainer, handoff):
    detail = (
        "Urgent notice not yet acknowledged. Review the case, then resume or withdraw."
        if row["urgent"]
        else "Training is paused until you resume or withdraw the handoff."
    )
    return f"{patient} was referred back", detail, f"{handoff}#actions", "Review and act"


def _closed_words(answer: str):
    def words(row, patient, trainer, handoff):
        return (
            f"{trainer} {answer}: {patient}",
            "Reassign the packet to another trainer, or leave it closed.",
            f"{handoff}#actions",
            "Reassign",
        )

    return words


def _consent_words(row, patient, trainer, handoff):
    return (
        f"Consent for {patient} ends on {_as_date(row['day']):%d %b %Y}",
        "Ask the patient to renew it, or the handoff closes that day.",
        f"/patients/{row['patient_id']}/#consents",
        "See consents",
    )


def _version_words(row, patient, trainer, handoff):
    return (
        f"{trainer} has not acknowledged version {row['number']} for {patient}",
        "The trainer was reminded. Send a message if it is pressing.",
        f"{handoff}#messages",
        "Message the trainer",
    )


def _silent_words(row, patient, trainer, handoff):
    sent = timezone.localtime(_as_moment(row["sent"]))
    due = timezone.localtime(_as_moment(row["due"]))
    return (
        f"{trainer} has not answered about {patient}",
        f"Sent {sent:%d %b}; it expires on {due:%d %b at %H:%M}.",
        f"{handoff}#messages",
        "Message or withdraw",
    )


def _review_words(row, patient, trainer, handoff):
    return (
        f"Review a restriction for {patient} by {_as_date(row['day']):%d %b %Y}",
        f"“{row['note']}”: amend the packet to change or lift it.",
        f"{handoff}amend/",
        "Amend the packet",
    )


def _email_words(row, patient, trainer, handoff):
    return (
        f"An email about {patient} could not be delivered",
        row["note"],
        f"{handoff}#messages",
        "Open the handoff",
    )


WORDING = {
    "referred_back": _referred_back_words,
    Status.DECLINED.value: _closed_words("declined"),
    Status.EXPIRED.value: _closed_words("did not answer"),
    "consent_expiring": _consent_words,
    "version_unacknowledged": _version_words,
    "trainer_silent": _silent_words,
    "restriction_review": _review_words,
    "email_failed": _email_words,
}
