"""``GET handoffs/`` answers summaries: who, where it stands, why it needs attention; the packet
only in ``GET handoffs/{id}/`` (docs/api.md, "The handoff summary")."""

from __future__ import annotations

import pytest

from handoff import services
from handoff.api.summaries import HandoffSummarySerializer
from handoff.tests import builders

from .test_api_support import url

pytestmark = pytest.mark.django_db

ROLES = ("therapist", "trainer", "patient")


def row(api, user, handoff) -> dict:
    rows = api(user).get(url("handoff-list")).json()["results"]
    (found,) = [r for r in rows if r["id"] == handoff.pk]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_a_list_row_is_the_documented_summary_and_carries_no_packet(
    api, request, make_handoff, patient_record, role
):
    handoff = make_handoff("accepted")

    summary = row(api, request.getfixturevalue(role), handoff)

    assert set(summary) == set(HandoffSummarySerializer().fields)
    assert summary["patient"] == {"id": patient_record.pk, "name": patient_record.name}
    assert set(summary["trainer"]) == {"id", "name", "gym"}
    assert summary["current_version"] == 1 and summary["acknowledged_version"] == 1
    assert summary["consent"]["state"] == "active"
    assert summary["attention"] == []


def test_a_sent_handoff_awaits_the_trainers_answer(api, therapist, make_handoff):
    handoff = make_handoff("sent")

    assert row(api, therapist, handoff)["attention"] == ["awaiting_answer"]


def test_a_referred_back_handoff_needs_the_therapist(api, therapist, make_handoff):
    handoff = make_handoff("referred_back")

    assert "referred_back" in row(api, therapist, handoff)["attention"]


def test_an_unacknowledged_amendment_shows_in_the_list(api, therapist, trainer, make_handoff):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))

    summary = row(api, trainer, handoff)

    assert (summary["current_version"], summary["acknowledged_version"]) == (2, 1)
    assert summary["attention"] == ["version_unacknowledged"]


def test_a_handoff_closed_by_a_revoked_consent_says_so_and_asks_nothing(
    api, therapist, patient, make_handoff
):
    handoff = make_handoff("accepted")
    services.revoke_consent(handoff, by=patient)

    summary = row(api, therapist, handoff)

    assert (summary["status"], summary["consent"]["state"]) == ("revoked", "revoked")
    assert summary["attention"] == []
