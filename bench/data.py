"""The benchmark's data, made fast: rows are written with PostgreSQL ``COPY`` (ids assigned here,
sequences reset afterwards), never one service call per row.

The rows have the shape the services give them (a sent packet is frozen and cleared, consent has
every required element, an accepted handoff has its events and an acknowledged version), so the
endpoints read exactly what they would read in production. ``clinic_block`` builds one clinic with
its therapist, a partnered gym with trainers, and ``handoffs`` handoffs, each with a packet of 8
program items and 4 restrictions, a consent, its timeline, session logs and notifications.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

PROGRAM_ITEMS = 8
RESTRICTIONS = 4
SESSION_LOGS = 3  # per handoff in training or done
# The mix of a clinic's history: most handoffs are done, a good share in training.
STATUS_MIX = (
    ["accepted"] * 30
    + ["completed"] * 30
    + ["sent"] * 15
    + ["referred_back"] * 5
    + ["declined"] * 10
    + ["withdrawn"] * 5
    + ["expired"] * 5
)
TRAINING = {"accepted", "referred_back", "completed"}
ANSWERED = TRAINING | {"withdrawn"}


class Loader:
    """Writes model rows with COPY; hands out ids so that rows can point at each other."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}
        self._touched: set[type[models.Model]] = set()
        self.rows = 0

    def ids(self, model: type[models.Model], count: int) -> range:
        if model not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
                self._next[model] = cursor.fetchone()[0] + 1
        start = self._next[model]
        self._next[model] = start + count
        return range(start, start + count)

    def copy(self, model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
        """``rows`` are {attname: value}; fields left out take their default (or null / "")."""
        if not rows:
            return
        now = timezone.now()
        fields = list(model._meta.concrete_fields)
        defaults: dict[str, Any] = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.has_default():
                defaults[f.attname] = f.get_default()
            elif f.null:
                defaults[f.attname] = None
            else:
                defaults[f.attname] = ""
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        preps = [(f.attname, f) for f in fields]
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        f.get_db_prep_save(row.get(name, defaults[name]), connection)
                        for name, f in preps
                    ]
                )
        self._touched.add(model)
        self.rows += len(rows)

    def finish(self) -> None:
        """Move the id sequences past the ids handed out here."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._touched))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self._touched.clear()


@dataclass
class Block:
    """One clinic's world; ``handoffs`` are (id, status, patient id, trainer id) by creation."""

    clinic_id: int
    gym_id: int
    therapist_id: int
    trainer_ids: list[int]
    handoffs: list[tuple[int, str, int, int]] = field(default_factory=list)
    patient_user_id: int | None = None

    def first(self, status: str, trainer_id: int | None = None) -> int:
        for handoff_id, state, _, trainer in self.handoffs:
            if state == status and (trainer_id is None or trainer == trainer_id):
                return handoff_id
        raise LookupError(status)


def exercise_ids() -> list[int]:
    from exercises.models import Exercise

    return list(Exercise.objects.order_by("id").values_list("id", flat=True))


