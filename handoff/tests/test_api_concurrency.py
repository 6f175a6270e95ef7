"""Two requests on one handoff at the same moment never both win, over HTTP, on PostgreSQL.

Each request runs in its own thread with its own API client and database connection; a barrier
releases them together. The row lock in the services settles the race: one answer is 200, the
other a 409 with the service's sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from handoff.models import Handoff, HandoffEvent

from .test_api_support import url

pytestmark = [
    pytest.mark.services("postgres"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def at_once(*requests: Callable[[], Any]) -> list[Any]:
    """Run each request in its own thread, released together; returns their responses."""
    barrier = threading.Barrier(len(requests))
    responses: list[Any] = [None] * len(requests)
    errors: list[BaseException] = []

    def run(slot: int, send: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            responses[slot] = send()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return responses


def test_two_simultaneous_accepts_one_wins(make_handoff, trainer):
    handoff = make_handoff("sent")
    path = url("handoff-accept", handoff)
    first, second = client_for(trainer), client_for(trainer)

    responses = at_once(lambda: first.post(path), lambda: second.post(path))

    assert sorted(r.status_code for r in responses) == [200, 409]
    refused = next(r for r in responses if r.status_code == 409).json()
    assert "already accepted" in refused["detail"]
    assert refused["code"] in ("invalid_transition", "changed_meanwhile")
    assert HandoffEvent.objects.filter(handoff=handoff, action="accepted").count() == 1


def test_accept_racing_withdraw_one_wins(make_handoff, trainer, therapist):
    handoff = make_handoff("sent")
    coach, pt = client_for(trainer), client_for(therapist)

    responses = at_once(
        lambda: coach.post(url("handoff-accept", handoff)),
        lambda: pt.post(
            url("handoff-withdraw", handoff), {"reason": "Plan changed"}, format="json"
        ),
    )

    accepted, withdrawn = responses
    assert sorted([accepted.status_code, withdrawn.status_code]) in ([200, 404], [200, 409])
    if withdrawn.status_code == 200:
        # The trainer lost. If the withdrawal committed before the trainer's request looked the
        # handoff up, the trainer can no longer see it (a withdrawn handoff leaves their list):
        # 404. If it looked it up first, the row lock made it wait and then refuse: 409.
        assert accepted.status_code in (404, 409)
    else:
        # The therapist lost: they always see their own handoff, so only 409 is right.
        assert withdrawn.status_code == 409
    winner = next(r for r in responses if r.status_code == 200).json()
    assert Handoff.objects.get(pk=handoff.pk).status == winner["status"]
    assert (
        HandoffEvent.objects.filter(handoff=handoff, action__in=["accepted", "withdrawn"]).count()
        == 1
    )
