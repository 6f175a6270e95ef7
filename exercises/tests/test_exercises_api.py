"""`exercises/`: the library, for any staff member."""

from __future__ import annotations

import pytest

from exercises.models import Exercise

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", ["therapist", "trainer", "clinic_admin", "gym_admin"])
def test_any_staff_member_reads_the_exercise_library(api, request, persona):
    response = api(request.getfixturevalue(persona)).get(EXERCISES)

    assert response.status_code == 200
    assert response.json()["count"] == Exercise.objects.count()
    assert set(response.json()["results"][0]) == {
        "id",
        "name",
        "instructions",
        "body_regions",
        "patterns",
        "impact",
        "equipment",
    }


@pytest.mark.parametrize("persona", ["patient", "outsider"])
def test_patients_and_outsiders_cannot_read_the_library(api, request, persona):
    response = api(request.getfixturevalue(persona)).get(EXERCISES)

    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"


def test_exercises_needs_a_login(api):
    assert api(None).get(EXERCISES).status_code == 401


def all_pages(client, query: dict) -> set[int]:
    found, page = set(), 1
    while True:
        body = client.get(EXERCISES, {**query, "page_size": 100, "page": page}).json()
        found |= {row["id"] for row in body["results"]}
        if not body["next"]:
            return found
        page += 1


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ({"body_region": "knee"}, lambda e: "knee" in e.body_regions),
        ({"body_region": "ankle_foot"}, lambda e: "ankle_foot" in e.body_regions),
        ({"pattern": "plyometric"}, lambda e: "plyometric" in e.patterns),
        ({"pattern": "squat"}, lambda e: "squat" in e.patterns),
        (
            {"body_region": "knee", "pattern": "lunge"},
            lambda e: "knee" in e.body_regions and "lunge" in e.patterns,
        ),
        (
            {"q": "WALL"},
            lambda e: "wall" in e.name.lower() or "wall" in e.instructions.lower(),
        ),
    ],
)
def test_exercises_filters_match_the_library_exactly(api, trainer, query, matches):
    expected = {e.pk for e in Exercise.objects.all() if matches(e)}

    found = all_pages(api(trainer), query)

    assert expected
    assert found == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"body_region": "kneee"}, "body_region"),
        ({"body_region": "KNEE"}, "body_region"),
        ({"pattern": "jumping"}, "pattern"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_exercises_refuses_an_unknown_code_naming_the_parameter(api, trainer, query, parameter):
    response = api(trainer).get(EXERCISES, query)

    assert response.status_code == 400
    assert parameter in response.json()