def clinic_block(
    loader: Loader,
    tag: str,
    *,
    handoffs: int,
    trainers: int = 10,
    exercises: Sequence[int],
    statuses: Sequence[str] = STATUS_MIX,
    patient_login_for: str | None = None,
) -> Block:
    """A clinic, its therapist, a partnered gym with ``trainers`` trainers, and its handoffs.

    ``patient_login_for``: the first handoff in that status gets a patient with a login.
    """
    from accounts.models import User
    from clinics.models import Clinic, ClinicMembership, Patient
    from gyms.models import Certification, Gym, GymMembership
    from handoff.models import (
        Consent,
        Handoff,
        HandoffEvent,
        PacketVersion,
        ProgramItem,
        Restriction,
        SessionLog,
    )
    from handoff.models.consent import REQUIRED_ELEMENTS
    from notifications.models import Delivery, Notification
    from organisations.models import Partnership

    now = timezone.now()
    today = now.date()
    (clinic_id,) = loader.ids(Clinic, 1)
    (gym_id,) = loader.ids(Gym, 1)
    loader.copy(Clinic, [{"id": clinic_id, "name": f"Clinic {tag}", "time_zone": "UTC"}])
    loader.copy(Gym, [{"id": gym_id, "name": f"Gym {tag}", "time_zone": "UTC"}])
    loader.copy(
        Partnership,
        [
            {
                "id": loader.ids(Partnership, 1)[0],
                "clinic_id": clinic_id,
                "gym_id": gym_id,
                "status": "active",
                "proposed_by_side": "clinic",
                "activated_at": now,
            }
        ],
    )
    staff = loader.ids(User, 1 + trainers)
    therapist_id, trainer_ids = staff[0], list(staff[1:])
    users = [
        {
            "id": therapist_id,
            "email": f"pt-{tag}@clinic.bench",
            "name": f"Therapist {tag}",
            "password": "!",
        }
    ] + [
        {
            "id": t,
            "email": f"trainer{n}-{tag}@gym.bench",
            "name": f"Trainer {n} {tag}",
            "password": "!",
        }
        for n, t in enumerate(trainer_ids)
    ]
    patient_ids = list(loader.ids(Patient, handoffs))
    handoff_ids = list(loader.ids(Handoff, handoffs))
    state = [statuses[n % len(statuses)] for n in range(handoffs)]
    login_at = state.index(patient_login_for) if patient_login_for in state else None
    patient_user_id = None
    if login_at is not None:
        (patient_user_id,) = loader.ids(User, 1)
        users.append(
            {
                "id": patient_user_id,
                "email": f"patient-{tag}@mail.bench",
                "name": f"Patient {tag}",
                "password": "!",
            }
        )
    loader.copy(User, users)
    loader.copy(
        ClinicMembership,
        [
            {
                "id": loader.ids(ClinicMembership, 1)[0],
                "clinic_id": clinic_id,
                "user_id": therapist_id,
                "role": "therapist",
                "licence_number": f"PT-{tag}",
                "credential": "DPT",
            }
        ],
    )
    memberships = loader.ids(GymMembership, trainers)
    loader.copy(
        GymMembership,
        [
            {
                "id": m,
                "gym_id": gym_id,
                "user_id": t,
                "role": "trainer",
                "capacity": 10_000,
                "specialties": [],
            }
            for m, t in zip(memberships, trainer_ids, strict=True)
        ],
    )
    # A valid certification each: the clinic's trainer directory lists only certified trainers.
    loader.copy(
        Certification,
        [
            {
                "id": c,
                "trainer_id": m,
                "body": "NSCA-CPT",
                "number": f"{tag}-{m}",
                "expires_on": today + datetime.timedelta(days=365),
            }
            for c, m in zip(loader.ids(Certification, trainers), memberships, strict=True)
        ],
    )

    created = [
        now - datetime.timedelta(days=365) * (1 - n / max(1, handoffs)) for n in range(handoffs)
    ]
    loader.copy(
        Patient,
        [
            {
                "id": p,
                "clinic_id": clinic_id,
                "first_name": f"Pat{n}",
                "last_name": f"Ient{tag}",
                "email": f"p{n}-{tag}@mail.bench",
                "phone": "+1 555 0100",
                "date_of_birth": datetime.date(1970 + n % 40, 1 + n % 12, 1 + n % 28),
                "preferred_contact": "email",
                "emergency_contact": "Sam, +1 555 0199",
                "private_notes": "Prefers mornings.",
                "created_by_id": therapist_id,
                "created_at": created[n],
                "user_id": patient_user_id if n == login_at else None,
            }
            for n, p in enumerate(patient_ids)
        ],
    )
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    block = Block(clinic_id, gym_id, therapist_id, trainer_ids, patient_user_id=patient_user_id)
    for n, (h, p, status) in enumerate(zip(handoff_ids, patient_ids, state, strict=True)):
        trainer = trainer_ids[n % trainers]
        sent_at = created[n] + datetime.timedelta(hours=2)
        accepted_at = sent_at + datetime.timedelta(hours=20) if status in TRAINING else None
        closed = status not in ("sent", "accepted", "referred_back")
        rows.append(
            {
                "id": h,
                "patient_id": p,
                "clinic_id": clinic_id,
                "therapist_id": therapist_id,
                "trainer_id": trainer,
                "gym_id": gym_id,
                "status": status,
                "created_at": created[n],
                "updated_at": created[n],
                "sent_at": sent_at,
                # Open "sent" handoffs are never overdue: the sweep must not expire them.
                "respond_by": (now if status == "sent" else sent_at) + datetime.timedelta(days=7),
                "accepted_at": accepted_at,
                "closed_at": sent_at + datetime.timedelta(days=30) if closed else None,
                "acknowledged_version": 1 if status in TRAINING else None,
            }
        )
        block.handoffs.append((h, status, p, trainer))
        steps = [
            ("created", "draft", "draft", therapist_id),
            ("sent", "draft", "sent", therapist_id),
        ]
        if status in TRAINING or status == "withdrawn":
            steps.append(("accepted", "sent", "accepted", trainer))
        if status in ("completed", "referred_back", "declined", "withdrawn", "expired"):
            actor = None if status == "expired" else trainer
            before = "sent" if status in ("declined", "expired") else "accepted"
            steps.append((status, before, status, actor))
        for k, (action, before, after, actor) in enumerate(steps):
            events.append(
                {
                    "handoff_id": h,
                    "at": created[n] + datetime.timedelta(hours=k),
                    "actor_id": actor,
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "note": "",
                }
            )
    loader.copy(Handoff, rows)
    for event, event_id in zip(events, loader.ids(HandoffEvent, len(events)), strict=True):
        event["id"] = event_id
    loader.copy(HandoffEvent, events)

    version_ids = list(loader.ids(PacketVersion, handoffs))
    loader.copy(
        PacketVersion,
        [
            {
                "id": v,
                "handoff_id": h,
                "number": 1,
                "created_at": created[n],
                "created_by_id": therapist_id,
                "frozen_at": created[n] + datetime.timedelta(hours=2),
                "cleared_on": (created[n] - datetime.timedelta(days=1)).date(),
                "clearance_level": "with_restrictions",
                "condition": "ACL reconstruction, left knee",
                "surgery_date": (created[n] - datetime.timedelta(days=120)).date(),
                "discharge_reason": "Goals of care met",
                "visits_completed": 18,
                "goals_met": "Full extension; normal gait.",
                "goals_open": "Single-leg strength to 90% of the other side.",
                "can_do_now": "Bodyweight squats, cycling, walking 5 km.",
                "goals": "Return to recreational soccer.",
                "notes_for_trainer": "Progress load slowly; watch for swelling.",
                "red_flags": ["swelling", "giving_way"],
                "pain_ceiling": 5,
            }
            for n, (v, h) in enumerate(zip(version_ids, handoff_ids, strict=True))
        ],
    )
    items = []
    for v, item_id in zip(
        itertools.chain.from_iterable(itertools.repeat(v, PROGRAM_ITEMS) for v in version_ids),
        loader.ids(ProgramItem, handoffs * PROGRAM_ITEMS),
        strict=True,
    ):
        order = item_id % PROGRAM_ITEMS
        items.append(
            {
                "id": item_id,
                "version_id": v,
                "order": order,
                "exercise_id": exercises[item_id % len(exercises)] if exercises else None,
                "name": f"Exercise {order}",
                "sets": 3,
                "reps": 10,
                "load": "bodyweight",
                "per_week": 3,
                "cues": "Knee over toes; slow lowering.",
                "progression": "Add 2 kg a week if pain stays under 3.",
            }
        )
    loader.copy(ProgramItem, items)
    kinds = ["avoid_pattern", "load_cap", "no_impact", "other"]
    restrictions = []
    for v, r in zip(
        itertools.chain.from_iterable(itertools.repeat(v, RESTRICTIONS) for v in version_ids),
        loader.ids(Restriction, handoffs * RESTRICTIONS),
        strict=True,
    ):
        order = r % RESTRICTIONS
        restrictions.append(
            {
                "id": r,
                "version_id": v,
                "order": order,
                "kind": kinds[order],
                "body_region": "knee" if order == 0 else "",
                "pattern": "plyometric" if order == 0 else "",
                "limit_value": 40 if order == 1 else None,
                "limit_unit": "kg" if order == 1 else "",
                "text": f"Restriction {order}: keep within the limit.",
                "review_on": today + datetime.timedelta(days=60 + order),
            }
        )
    loader.copy(Restriction, restrictions)
    elements = dict.fromkeys(REQUIRED_ELEMENTS, True)
    loader.copy(
        Consent,
        [
            {
                "id": c,
                "patient_id": p,
                "gym_id": gym_id,
                "trainer_id": None,
                "method": "recorded",
                "signed_on": (created[n] - datetime.timedelta(days=1)).date(),
                "granted_at": created[n],
                "recorded_by_id": therapist_id,
                "purpose": "Continuity of care",
                "scope": "The packet",
                "authorization_text": "I authorize…",
                "elements": elements,
                "expires_on": today + datetime.timedelta(days=365),
            }
            for n, (c, p) in enumerate(zip(loader.ids(Consent, handoffs), patient_ids, strict=True))
        ],
    )
    logs = []
    for n, (h, status) in enumerate(zip(handoff_ids, state, strict=True)):
        if status not in TRAINING:
            continue
        for k in range(SESSION_LOGS):
            logs.append(
                {
                    "handoff_id": h,
                    "logged_by_id": patient_user_id or therapist_id,
                    "date": (created[n] + datetime.timedelta(days=2 + k)).date(),
                    "completed": True,
                    "pain": 2,
                    "difficulty": 4,
                    "symptoms": [],
                    "note": "",
                    "created_at": created[n] + datetime.timedelta(days=2 + k),
                }
            )
    for log, log_id in zip(logs, loader.ids(SessionLog, len(logs)), strict=True):
        log["id"] = log_id
    loader.copy(SessionLog, logs)
    # Two notices per handoff (the trainer's "new packet", the therapist's answer), each with
    # its email delivery; one email in fifty failed for good (the list shows delivery problems).
    notification_ids = list(loader.ids(Notification, handoffs * 2))
    notes, deliveries = [], []
    for k, nid in enumerate(notification_ids):
        n = k // 2
        recipient = rows[n]["trainer_id"] if k % 2 == 0 else therapist_id
        notes.append(
            {
                "id": nid,
                "recipient_id": recipient,
                "kind": "handoff_sent" if k % 2 == 0 else "handoff_accepted",
                "title": "A handoff needs you",
                "body": "",
                "link": f"/handoffs/{handoff_ids[n]}/",
                "subject_type": "handoff",
                "subject_id": handoff_ids[n],
                "created_at": created[n],
                "read_at": created[n] + datetime.timedelta(hours=1),
            }
        )
        failed = k % 100 == 1
        deliveries.append(
            {
                "notification_id": nid,
                "channel": "email",
                "status": "failed" if failed else "sent",
                "attempts": 5 if failed else 1,
                "next_attempt_at": created[n],
                "enqueued_at": created[n],
                "sent_at": None if failed else created[n],
                "failed_at": created[n] if failed else None,
                "last_error": "SMTPRecipientsRefused" if failed else "",
                "idempotency_key": f"notification:{nid}:email",
                "created_at": created[n],
            }
        )
    for delivery, delivery_id in zip(
        deliveries, loader.ids(Delivery, len(deliveries)), strict=True
    ):
        delivery["id"] = delivery_id
    loader.copy(Notification, notes)
    loader.copy(Delivery, deliveries)
    return block


