"""Trainer matching (issue 12): ``trainers/?for_handoff=`` ranks partnered, certified trainers
with a place left by specialty fit, places left and past answers, with reasons in words."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLog
from clinics.tests.factories import PatientFactory
from gyms.tests.factories import CertificationFactory, TrainerMembershipFactory
from handoff.models import Handoff
from handoff.tests import builders

pytestmark = pytest.mark.django_db
TRAINERS = "/api/v1/trainers/"


def trainer_at(gym, name, *, specialties, capacity=10):
    return TrainerMembershipFactory(
        gym=gym, user__name=name, specialties=specialties, capacity=capacity
    ).user


def past_handoffs(trainer, therapist, clinic, *, open_=0, accepted=0, declined=0, hours=5):
    """Handoffs already answered (closed ones) or still open, ``hours`` after being sent."""
    now = timezone.now()
    sent = now - datetime.timedelta(days=20)
    answered = sent + datetime.timedelta(hours=hours)
    rows = (
        [("accepted", answered, None)] * open_
        + [("completed", answered, now)] * accepted
        + [("declined", None, answered)] * declined
    )
    for status, accepted_at, closed_at in rows:
        Handoff.objects.create(
            patient=PatientFactory(clinic=clinic),
            clinic=clinic,
            therapist=therapist,
            trainer=trainer,
            gym=trainer.gym_membership.gym,
            status=status,
            sent_at=sent,
            accepted_at=accepted_at,
            closed_at=closed_at,
        )


@pytest.fixture
def world(people, riverside, iron_oak, unpartnered_trainer, other_patient_record):
    therapist = people["therapist"]
    knee = trainer_at(iron_oak, "Kim Knee", specialties=["knee", "post_rehab"])
    busy_knee = trainer_at(iron_oak, "Bo Busy", specialties=["knee", "post_rehab"])
    strength = trainer_at(iron_oak, "Sam Strong", specialties=["strength"], capacity=5)
    full = trainer_at(iron_oak, "Fay Full", specialties=["knee"], capacity=1)
    lapsed = trainer_at(iron_oak, "Lee Lapsed", specialties=["knee"])
    lapsed.gym_membership.certifications.update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    past_handoffs(knee, therapist, riverside, open_=3, accepted=4, declined=1, hours=5)
    past_handoffs(busy_knee, therapist, riverside, open_=8, hours=30)
    past_handoffs(full, therapist, riverside, open_=1)
    draft = builders.draft(**people)  # to people["trainer"]: post_rehab and strength, 5 places
    return {
        "draft": draft,
        "knee": knee,
        "busy_knee": busy_knee,
        "strength": strength,
        "full": full,
        "lapsed": lapsed,
        "unpartnered": unpartnered_trainer,
        "persona": people["trainer"],
    }


def ranked(api, therapist, handoff):
    response = api(therapist).get(TRAINERS, {"for_handoff": handoff.pk})
    assert response.status_code == 200
    return response.json()["results"]


def test_trainers_are_ranked_by_fit_then_places_then_past_answers(api, people, world):
    rows = ranked(api, people["therapist"], world["draft"])

    assert [r["name"] for r in rows] == ["Kim Knee", "Bo Busy", "Terry Oak", "Sam Strong"]
    assert [r["match"]["rank"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["match"]["reasons"] == [
        "knee and post-rehab training specialist",
        "3 of 10 places taken",
        "accepted 7 of 8 past packets",
        "answers in about 5 hours",
    ]
    assert rows[1]["match"]["reasons"][1:] == [
        "8 of 10 places taken",
        "accepted 8 of 8 past packets",
        "answers in about 30 hours",
    ]
    assert rows[3]["match"]["reasons"] == [
        "no specialty matching this packet (knee and sports performance)",
        "0 of 5 places taken",
        "no past packets to judge by",
    ]


def test_full_uncertified_and_unpartnered_trainers_never_appear(api, people, world):
    names = {r["name"] for r in ranked(api, people["therapist"], world["draft"])}
    assert not names & {"Fay Full", "Lee Lapsed", world["unpartnered"].name}


def test_a_certification_expiring_before_the_first_review_is_flagged(api, people, world):
    review = builders.clinic_today() + datetime.timedelta(days=30)  # the packet's restriction
    membership = world["strength"].gym_membership
    membership.certifications.update(expires_on=review - datetime.timedelta(days=2))
    CertificationFactory(
        trainer=membership, body="ACE", expires_on=review - datetime.timedelta(days=5)
    )

    rows = {r["name"]: r for r in ranked(api, people["therapist"], world["draft"])}

    (flag,) = rows["Sam Strong"]["match"]["flags"]
    assert "expires on" in flag and "before the first restriction review" in flag
    assert rows["Kim Knee"]["match"]["flags"] == []


def test_ranking_reads_the_packet_so_it_is_audited_and_scoped(
    api, people, world, other_therapist, summit
):
    api(people["therapist"]).get(TRAINERS, {"for_handoff": world["draft"].pk})
    assert AccessLog.objects.filter(
        actor=people["therapist"], action="match", object_id=world["draft"].pk
    ).exists()
    other = api(other_therapist).get(TRAINERS, {"for_handoff": world["draft"].pk})
    assert other.status_code == 404


@pytest.mark.parametrize("value", ["abc", "1.5", "0", "99999999999999"])
def test_a_bad_for_handoff_is_a_400_naming_it(api, people, world, value):
    response = api(people["therapist"]).get(TRAINERS, {"for_handoff": value})
    assert response.status_code == 400 and "for_handoff" in response.json()


def test_without_for_handoff_the_list_carries_no_match(api, people, world):
    rows = api(people["therapist"]).get(TRAINERS).json()["results"]
    assert {r["match"] for r in rows} == {None}
    assert "Fay Full" in {r["name"] for r in rows}  # the plain list still shows full trainers
