"""List endpoints cost the same number of queries for 1 row and for 50, for every role."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from handoff import services
from handoff.tests import builders
from notifications.services import Notice, notify

from .test_api_support import fresh, url

pytestmark = pytest.mark.django_db

ROLES = ("therapist", "trainer", "patient")


def count_queries(api, user, path: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api(fresh(user)).get(path, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    return len(queries)


def completed_handoff(people, index: int) -> None:
    """A finished handoff with a timeline, some with an amendment, check-ins and messages."""
    handoff = builders.accepted(**people)
    if index % 3 == 0:
        services.amend_packet(
            handoff, by=people["therapist"], packet=builders.packet(pain_ceiling=4)
        )
    services.post_message(handoff, by=people["trainer"], body="See you Monday")
    services.complete_handoff(handoff, by=people["therapist"])


def test_the_handoff_list_costs_the_same_for_1_and_50_handoffs(
    api, request, people, django_assert_num_queries
):
    users = {role: request.getfixturevalue(role) for role in ROLES}
    completed_handoff(people, 0)
    one = {role: count_queries(api, user, url("handoff-list"), 1) for role, user in users.items()}
    for index in range(1, 50):
        completed_handoff(people, index)

    for role, user in users.items():
        with django_assert_num_queries(one[role]):
            count_queries(api, user, url("handoff-list"), 50)


def notify_many(user, n: int) -> None:
    with transaction.atomic():
        notify(
            Notice(recipient=user, kind="message", title="A new message", subject_type="handoff")
            for _ in range(n)
        )


@pytest.mark.parametrize("role", ROLES)
def test_the_notification_list_costs_the_same_for_1_and_50_notifications(
    api, request, role, django_assert_num_queries
):
    user = request.getfixturevalue(role)
    notify_many(user, 1)
    one = count_queries(api, user, url("notification-list"), 1)
    notify_many(user, 49)

    with django_assert_num_queries(one):
        count_queries(api, user, url("notification-list"), 50)
