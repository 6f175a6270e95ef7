"""Test setup shared by every app: service markers, unique test databases and the personas.

Personas (docs/style.md): a therapist at Riverside, a trainer at a partnered gym (Iron Oak), a second
trainer at the same gym, a trainer at an unpartnered gym (Peak), a therapist at another clinic
(Summit), the patient (with a portal login), another patient, a clinic admin, a gym admin and an
outsider who belongs to nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

# The per-run folder and id are set up by config.pytest_plugin, before Django reads settings.
from config.pytest_plugin import RUN_DIR, RUN_ID


def require_services() -> bool:
    from django.conf import settings

    return bool(settings.REQUIRE_SERVICES)


def _port_answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def missing_services(names: tuple[str, ...]) -> list[str]:
    """Which of the named services this machine lacks, each with the reason."""
    from django.db import connection

    missing = []
    for name in names:
        if name == "postgres" and connection.vendor != "postgresql":
            missing.append("postgres (DATABASE_URL is not PostgreSQL; set CI=true or DATABASE_URL)")
        elif name == "redis":
            url = redis_url()
            if not url:
                missing.append("redis (REDIS_URL is not set; set CI=true or REDIS_URL)")
            elif not _port_answers(url, 6379):
                missing.append(f"redis (nothing answers at {url})")
        elif name == "redis-server" and shutil.which("redis-server") is None:
            missing.append("redis-server (the binary is not installed)")
        elif name == "chromium" and not Path("/usr/bin/chromium").exists():
            missing.append(
                "chromium (/usr/bin/chromium is not installed: apt-get install chromium)"
            )
        elif name == "playwright":
            try:
                import playwright.sync_api  # noqa: F401
            except ImportError:
                missing.append("playwright (pip install -r requirements-dev.txt)")
        elif name not in {"postgres", "redis", "redis-server", "chromium", "playwright"}:
            raise ValueError(f"Unknown service {name!r} in a marker")
    return missing


def redis_url() -> str:
    from django.conf import settings

    return settings.REDIS_URL


_MARKER_SERVICES = {
    "browser": ("chromium", "playwright"),
    "faults": ("postgres", "redis", "redis-server"),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    names: list[str] = []
    for marker in item.iter_markers():
        if marker.name == "services":
            names.extend(marker.args or ("postgres", "redis"))
        names.extend(_MARKER_SERVICES.get(marker.name, ()))
    if not names:
        return
    missing = missing_services(tuple(dict.fromkeys(names)))
    if missing:
        message = "needs " + "; ".join(missing)
        if require_services():
            pytest.fail(f"{message} (CI / BATON_REQUIRE_SERVICES is set, so this fails)")
        pytest.skip(message)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI a skipped test is a failure: CI runs with zero skipped tests."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and os.environ.get("CI") and session.exitstatus == 0:
        reporter.write_line(
            f"CI is set and {skipped} tests were skipped: failing the run.", red=True
        )
        session.exitstatus = 1
    shutil.rmtree(RUN_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Give every run its own test database, so runs on one machine never meet."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3"):
        # A file, not memory: worker processes started by tests must open the same database.
        test["NAME"] = str(RUN_DIR / "test.sqlite3")
    else:
        test["NAME"] = f"test_baton_{RUN_ID}"


@pytest.fixture
def run_dir() -> Path:
    return RUN_DIR


# --- Personas -------------------------------------------------------------------------------------


@pytest.fixture
def riverside(db):
    from clinics.tests.factories import ClinicFactory

    return ClinicFactory(name="Riverside Physical Therapy")


@pytest.fixture
def summit(db):
    from clinics.tests.factories import ClinicFactory

    return ClinicFactory(name="Summit Rehab")


@pytest.fixture
def iron_oak(db, riverside):
    from gyms.tests.factories import GymFactory
    from organisations.models import Partnership

    gym = GymFactory(name="Iron Oak Strength")
    Partnership.objects.create(
        clinic=riverside, gym=gym, status=Partnership.Status.ACTIVE, proposed_by_side="clinic"
    )
    return gym


@pytest.fixture
def peak(db, summit):
    """A gym partnered with Summit only: unpartnered from Riverside's point of view."""
    from gyms.tests.factories import GymFactory
    from organisations.models import Partnership

    gym = GymFactory(name="Peak Fitness")
    Partnership.objects.create(
        clinic=summit, gym=gym, status=Partnership.Status.ACTIVE, proposed_by_side="gym"
    )
    return gym


@pytest.fixture
def therapist(riverside):
    from clinics.tests.factories import ClinicMembershipFactory

    return ClinicMembershipFactory(
        clinic=riverside, user__email="pt@riverside.test", user__name="Dana Rivers"
    ).user


@pytest.fixture
def other_therapist(summit):
    from clinics.tests.factories import ClinicMembershipFactory

    return ClinicMembershipFactory(
        clinic=summit, user__email="pt@summit.test", user__name="Sam Summit"
    ).user


@pytest.fixture
def trainer(iron_oak):
    from gyms.tests.factories import TrainerMembershipFactory

    return TrainerMembershipFactory(
        gym=iron_oak, user__email="trainer@ironoak.test", user__name="Terry Oak"
    ).user


@pytest.fixture
def trainer2(iron_oak):
    from gyms.tests.factories import TrainerMembershipFactory

    return TrainerMembershipFactory(
        gym=iron_oak, user__email="trainer2@ironoak.test", user__name="Toni Oak"
    ).user


@pytest.fixture
def unpartnered_trainer(peak):
    from gyms.tests.factories import TrainerMembershipFactory

    return TrainerMembershipFactory(
        gym=peak, user__email="trainer@peak.test", user__name="Pat Peak"
    ).user


@pytest.fixture
def patient_record(riverside):
    from accounts.tests.factories import UserFactory
    from clinics.tests.factories import PatientFactory

    user = UserFactory(email="patient@riverside.test", name="Alex Morgan")
    return PatientFactory(
        clinic=riverside, first_name="Alex", last_name="Morgan", email=user.email, user=user
    )


@pytest.fixture
def patient(patient_record):
    return patient_record.user


@pytest.fixture
def other_patient_record(riverside):
    from accounts.tests.factories import UserFactory
    from clinics.tests.factories import PatientFactory

    user = UserFactory(email="other.patient@riverside.test", name="Jordan Lee")
    return PatientFactory(
        clinic=riverside, first_name="Jordan", last_name="Lee", email=user.email, user=user
    )


@pytest.fixture
def other_patient(other_patient_record):
    return other_patient_record.user


@pytest.fixture
def clinic_admin(riverside):
    from clinics.tests.factories import ClinicAdminFactory

    return ClinicAdminFactory(clinic=riverside, user__email="admin@riverside.test").user


@pytest.fixture
def gym_admin(iron_oak):
    from gyms.tests.factories import GymAdminFactory

    return GymAdminFactory(gym=iron_oak, user__email="admin@ironoak.test").user


@pytest.fixture
def outsider(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(email="outsider@example.test", name="Otto Outsider")


@pytest.fixture
def api() -> Callable[..., object]:
    """``api(user)`` is a DRF test client acting as ``user`` (``api(None)``: anonymous)."""
    from rest_framework.test import APIClient

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def mailbox(settings) -> Iterator[list]:
    """Django's outbox, with the in-memory backend."""
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    yield mail.outbox


# --- The browser (config/tests/browser.py) ----------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Chromium in a thread of its own, one per test module; see config.tests.browser."""
    from config.tests.browser import Browser

    chromium = Browser()
    yield chromium
    chromium.close()
