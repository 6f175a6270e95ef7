"""A committed action never answers 500 (issue 11): what runs after the service committed (the
read-back, the access log, publishing) cannot turn success into an error; an API 500 that does
happen is JSON in the API's error shape."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

from audit.models import AccessLog
from handoff.models import Handoff
from notifications.delivery import send_delivery
from notifications.models import Delivery

from .test_api_support import url

pytestmark = pytest.mark.django_db

CUT = OperationalError("server closed the connection unexpectedly")


def test_a_send_whose_read_back_fails_after_commit_answers_200_and_the_email_goes_out(
    api, therapist, trainer, make_handoff, mailbox, django_capture_on_commit_callbacks
):
    draft = make_handoff("draft")

    with (
        mock.patch("handoff.api.handoffs_common.prepare", side_effect=CUT),
        django_capture_on_commit_callbacks(execute=False) as published,
    ):
        response = api(therapist).post(url("handoff-send", draft))

    assert response.status_code == 200
    assert response.json() == {
        "id": draft.pk,
        "status": "sent",
        "detail": "Done. Reading the result back failed; fetch it again for the details.",
        "code": "read_back_failed",
    }
    handoff = Handoff.objects.get(pk=draft.pk)
    assert handoff.status == Handoff.Status.SENT and handoff.sent_at is not None
    # The email is whole: its delivery was recorded with the send, published on commit, and
    # sends. (A retry of the send would be refused: it is no longer a draft.)
    to_trainer = Delivery.objects.get(
        notification__subject_id=draft.pk, notification__recipient=trainer
    )
    assert len(published) >= 1
    assert send_delivery(to_trainer.pk) == "sent"
    assert [m.to for m in mailbox] == [[trainer.email]]
    assert api(therapist).post(url("handoff-send", draft)).status_code == 409


def test_when_the_access_log_fails_after_commit_no_packet_content_is_shown(
    api, trainer, make_handoff
):
    sent = make_handoff("sent")

    with mock.patch("handoff.api.handoffs_common.record_accesses", side_effect=CUT):
        response = api(trainer).post(url("handoff-accept", sent))

    assert response.status_code == 200
    assert set(response.json()) == {"id", "status", "detail", "code"}  # nothing unaudited
    assert response.json()["status"] == "accepted"
    assert Handoff.objects.get(pk=sent.pk).status == Handoff.Status.ACCEPTED
    assert not AccessLog.objects.filter(action="accept").exists()


def test_a_read_back_that_works_answers_the_full_handoff(api, therapist, make_handoff):
    draft = make_handoff("draft")

    body = api(therapist).post(url("handoff-send", draft)).json()

    assert body["status"] == "sent" and "code" not in body
    assert AccessLog.objects.filter(action="send", object_type="handoff").count() == 1


def test_an_unexpected_error_in_an_api_view_is_a_json_500_in_the_error_shape(
    api, therapist, make_handoff
):
    draft = make_handoff("draft")
    client = api(therapist)
    client.raise_request_exception = False

    with mock.patch("handoff.services.send_handoff", side_effect=RuntimeError("bug")):
        response = client.post(url("handoff-send", draft))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert set(response.json()) == {"detail", "code"}


def test_pages_outside_the_api_answer_a_page_not_json_on_500(client, therapist):
    client.raise_request_exception = False
    client.force_login(therapist)

    with mock.patch("handoff.views.pages.handoffs_visible_to", side_effect=RuntimeError("bug")):
        response = client.get("/handoffs/")

    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")