def second_factor(user_id: int) -> None:
    """A confirmed authenticator for ``user_id``, as production requires of therapists."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user_id=user_id, name="Authenticator app", confirmed=True)


def api_token(user_id: int) -> str:
    """A token for ``user_id``, issued as the token endpoint issues it; returns its key."""
    from accounts.models import User
    from accounts.services import issue_token

    return issue_token(User.objects.get(pk=user_id))


def session_cookie(user_id: int) -> str:
    """A logged-in session for ``user_id``, as ``login()`` leaves it (with the second factor
    verified when the user has one, as the login page leaves it); returns the session key."""
    import time

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.middleware import SEEN_KEY, STARTED_KEY
    from accounts.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[STARTED_KEY] = session[SEEN_KEY] = time.time()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    assert session.session_key is not None
    return session.session_key


def due_reminders(loader: Loader, subjects: Iterable[tuple[int, int]], total: int) -> int:
    """``total`` due respond reminders over ``subjects`` ((handoff id, trainer id) of sent
    handoffs), shaped as ``handoff.reminders.after_send`` makes them."""
    from notifications.models import Reminder

    subjects = list(subjects)
    due = timezone.now() - datetime.timedelta(minutes=5)
    rows = []
    ids = loader.ids(Reminder, total)
    for k, rid in enumerate(ids):
        handoff_id, trainer_id = subjects[k % len(subjects)]
        rows.append(
            {
                "id": rid,
                "kind": "respond_reminder",
                "subject_type": "handoff",
                "subject_id": handoff_id,
                "recipient_id": trainer_id,
                "due_at": due,
                "status": "pending",
                "key": f"respond_reminder:{handoff_id}:{trainer_id}:bench{k}",
            }
        )
    loader.copy(Reminder, rows)
    return len(rows)


def future_reminders(count: int, *, recipient_id: int) -> int:
    """``count`` pending reminders due in the next year, in one INSERT … SELECT."""
    from notifications.models import Reminder

    table = Reminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
              (kind, subject_type, subject_id, recipient_id, due_at, status, cancelled_reason,
               key, created_at)
            SELECT 'patient_nudge', 'handoff', g, %s,
                   now() + interval '1 hour' + (g %% 525600) * interval '1 minute', 'pending', '',
                   'bench-future:' || g, now()
            FROM generate_series(1, %s) AS g
            """,  # noqa: S608
            [recipient_id, count],
        )
        return cursor.rowcount


