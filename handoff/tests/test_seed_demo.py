"""The demo loader (manage.py seed_demo): docs/api.md's demo table, idempotent, DEBUG only."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from clinics.models import Clinic, ClinicMembership, Patient
from gyms.models import Certification, Gym, GymMembership
from handoff.management.commands.seed_demo import DEMO_PASSWORD, LOGINS
from notifications.models import Preference
from organisations.models import Partnership

MODELS = (User, Clinic, ClinicMembership, Patient, Gym, GymMembership, Certification, Partnership)


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (*MODELS, Preference)}


def test_seed_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_seeding_twice_changes_nothing(seeded, settings):
    before = counts()
    passwords = dict(User.objects.values_list("email", "password"))

    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == before
    assert dict(User.objects.values_list("email", "password")) == passwords


def test_seed_prints_the_login_table(db, settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")

    out = capsys.readouterr().out
    for login in LOGINS:
        assert login.email in out
    assert DEMO_PASSWORD in out


def test_seed_creates_the_demo_organisations_and_partnerships(seeded):
    assert set(Clinic.objects.values_list("name", "time_zone")) == {
        ("Riverside Physical Therapy", "America/New_York"),
        ("Summit Rehab", "America/New_York"),
    }
    assert set(Partnership.objects.values_list("clinic__name", "gym__name", "status")) == {
        ("Riverside Physical Therapy", "Iron Oak Strength", "active"),
        ("Summit Rehab", "Peak Fitness", "active"),
    }
    riverside = Clinic.objects.get(name="Riverside Physical Therapy")
    assert riverside.authorization_text == Clinic._meta.get_field("authorization_text").default


def test_seed_gives_trainers_capacity_specialties_and_a_certification_for_a_year(seeded):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("America/New_York"))
    trainers = GymMembership.objects.filter(role="trainer")

    assert trainers.count() == 3
    for trainer in trainers:
        assert trainer.capacity >= 5
        assert trainer.specialties
        (certification,) = trainer.certifications.all()
        assert certification.expires_on == today + datetime.timedelta(days=365)


def test_seed_gives_therapists_licences_and_admins_rights(seeded):
    for therapist in ClinicMembership.objects.filter(role="therapist"):
        assert therapist.licence_number
    assert ClinicMembership.objects.get(user__email="admin@riverside.example").is_admin
    assert GymMembership.objects.get(user__email="admin@ironoak.example").is_admin


def test_seed_creates_three_riverside_patients_one_with_the_patient_login(seeded):
    patients = Patient.objects.filter(clinic__name="Riverside Physical Therapy")

    assert patients.count() == 3
    assert list(patients.filter(user__isnull=False).values_list("user__email", flat=True)) == [
        "patient@riverside.example"
    ]
    preference = Preference.objects.get(user__email="patient@riverside.example")
    assert preference.quiet_start == datetime.time(21, 0)


@pytest.mark.parametrize(
    ("email", "role", "organisation"),
    [
        ("pt@riverside.example", "therapist", "Riverside Physical Therapy"),
        ("pt@summit.example", "therapist", "Summit Rehab"),
        ("trainer@ironoak.example", "trainer", "Iron Oak Strength"),
        ("trainer2@ironoak.example", "trainer", "Iron Oak Strength"),
        ("trainer@peak.example", "trainer", "Peak Fitness"),
        ("patient@riverside.example", "patient", "Riverside Physical Therapy"),
        ("admin@riverside.example", "clinic_admin", "Riverside Physical Therapy"),
        ("admin@ironoak.example", "gym_admin", "Iron Oak Strength"),
    ],
)
def test_every_demo_login_gets_a_token_and_its_role(seeded, api, email, role, organisation):
    response = api(None).post(
        "/api/v1/auth/token/", {"email": email, "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    me = client.get("/api/v1/me/").json()

    assert me["email"] == email
    assert me["role"] == role
    assert me["organisation"]["name"] == organisation


def test_demo_therapist_sees_both_iron_oak_trainers(seeded, api):
    therapist = User.objects.get(email="pt@riverside.example")

    names = {t["email"] for t in api(therapist).get("/api/v1/trainers/").json()["results"]}

    assert names == {"trainer@ironoak.example", "trainer2@ironoak.example"}
