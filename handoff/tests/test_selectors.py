"""Who can read a handoff, by state (design §3), through the one selector every view uses."""

import pytest
from django.http import Http404

from handoff.models import Handoff
from handoff.selectors import access_handoff, access_handoff_for_consent, handoffs_visible_to

pytestmark = pytest.mark.django_db
S = Handoff.Status

VISIBLE = {
    "therapist": set(S.values),
    "trainer": {S.SENT, S.ACCEPTED, S.REFERRED_BACK, S.COMPLETED},
    "patient": set(S.values) - {S.DRAFT},
    "other_therapist": set(),
    "trainer2": set(),
    "unpartnered_trainer": set(),
    "other_patient": set(),
    "clinic_admin": set(),
    "gym_admin": set(),
    "outsider": set(),
}


@pytest.fixture
def personas(
    therapist,
    trainer,
    patient,
    other_therapist,
    trainer2,
    unpartnered_trainer,
    other_patient,
    clinic_admin,
    gym_admin,
    outsider,
):
    return {
        "therapist": therapist,
        "trainer": trainer,
        "patient": patient,
        "other_therapist": other_therapist,
        "trainer2": trainer2,
        "unpartnered_trainer": unpartnered_trainer,
        "other_patient": other_patient,
        "clinic_admin": clinic_admin,
        "gym_admin": gym_admin,
        "outsider": outsider,
    }


@pytest.mark.parametrize("state", S.values)
def test_visibility_by_state_and_persona(state, make_handoff, personas):
    handoff = make_handoff(state)
    for name, user in personas.items():
        expected = state in VISIBLE[name]
        listed = handoffs_visible_to(user).filter(pk=handoff.pk).exists()
        assert listed == expected, f"{name} listing a {state} handoff"
        if expected:
            assert access_handoff(user, handoff.pk) == handoff
        else:
            with pytest.raises(Http404):
                access_handoff(user, handoff.pk)


def test_revoking_consent_ends_the_trainers_access_to_a_completed_case(
    make_handoff, trainer, patient
):
    from handoff import services

    handoff = make_handoff("completed")
    assert handoffs_visible_to(trainer).filter(pk=handoff.pk).exists()
    services.revoke_consent(handoff, by=patient)
    with pytest.raises(Http404):
        access_handoff(trainer, handoff.pk)


def test_the_patient_reaches_only_the_consent_request_of_a_draft(
    make_handoff, patient, other_patient
):
    handoff = make_handoff("draft")
    assert access_handoff_for_consent(patient, handoff.pk) == handoff
    with pytest.raises(Http404):
        access_handoff_for_consent(other_patient, handoff.pk)


def test_a_malformed_id_is_a_404(therapist):
    with pytest.raises(Http404):
        access_handoff(therapist, "1; drop table")


def test_an_inactive_user_sees_nothing(make_handoff, therapist):
    handoff = make_handoff("accepted")
    therapist.is_active = False
    therapist.save()
    assert not handoffs_visible_to(therapist).filter(pk=handoff.pk).exists()