def analyze(*, vacuum: bool = True) -> None:
    """Fresh statistics after a bulk load; with ``vacuum``, also what autovacuum would do soon
    after (visibility map, dead rows), so that it does not start in the middle of a measurement
    and every figure sees the database in its steady state."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def clone_clinic(loader: Loader, block: Block, tags: Sequence[str]) -> int:
    """Copies of ``block``'s clinic, one per tag, each with its own clinic, gym, therapist and
    trainers (COPY) and a copy of every handoff row (patients, handoffs, packets, program,
    restrictions, timeline, consents, session logs, notifications, deliveries) made inside
    PostgreSQL with one ``INSERT … SELECT`` per table: seconds for 100,000 handoffs, where
    building them row by row in Python takes minutes. Returns the handoffs added.

    Copy ``j`` of a row gets the id ``base + (j - 1) * width + id``, where ``base`` is the
    table's largest id before this call and ``width`` the largest id among the source rows;
    references to copied tables are moved the same way.
    """

    from clinics.models import Patient
    from handoff.models import (
        Consent,
        Handoff,
        HandoffEvent,
        PacketVersion,
        ProgramItem,
        Restriction,
        SessionLog,
    )
    from notifications.models import Delivery, Notification

    if not tags:
        return 0
    copies = []
    for tag in tags:
        made = clinic_block(loader, tag, handoffs=0, trainers=len(block.trainer_ids), exercises=[])
        copies.append(made)
    loader.finish()
    q = connection.ops.quote_name
    main = block.clinic_id
    first_trainer = min(block.trainer_ids)
    handoffs_of_main = f"SELECT id FROM {q(Handoff._meta.db_table)} WHERE clinic_id = {main}"  # noqa: S608
    versions_of_main = (
        f"SELECT id FROM {q(PacketVersion._meta.db_table)} "  # noqa: S608
        f"WHERE handoff_id IN ({handoffs_of_main})"
    )
    sources: dict[type[models.Model], str] = {
        Patient: f"t.clinic_id = {main}",
        Handoff: f"t.clinic_id = {main}",
        PacketVersion: f"t.handoff_id IN ({handoffs_of_main})",
        ProgramItem: f"t.version_id IN ({versions_of_main})",
        Restriction: f"t.version_id IN ({versions_of_main})",
        HandoffEvent: f"t.handoff_id IN ({handoffs_of_main})",
        Consent: f"t.patient_id IN (SELECT id FROM {q(Patient._meta.db_table)} WHERE clinic_id = {main})",  # noqa: S608
        SessionLog: f"t.handoff_id IN ({handoffs_of_main})",
        Notification: f"t.subject_type = 'handoff' AND t.subject_id IN ({handoffs_of_main})",
    }
    sources[Delivery] = (
        f"t.notification_id IN (SELECT t.id FROM {q(Notification._meta.db_table)} t "  # noqa: S608
        f"WHERE {sources[Notification]})"
    )
    shift: dict[type[models.Model], tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy "
            "(j int, clinic bigint, gym bigint, therapist bigint, trainer bigint)"
        )
        for model, where in sources.items():
            table = q(model._meta.db_table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            base = cursor.fetchone()[0]
            cursor.execute(f"SELECT COALESCE(MAX(t.id), 0) FROM {table} t WHERE {where}")  # noqa: S608
            shift[model] = (base, cursor.fetchone()[0])
    user = {  # a user of the source clinic -> the same person in copy j
        "therapist": "m.therapist",
        "person": (
            f"CASE WHEN {{c}} = {block.therapist_id} THEN m.therapist "
            f"WHEN {{c}} >= {first_trainer} AND {{c}} < {first_trainer + len(block.trainer_ids)} "
            f"THEN m.trainer + ({{c}} - {first_trainer}) ELSE NULL END"
        ),
    }

    def moved(model: type[models.Model], column: str) -> str:
        base, width = shift[model]
        return f"({base} + (m.j - 1) * {width} + t.{q(column)})"

    overrides: dict[type[models.Model], dict[str, str]] = {
        Patient: {"clinic_id": "m.clinic", "created_by_id": "m.therapist", "user_id": "NULL"},
        Handoff: {
            "patient_id": moved(Patient, "patient_id"),
            "clinic_id": "m.clinic",
            "gym_id": "m.gym",
            "therapist_id": "m.therapist",
            "trainer_id": user["person"].format(c="t.trainer_id"),
            "reassigned_from_id": "NULL",
        },
        PacketVersion: {"handoff_id": moved(Handoff, "handoff_id"), "created_by_id": "m.therapist"},
        ProgramItem: {"version_id": moved(PacketVersion, "version_id")},
        Restriction: {"version_id": moved(PacketVersion, "version_id")},
        HandoffEvent: {
            "handoff_id": moved(Handoff, "handoff_id"),
            "actor_id": user["person"].format(c="t.actor_id"),
        },
        Consent: {
            "patient_id": moved(Patient, "patient_id"),
            "gym_id": "m.gym",
            "trainer_id": "NULL",
            "recorded_by_id": "m.therapist",
            "revoked_by_id": "NULL",
        },
        SessionLog: {"handoff_id": moved(Handoff, "handoff_id"), "logged_by_id": "m.therapist"},
        Notification: {
            "recipient_id": f"COALESCE({user['person'].format(c='t.recipient_id')}, m.therapist)",
            "subject_id": moved(Handoff, "subject_id"),
            "link": f"'/handoffs/' || {moved(Handoff, 'subject_id')} || '/'",
        },
        Delivery: {
            "notification_id": moved(Notification, "notification_id"),
            "idempotency_key": f"'notification:' || {moved(Notification, 'notification_id')} || ':email'",
        },
    }
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_copy VALUES (%s, %s, %s, %s, %s)",
            [
                (j, c.clinic_id, c.gym_id, c.therapist_id, min(c.trainer_ids))
                for j, c in enumerate(copies, start=1)
            ],
        )
        for model, where in sources.items():
            fields = list(model._meta.concrete_fields)
            columns = ", ".join(q(f.column) for f in fields)
            exprs = []
            for f in fields:
                if f.column == "id":
                    exprs.append(moved(model, "id"))
                else:
                    exprs.append(overrides.get(model, {}).get(f.column, f"t.{q(f.column)}"))
            cursor.execute(
                f"INSERT INTO {q(model._meta.db_table)} ({columns}) "  # noqa: S608
                f"SELECT {', '.join(exprs)} FROM {q(model._meta.db_table)} t CROSS JOIN bench_copy m "
                f"WHERE {where}"
            )
            loader._touched.add(model)
            loader.rows += cursor.rowcount
        cursor.execute("DROP TABLE bench_copy")
    loader.finish()
    loader._next.clear()  # ids moved on: read them again next time
    return len(block.handoffs) * len(copies)
