"""The whole story of a handoff played over HTTP only, as a client that knows only docs/api.md would:
every login through ``auth/token/``, every step through an endpoint, and after every step
everyone who takes no part in the handoff still gets 404.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD
from notifications.models import Notification

from .test_api_support import STRANGERS, day, packet_body, url

pytestmark = pytest.mark.django_db

PATIENT_PASSWORD = "a-long-and-fresh-passphrase"


def login(email: str, password: str = PASSWORD) -> APIClient:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def accept_invitation(client, email: str) -> None:
    """The patient follows the link in their invitation and chooses a password."""
    link = Notification.objects.get(recipient__email=email, kind="invitation").link
    response = client.post(link, {"password1": PATIENT_PASSWORD, "password2": PATIENT_PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def strangers(request):
    return {name: login(request.getfixturevalue(name).email) for name in STRANGERS}


def assert_hidden(strangers, handoff_id: int) -> None:
    for name, client in strangers.items():
        for path in (url("handoff-detail", handoff_id), url("handoff-versions", handoff_id)):
            assert client.get(path).status_code == 404, (name, path)


def test_the_whole_story_over_http(client, therapist, trainer, strangers, mailbox):
    pt, coach = login(therapist.email), login(trainer.email)

    # 1. The therapist adds a patient and invites them to the portal.
    response = pt.post(
        url("patient-list"),
        {"first_name": "Robin", "last_name": "Shah", "email": "robin@mail.example"},
        format="json",
    )
    assert response.status_code == 201
    patient_id = response.json()["id"]
    assert pt.post(url("patient-invite", patient_id)).status_code == 200
    accept_invitation(client, "robin@mail.example")
    robin = login("robin@mail.example", PATIENT_PASSWORD)

    # 2. A draft, from a packet written as docs/api.md shows it.
    response = pt.post(
        url("handoff-list"),
        {"patient": patient_id, "trainer": trainer.pk, "packet": packet_body()},
        format="json",
    )
    assert response.status_code == 201
    handoff = response.json()
    hid = handoff["id"]
    assert handoff["status"] == "draft"
    assert handoff["consent"] == {"state": "none", "expires_on": None}
    assert robin.get(url("handoff-detail", hid)).status_code == 404  # a draft is not theirs yet
    assert coach.get(url("handoff-detail", hid)).status_code == 404
    assert_hidden(strangers, hid)

    # 3. Sending without consent is refused, with the reason's code.
    response = pt.post(url("handoff-send", hid))
    assert response.status_code == 409
    assert [r["code"] for r in response.json()["reasons"]] == ["consent_required"]

    # 4. The patient sees what will be shared and with whom; the therapist records the form.
    request = robin.get(url("handoff-consent", hid)).json()
    assert request["state"] == "none"
    assert "Iron Oak Strength" in request["elements"]["recipient"]
    assert "program" not in request and "current_version" not in request
    response = pt.post(
        url("handoff-consent", hid), {"method": "recorded", "signed_on": day()}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "active"

    # 5. Sent; the trainer accepts.
    assert pt.post(url("handoff-send", hid)).json()["status"] == "sent"
    response = coach.post(url("handoff-accept", hid))
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert "date_of_birth" not in response.json()["patient"]
    assert_hidden(strangers, hid)

    # 6. Amended to version 2; the trainer sees what changed and acknowledges it.
    program = packet_body()["program"]
    program[0]["sets"] = 4
    response = pt.post(
        url("handoff-versions", hid),
        packet_body(program=program, pain_ceiling=4, change_note="Lower pain ceiling"),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["number"] == 2
    diff = coach.get(url("handoff-version-diff", hid, number=2)).json()
    assert diff["fields"] == {"pain_ceiling": [5, 4]}
    assert diff["program"]["changed"] == [{"name": "Split squat", "changes": {"sets": [3, 4]}}]
    response = coach.post(url("handoff-acknowledge", hid), {"version": 2}, format="json")
    assert response.json()["acknowledged_version"] == 2

    # 7. The patient logs a painful session: referred back, the therapist told urgently.
    response = robin.post(
        url("handoff-sessions", hid),
        {"date": day(), "completed": True, "pain": 6, "symptoms": [], "note": "Sore knee"},
        format="json",
    )
    assert response.status_code == 201
    assert robin.get(url("handoff-detail", hid)).json()["status"] == "referred_back"
    unread = pt.get(url("notification-list"), {"unread": "true"}).json()["results"]
    urgent = [n for n in unread if n["urgent"] and n["handoff"] == hid]
    assert urgent and urgent[0]["acknowledged_at"] is None

    # 8. The therapist resumes training.
    response = pt.post(url("handoff-resume", hid), {"note": "Settled; keep to 4/10"}, format="json")
    assert response.json()["status"] == "accepted"
    assert_hidden(strangers, hid)

    # 9. The patient revokes consent: the handoff closes and the trainer loses access.
    response = robin.post(url("handoff-consent-revoke", hid), {}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert coach.get(url("handoff-detail", hid)).status_code == 404
    assert coach.get(url("handoff-sessions", hid)).status_code == 404
    assert pt.get(url("handoff-detail", hid)).json()["status"] == "revoked"
    assert robin.get(url("handoff-detail", hid)).json()["status"] == "revoked"
    assert_hidden(strangers, hid)

    actions = [e["action"] for e in pt.get(url("handoff-detail", hid)).json()["events"]]
    assert actions == [
        "created",
        "consent_recorded",
        "sent",
        "accepted",
        "version_created",
        "version_acknowledged",
        "referred_back",
        "resumed",
        "consent_revoked",
        "revoked",
    ]
