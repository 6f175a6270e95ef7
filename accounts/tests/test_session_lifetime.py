"""Sessions end after 30 idle minutes and 12 hours in all (SessionLifetimeMiddleware)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_session_unused_for_29_minutes_stays_logged_in(therapist, page_login, client, clock):
    page_login(therapist.email, PASSWORD)
    clock.shift(timedelta(minutes=29))

    assert logged_in(client)


def test_session_unused_for_31_minutes_is_logged_out(therapist, page_login, client, clock):
    page_login(therapist.email, PASSWORD)
    clock.shift(timedelta(minutes=31))

    assert not logged_in(client)
    clock.shift(timedelta(seconds=1))
    assert not logged_in(client)


def test_activity_keeps_a_session_past_the_idle_limit(therapist, page_login, client, clock):
    page_login(therapist.email, PASSWORD)
    for _ in range(4):
        clock.shift(timedelta(minutes=20))
        assert logged_in(client)


def test_session_ends_after_12_hours_even_with_activity(therapist, page_login, client, clock):
    page_login(therapist.email, PASSWORD)
    for _ in range(int(12 * 60 / 20) - 1):  # a request every 20 minutes until 11h40
        clock.shift(timedelta(minutes=20))
        assert logged_in(client)

    clock.shift(timedelta(minutes=21))  # 12h01 after login, 21 minutes after the last request

    assert not logged_in(client)


def test_sessions_started_without_the_login_page_get_the_same_limits(therapist, client, clock):
    client.force_login(therapist)
    assert logged_in(client)  # the first request starts the clocks

    clock.shift(timedelta(minutes=31))

    assert not logged_in(client)
