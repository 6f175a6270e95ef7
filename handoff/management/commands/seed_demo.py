"""Load the demo data of docs/api.md ("Demo data"): organisations, partnerships, logins, handoffs.

Idempotent: every row is found by its natural key (a name, an email, a pair) and created only
when missing, so a second run changes nothing. Refuses to run unless ``DEBUG`` is on: the demo
password is published in the README.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from clinics.models import Clinic, ClinicMembership, Patient
from clinics.services import PATIENT_QUIET_HOURS
from gyms.models import Certification, Gym, GymMembership
from handoff.demo_handoffs import seed_handoffs
from notifications.services import ensure_preference
from organisations.models import Partnership

DEMO_PASSWORD = "baton-demo-2026"  # noqa: S105 - published on purpose; DEBUG-only data
DEMO_TIME_ZONE = "America/New_York"
RIVERSIDE = "Riverside Physical Therapy"
SUMMIT = "Summit Rehab"
IRON_OAK = "Iron Oak Strength"
PEAK = "Peak Fitness"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str  # as me/ reports it
    organisation: str
    licence_number: str = ""
    specialties: tuple[str, ...] = ()
    certification: tuple[str, str] | None = None  # (body, number)


LOGINS = (
    DemoLogin("pt@riverside.example", "Dana Rivers", "therapist", RIVERSIDE, "PT-NY-204518"),
    DemoLogin("pt@summit.example", "Sam Whitfield", "therapist", SUMMIT, "PT-NY-311972"),
    DemoLogin(
        "trainer@ironoak.example",
        "Terry Oakes",
        "trainer",
        IRON_OAK,
        specialties=("post_rehab", "knee", "strength"),
        certification=("NSCA-CPT", "NSCA-DEMO-1001"),
    ),
    DemoLogin(
        "trainer2@ironoak.example",
        "Toni Marsh",
        "trainer",
        IRON_OAK,
        specialties=("older_adults", "shoulder", "back"),
        certification=("ACE", "ACE-DEMO-2002"),
    ),
    DemoLogin(
        "trainer@peak.example",
        "Pat Quinlan",
        "trainer",
        PEAK,
        specialties=("running", "sports_performance"),
        certification=("NASM", "NASM-DEMO-3003"),
    ),
    DemoLogin("patient@riverside.example", "Alex Morgan", "patient", RIVERSIDE),
    DemoLogin("admin@riverside.example", "Riley Chen", "clinic_admin", RIVERSIDE),
    DemoLogin("admin@ironoak.example", "Morgan Ellis", "gym_admin", IRON_OAK),
)

# Riverside's patients: (first, last, email, date of birth, login email or "").
PATIENTS = (
    (
        "Alex",
        "Morgan",
        "patient@riverside.example",
        datetime.date(1988, 4, 12),
        "patient@riverside.example",
    ),
    ("Jordan", "Lee", "jordan.lee@mail.example", datetime.date(1975, 9, 3), ""),
    ("Casey", "Nguyen", "casey.nguyen@mail.example", datetime.date(1962, 1, 27), ""),
)


class Command(BaseCommand):
    help = "Load the demo organisations, partnerships, logins, patients and handoffs (DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo logins share a published "
                "password and must never reach a production database."
            )
        with transaction.atomic():
            seed_demo()
        self.stdout.write(login_table())


def seed_demo() -> None:
    """Create whatever of the demo data is missing. Running it again changes nothing."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(DEMO_TIME_ZONE))
    clinics = {name: _clinic(name) for name in (RIVERSIDE, SUMMIT)}
    gyms = {name: _gym(name) for name in (IRON_OAK, PEAK)}
    _partnership(clinics[RIVERSIDE], gyms[IRON_OAK])
    _partnership(clinics[SUMMIT], gyms[PEAK])
    users = {}
    for login in LOGINS:
        users[login.email] = user = _user(login.email, login.name)
        if login.organisation in clinics and login.role != "patient":
            _clinic_member(clinics[login.organisation], user, login)
        elif login.organisation in gyms:
            _gym_member(gyms[login.organisation], user, login, today)
    for first, last, email, born, login_email in PATIENTS:
        _patient(clinics[RIVERSIDE], first, last, email, born, users.get(login_email))
    seed_handoffs(therapist=users["pt@riverside.example"], trainer=users["trainer@ironoak.example"])


def _clinic(name: str) -> Clinic:
    # The authorization form and packet defaults are the model's: each clinic's standard form.
    clinic, _ = Clinic.objects.get_or_create(name=name, defaults={"time_zone": DEMO_TIME_ZONE})
    return clinic


def _gym(name: str) -> Gym:
    gym, _ = Gym.objects.get_or_create(name=name, defaults={"time_zone": DEMO_TIME_ZONE})
    return gym


def _partnership(clinic: Clinic, gym: Gym) -> None:
    Partnership.objects.get_or_create(
        clinic=clinic,
        gym=gym,
        defaults={
            "status": Partnership.Status.ACTIVE,
            "proposed_by_side": Partnership.Side.CLINIC,
            "activated_at": timezone.now(),
        },
    )


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, name=name)
        user.set_password(DEMO_PASSWORD)  # the project's first hasher: Argon2
        user.save()
    return user


def _clinic_member(clinic: Clinic, user: User, login: DemoLogin) -> None:
    therapist = login.role == "therapist"
    ClinicMembership.objects.get_or_create(
        user=user,
        defaults={
            "clinic": clinic,
            "role": ClinicMembership.Role.THERAPIST if therapist else ClinicMembership.Role.ADMIN,
            "is_admin": not therapist,
            "licence_number": login.licence_number,
            "credential": ClinicMembership.Credential.DPT if therapist else "",
        },
    )
    ensure_preference(user, time_zone=clinic.time_zone)


def _gym_member(gym: Gym, user: User, login: DemoLogin, today: datetime.date) -> None:
    trainer = login.role == "trainer"
    membership, _ = GymMembership.objects.get_or_create(
        user=user,
        defaults={
            "gym": gym,
            "role": GymMembership.Role.TRAINER if trainer else GymMembership.Role.ADMIN,
            "is_admin": not trainer,
            "specialties": list(login.specialties),
            "capacity": 5 if trainer else 0,
        },
    )
    if login.certification is not None:
        body, number = login.certification
        Certification.objects.get_or_create(
            trainer=membership,
            body=body,
            number=number,
            defaults={"expires_on": today + datetime.timedelta(days=365)},
        )
    ensure_preference(user, time_zone=gym.time_zone)


def _patient(
    clinic: Clinic,
    first: str,
    last: str,
    email: str,
    born: datetime.date,
    user: User | None,
) -> None:
    Patient.objects.get_or_create(
        clinic=clinic,
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            "phone": "555-0100",
            "preferred_contact": Patient.PreferredContact.EMAIL,
            "emergency_contact": "Sam Doe (partner), 555-0199",
            "user": user,
        },
    )
    if user is not None:
        ensure_preference(user, time_zone=clinic.time_zone, quiet_hours=PATIENT_QUIET_HOURS)


def login_table() -> str:
    rows = [("email", "password", "role", "organisation")]
    rows += [(x.email, DEMO_PASSWORD, x.role, x.organisation) for x in LOGINS]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
