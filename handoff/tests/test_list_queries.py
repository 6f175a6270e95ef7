"""Every list endpoint and list page costs the same number of queries for 1 row and for 50.

Timings are not in CI (``make bench`` measures them); these counts are, so that a query per row
slipping back into a list fails the build. The handoff, notification, patient and trainer lists
have their own tests beside their other tests (test_api_queries, test_patients_api,
test_catalog_api); this file covers the rest: the exercise library, each handoff's own lists,
and the pages.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clinics.tests.factories import ClinicMembershipFactory
from exercises.models import Exercise
from handoff import services
from handoff.services import plan as plan_services
from handoff.tests import builders
from handoff.tests.builders import clinic_today

from .test_api_queries import completed_handoff
from .test_api_support import fresh, url

pytestmark = pytest.mark.django_db

ROLES = ("therapist", "trainer", "patient")


def api_queries(api, user, path: str, rows: int, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api(fresh(user)).get(path, {"page_size": 100, **params})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    return len(queries)


def page_queries(user, path: str, rows: int) -> int:
    client = Client()
    client.force_login(fresh(user))
    client.get(path)  # the session's first request refreshes its clock
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    # The page shows up to a page's worth of rows (25); the query count must not follow the total.
    assert len(re.findall(rb'href="/handoffs/\d+/"', response.content)) == min(rows, 25)
    return len(queries)


def test_the_exercise_library_costs_the_same_for_1_and_50_exercises(api, therapist):
    one = api_queries(api, therapist, url("exercise-list"), 1, page_size=1)

    assert api_queries(api, therapist, url("exercise-list"), 50, page_size=50) == one


@pytest.fixture
def training(make_handoff):
    return make_handoff("accepted")


def log_session(handoff, patient) -> None:
    services.log_session(handoff, by=patient, date=clinic_today(), completed=True, pain=1)


def check_in(handoff, trainer) -> None:
    services.add_check_in(
        handoff, by=trainer, date=clinic_today(), sessions_attended=1, progress="Steady"
    )


def message(handoff, trainer) -> None:
    services.post_message(handoff, by=trainer, body="See you Monday", to_patient=True)


def amend(handoff, therapist) -> None:
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))


HANDOFF_LISTS = [
    (route, add, author, reader)
    for route, add, author in [
        ("handoff-sessions", log_session, "patient"),
        ("handoff-check-ins", check_in, "trainer"),
        ("handoff-messages", message, "trainer"),
    ]
    for reader in ROLES
    if not (route == "handoff-check-ins" and reader == "patient")  # staff only
]


@pytest.mark.parametrize(("route", "add", "author", "reader"), HANDOFF_LISTS)
def test_each_handoff_list_costs_the_same_for_1_and_50_rows(
    api, request, training, route, add, author, reader
):
    writer = request.getfixturevalue(author)
    user = request.getfixturevalue(reader)
    add(training, writer)
    one = api_queries(api, user, url(route, training), 1)
    for _ in range(49):
        add(training, writer)

    assert api_queries(api, user, url(route, training), 50) == one


@pytest.mark.parametrize("reader", ROLES)
def test_the_version_list_costs_the_same_for_1_and_50_versions(
    api, request, training, therapist, reader
):
    user = request.getfixturevalue(reader)
    one = api_queries(api, user, url("handoff-versions", training), 1)
    for _ in range(49):
        amend(training, therapist)

    assert api_queries(api, user, url("handoff-versions", training), 50) == one


@pytest.mark.parametrize("reader", ROLES)
def test_the_handoff_list_page_costs_the_same_for_1_and_50_handoffs(request, people, reader):
    user = request.getfixturevalue(reader)
    completed_handoff(people, 0)
    one = page_queries(user, "/handoffs/", 1)
    for index in range(1, 50):
        completed_handoff(people, index)

    assert page_queries(user, "/handoffs/", 50) == one


def plan_item(handoff, trainer, therapist) -> None:
    """An item inside the restrictions and a refused one: both kinds of row the page shows."""
    library = dict(Exercise.objects.values_list("name", "pk"))
    plan_services.add_plan_item(
        handoff,
        by=trainer,
        spec=plan_services.plan_item_spec(
            {"exercise": library["Glute bridge"], "sets": 3, "reps": 10, "per_week": 2}
        ),
    )
    asked = plan_services.add_plan_item(
        handoff,
        by=trainer,
        spec=plan_services.plan_item_spec(
            {"exercise": library["Squat jump"], "sets": 3, "reps": 5, "per_week": 1}
        ),
        exception_reason="Sport goal",
    )
    plan_services.refuse_exception(handoff, item_id=asked.pk, by=therapist, note="Not yet")


PACKET_PAGE_ROWS = {
    "session logs": lambda h, who: log_session(h, who("patient")),
    "check-ins": lambda h, who: check_in(h, who("trainer")),
    "messages": lambda h, who: message(h, who("trainer")),
    "plan items": lambda h, who: plan_item(h, who("trainer"), who("therapist")),
    "versions": lambda h, who: amend(h, who("therapist")),
}


def packet_page_queries(trainer, handoff) -> int:
    client = Client()
    client.force_login(fresh(trainer))
    path = f"/trainer/handoffs/{handoff.pk}/"
    client.get(path)  # the session's first request refreshes its clock
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("rows", PACKET_PAGE_ROWS)
def test_the_trainers_packet_page_costs_the_same_for_1_and_20_rows(
    request, training, trainer, rows
):
    add = PACKET_PAGE_ROWS[rows]
    add(training, request.getfixturevalue)
    one = packet_page_queries(trainer, training)
    for _ in range(19):
        add(training, request.getfixturevalue)

    assert packet_page_queries(trainer, training) == one


def test_the_staff_page_costs_the_same_for_1_and_50_members(clinic_admin, riverside):
    def staff_queries() -> int:
        client = Client()
        client.force_login(fresh(clinic_admin))
        client.get("/staff/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/").status_code == 200
        return len(queries)

    one = staff_queries()
    for _ in range(50):
        ClinicMembershipFactory(clinic=riverside)

    assert staff_queries() == one
