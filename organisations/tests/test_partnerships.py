"""Partnership transitions: who may make them, which are legal, and the admin that calls them."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from clinics.tests.factories import ClinicAdminFactory, ClinicFactory
from core.errors import Conflict, Forbidden
from gyms.tests.factories import GymAdminFactory, GymFactory
from organisations.models import Partnership
from organisations.services import (
    accept_partnership,
    end_partnership,
    propose_partnership,
    reactivate_partnership,
    suspend_partnership,
)

Status = Partnership.Status


@pytest.fixture
def new_gym(db):
    return GymFactory(name="Harbor Athletic")


@pytest.fixture
def new_gym_admin(new_gym):
    return GymAdminFactory(gym=new_gym, user__email="admin@harbor.test").user


@pytest.fixture
def proposal(riverside, new_gym, clinic_admin):
    return propose_partnership(clinic=riverside, gym=new_gym, by=clinic_admin)


def status_of(partnership: Partnership) -> str:
    partnership.refresh_from_db()
    return partnership.status


# --- Proposing --------------------------------------------------------------------------------


def test_clinic_admin_proposes_a_partnership(proposal, clinic_admin):
    assert proposal.status == Status.PROPOSED
    assert proposal.proposed_by_side == "clinic"
    assert proposal.proposed_by == clinic_admin
    assert proposal.activated_at is None


def test_gym_admin_proposes_a_partnership(summit, iron_oak, gym_admin):
    partnership = propose_partnership(clinic=summit, gym=iron_oak, by=gym_admin)

    assert partnership.proposed_by_side == "gym"


@pytest.mark.parametrize("persona", ["therapist", "trainer", "patient", "outsider"])
def test_only_an_admin_of_either_side_may_propose(request, persona, riverside, new_gym):
    with pytest.raises(Forbidden):
        propose_partnership(clinic=riverside, gym=new_gym, by=request.getfixturevalue(persona))

    assert not Partnership.objects.filter(gym=new_gym).exists()


def test_admin_of_an_unrelated_clinic_cannot_propose(summit, new_gym, clinic_admin):
    with pytest.raises(Forbidden):
        propose_partnership(clinic=summit, gym=new_gym, by=clinic_admin)


def test_proposing_twice_is_409(proposal, riverside, new_gym, new_gym_admin):
    with pytest.raises(Conflict, match="already have a partnership"):
        propose_partnership(clinic=riverside, gym=new_gym, by=new_gym_admin)


# --- Accepting --------------------------------------------------------------------------------


def test_other_sides_admin_accepts_a_proposal(proposal, new_gym_admin):
    accepted = accept_partnership(proposal, by=new_gym_admin)

    assert accepted.status == Status.ACTIVE
    assert accepted.activated_at is not None
    assert status_of(proposal) == Status.ACTIVE


def test_proposing_side_cannot_accept_its_own_proposal(proposal, clinic_admin):
    with pytest.raises(Forbidden, match="cannot accept it too"):
        accept_partnership(proposal, by=clinic_admin)

    assert status_of(proposal) == Status.PROPOSED


@pytest.mark.parametrize("persona", ["therapist", "trainer", "gym_admin", "outsider"])
def test_nobody_but_the_other_sides_admin_accepts(request, persona, proposal):
    with pytest.raises(Forbidden):
        accept_partnership(proposal, by=request.getfixturevalue(persona))

    assert status_of(proposal) == Status.PROPOSED


def test_accepting_twice_is_409_even_from_a_stale_copy(proposal, new_gym_admin):
    stale = Partnership.objects.get(pk=proposal.pk)
    accept_partnership(proposal, by=new_gym_admin)

    with pytest.raises(Conflict, match="this one is active"):
        accept_partnership(stale, by=new_gym_admin)


# --- Suspending, reactivating and ending ------------------------------------------------------


def test_active_partnership_is_suspended_and_reactivated(
    riverside, iron_oak, gym_admin, clinic_admin
):
    partnership = Partnership.objects.get(clinic=riverside, gym=iron_oak)

    suspend_partnership(partnership, by=gym_admin)
    assert status_of(partnership) == Status.SUSPENDED

    reactivate_partnership(partnership, by=clinic_admin)
    assert status_of(partnership) == Status.ACTIVE


@pytest.mark.parametrize(
    ("start", "service"),
    [
        (Status.PROPOSED, suspend_partnership),
        (Status.SUSPENDED, suspend_partnership),
        (Status.ENDED, suspend_partnership),
        (Status.PROPOSED, reactivate_partnership),
        (Status.ACTIVE, reactivate_partnership),
        (Status.ENDED, reactivate_partnership),
        (Status.ACTIVE, accept_partnership),
        (Status.SUSPENDED, accept_partnership),
        (Status.ENDED, accept_partnership),
        (Status.ENDED, end_partnership),
    ],
)
def test_illegal_transition_is_409_and_changes_nothing(proposal, new_gym_admin, start, service):
    Partnership.objects.filter(pk=proposal.pk).update(status=start)
    proposal.refresh_from_db()

    with pytest.raises(Conflict) as error:
        service(proposal, by=new_gym_admin)

    assert error.value.code == "partnership_state"
    assert status_of(proposal) == start


@pytest.mark.parametrize("start", [Status.PROPOSED, Status.ACTIVE, Status.SUSPENDED])
def test_any_live_partnership_can_be_ended_for_good(proposal, clinic_admin, start):
    Partnership.objects.filter(pk=proposal.pk).update(status=start)

    ended = end_partnership(proposal, by=clinic_admin)

    assert ended.status == Status.ENDED
    assert ended.ended_at is not None


def test_admin_of_another_clinic_cannot_suspend(riverside, iron_oak):
    partnership = Partnership.objects.get(clinic=riverside, gym=iron_oak)
    stranger = ClinicAdminFactory(clinic=ClinicFactory()).user

    with pytest.raises(Forbidden):
        suspend_partnership(partnership, by=stranger)

    assert status_of(partnership) == Status.ACTIVE


# --- The Django admin calls the services ------------------------------------------------------


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@baton.test", is_staff=True, is_superuser=True)


def run_action(client, action: str, partnership: Partnership):
    return client.post(
        "/admin/organisations/partnership/",
        {"action": action, "_selected_action": [partnership.pk]},
        follow=True,
    )


def test_admin_action_accepts_through_the_service(client, operator, proposal):
    client.force_login(operator)

    response = run_action(client, "accept", proposal)

    assert response.status_code == 200
    assert status_of(proposal) == Status.ACTIVE


def test_admin_action_reports_an_illegal_transition(client, operator, proposal):
    client.force_login(operator)

    response = run_action(client, "reactivate", proposal)

    assert "Only a suspended partnership can be reactivated" in response.content.decode()
    assert status_of(proposal) == Status.PROPOSED


def test_admin_add_form_proposes_through_the_service(client, operator, summit, new_gym):
    client.force_login(operator)

    response = client.post(
        "/admin/organisations/partnership/add/",
        {"clinic": summit.pk, "gym": new_gym.pk, "proposed_by_side": "gym"},
    )

    assert response.status_code == 302
    partnership = Partnership.objects.get(clinic=summit, gym=new_gym)
    assert (partnership.status, partnership.proposed_by_side) == (Status.PROPOSED, "gym")
    assert partnership.proposed_by == operator


def test_admin_add_form_refuses_an_existing_pair(client, operator, riverside, iron_oak):
    client.force_login(operator)

    response = client.post(
        "/admin/organisations/partnership/add/",
        {"clinic": riverside.pk, "gym": iron_oak.pk, "proposed_by_side": "gym"},
    )

    assert response.status_code == 200
    assert "already have a partnership" in response.content.decode()
    assert Partnership.objects.filter(clinic=riverside, gym=iron_oak).count() == 1
