"""`me/`: who am I."""

from __future__ import annotations

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def fresh(user: User) -> User:
    """The same login as a new object: roles are cached on the user for one request's life."""
    return User.objects.get(pk=user.pk)


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- me/ ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "role", "organisation", "kind", "admin"),
    [
        ("therapist", "therapist", "Riverside Physical Therapy", "clinic", False),
        ("other_therapist", "therapist", "Summit Rehab", "clinic", False),
        ("trainer", "trainer", "Iron Oak Strength", "gym", False),
        ("trainer2", "trainer", "Iron Oak Strength", "gym", False),
        ("unpartnered_trainer", "trainer", "Peak Fitness", "gym", False),
        ("patient", "patient", "Riverside Physical Therapy", "clinic", False),
        ("other_patient", "patient", "Riverside Physical Therapy", "clinic", False),
        ("clinic_admin", "clinic_admin", "Riverside Physical Therapy", "clinic", True),
        ("gym_admin", "gym_admin", "Iron Oak Strength", "gym", True),
    ],
)
def test_me_gives_each_persona_their_role_and_organisation(
    api, request, persona, role, organisation, kind, admin
):
    user = request.getfixturevalue(persona)

    body = api(user).get(ME).json()

    assert body["id"] == user.pk
    assert body["email"] == user.email
    assert body["name"] == user.name
    assert body["role"] == role
    assert body["organisation"]["name"] == organisation
    assert body["organisation"]["kind"] == kind
    assert body["admin"] is admin


def test_me_for_an_outsider_is_200_with_no_role(api, outsider):
    response = api(outsider).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": outsider.pk,
        "email": outsider.email,
        "name": outsider.name,
        "role": None,
        "organisation": None,
        "admin": False,
    }


def test_me_shows_admin_rights_of_a_therapist(api, therapist, riverside):
    therapist.clinic_membership.is_admin = True
    therapist.clinic_membership.save()

    body = api(fresh(therapist)).get(ME).json()

    assert (body["role"], body["admin"]) == ("therapist", True)
    assert body["organisation"]["id"] == riverside.pk


def test_me_needs_a_login(api):
    assert api(None).get(ME).status_code == 401


# --- trainers/ ----------------------------------------------------------------------------------


# --- exercises/ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["therapist", "trainer", "patient", "outsider"])
def test_a_token_request_learns_the_role_with_the_token_in_one_query(request, persona):
    """Token authentication loads the user's memberships and patient record with the token, so
    ``organisations.roles`` needs no query of its own (issue 16)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.services import issue_token

    user = request.getfixturevalue(persona)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(ME)

    assert response.status_code == 200
    reads_of_users = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert reads_of_users == [], reads_of_users  # the user came joined to the token
    assert len(queries) == 1 + sum("UPDATE" in q["sql"] for q in queries), [
        q["sql"] for q in queries
    ]
