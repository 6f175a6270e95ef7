"""`trainers/`: the trainers a therapist's handoff may go to."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from clinics.tests.factories import PatientFactory
from gyms.tests.factories import CertificationFactory, GymFactory, TrainerMembershipFactory
from handoff.models import Handoff
from organisations.models import Partnership

pytestmark = pytest.mark.django_db

TRAINERS = "/api/v1/trainers/"


def fresh(user: User) -> User:
    """The same login as a new object: roles are cached on the user for one request's life."""
    return User.objects.get(pk=user.pk)


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def gym_with_partnership(clinic, status: str, name: str):
    gym = GymFactory(name=name)
    Partnership.objects.create(clinic=clinic, gym=gym, status=status, proposed_by_side="clinic")
    TrainerMembershipFactory(gym=gym)
    return gym


def test_trainers_shows_exactly_the_partnered_gyms_certified_trainers(
    api, therapist, riverside, iron_oak, trainer, trainer2, unpartnered_trainer, gym_admin
):
    for status in ("proposed", "suspended", "ended"):
        gym_with_partnership(riverside, status, f"{status.title()} Gym")
    TrainerMembershipFactory(gym=GymFactory(name="Stranger Gym"))  # no partnership at all
    TrainerMembershipFactory(
        gym=iron_oak,
        certification__expires_on=timezone.localdate() - datetime.timedelta(days=3),
    )

    response = api(therapist).get(TRAINERS)

    assert response.status_code == 200
    assert ids(response) == {trainer.pk, trainer2.pk}


def test_trainer_entry_has_the_documented_shape(api, therapist, trainer, iron_oak):
    membership = trainer.gym_membership
    expired = CertificationFactory(
        trainer=membership,
        body="ACE",
        expires_on=timezone.localdate() - datetime.timedelta(days=10),
    )

    (entry,) = api(therapist).get(TRAINERS).json()["results"]

    valid = membership.certifications.exclude(pk=expired.pk).get()
    assert entry == {
        "id": trainer.pk,
        "name": "Terry Oak",
        "email": "trainer@ironoak.test",
        "gym": {"id": iron_oak.pk, "name": "Iron Oak Strength"},
        "certifications": [{"body": "NSCA-CPT", "expires_on": valid.expires_on.isoformat()}],
        "specialties": ["post_rehab", "strength"],
        "open_handoffs": 0,
        "capacity": 5,
        "match": None,  # ranked only with ?for_handoff= (test_matching.py)
    }


def test_open_handoffs_counts_sent_accepted_and_referred_back_only(
    api, therapist, trainer, riverside, iron_oak
):
    now = timezone.now()
    for status in ("sent", "accepted", "referred_back", "draft", "completed", "declined"):
        Handoff.objects.create(
            patient=PatientFactory(clinic=riverside),
            clinic=riverside,
            therapist=therapist,
            trainer=trainer,
            gym=iron_oak,
            status=status,
            sent_at=None if status == "draft" else now,
        )

    (entry,) = api(therapist).get(TRAINERS).json()["results"]

    assert entry["open_handoffs"] == 3


def test_certification_expiring_today_counts_by_the_clinics_date(api, therapist, iron_oak):
    # 02:00 UTC on 10 March is still 9 March in New York, the clinic's time zone.
    with time_machine.travel(datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)):
        last_day = TrainerMembershipFactory(
            gym=iron_oak, certification__expires_on=datetime.date(2026, 3, 9)
        )
        response = api(therapist).get(TRAINERS)

    assert ids(response) == {last_day.user_id}


def test_another_clinics_therapist_sees_their_own_partners_trainers(
    api, other_therapist, trainer, unpartnered_trainer
):
    assert ids(api(other_therapist).get(TRAINERS)) == {unpartnered_trainer.pk}


def test_trainers_filters_by_specialty(api, therapist, iron_oak, trainer):
    knee = TrainerMembershipFactory(gym=iron_oak, specialties=["knee"])
    TrainerMembershipFactory(gym=iron_oak, specialties=["knee_rehab_typo", "running"])

    assert ids(api(therapist).get(TRAINERS, {"specialty": "knee"})) == {knee.user_id}
    assert ids(api(therapist).get(TRAINERS, {"specialty": "strength"})) == {trainer.pk}


def test_trainers_filters_by_gym(api, therapist, riverside, trainer, unpartnered_trainer, peak):
    other = gym_with_partnership(riverside, "active", "Second Gym")
    other_trainer = other.memberships.get()

    assert ids(api(therapist).get(TRAINERS, {"gym": other.pk})) == {other_trainer.user_id}
    assert ids(api(therapist).get(TRAINERS, {"gym": peak.pk})) == set()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"specialty": "yoga"}, "specialty"), ({"gym": "abc"}, "gym"), ({"gym": "1.5"}, "gym")],
)
def test_trainers_refuses_a_bad_filter_naming_it(api, therapist, trainer, query, parameter):
    response = api(therapist).get(TRAINERS, query)

    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    "persona",
    ["trainer", "unpartnered_trainer", "clinic_admin", "gym_admin", "patient", "outsider"],
)
def test_only_a_therapist_may_list_trainers(api, request, persona):
    response = api(request.getfixturevalue(persona)).get(TRAINERS)

    assert response.status_code == 403
    assert response.json()["code"] == "therapist_only"


def test_trainers_needs_a_login(api):
    assert api(None).get(TRAINERS).status_code == 401


def test_trainers_costs_the_same_queries_for_1_and_50_trainers(
    api, therapist, iron_oak, django_assert_num_queries
):
    TrainerMembershipFactory(gym=iron_oak)
    with CaptureQueriesContext(connection) as one:
        assert len(api(fresh(therapist)).get(TRAINERS, {"page_size": 100}).json()["results"]) == 1
    for _ in range(49):
        trainer = TrainerMembershipFactory(gym=iron_oak)
        CertificationFactory(trainer=trainer, body="ACE")

    with django_assert_num_queries(len(one)):
        response = api(fresh(therapist)).get(TRAINERS, {"page_size": 100})

    assert len(response.json()["results"]) == 50


def test_a_huge_gym_filter_is_a_400(therapist, api):
    assert api(therapist).get("/api/v1/trainers/?gym=" + "9" * 30).status_code == 400
