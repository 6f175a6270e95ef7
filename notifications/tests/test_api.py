"""notifications/ and preferences/ (docs/api.md)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Notification, Preference, Reminder
from notifications.services import Notice, notify, schedule_reminder

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
PREFERENCES = "/api/v1/preferences/"


def make(recipient, count=1, **overrides):
    values = {"kind": Kind.HANDOFF_SENT, "title": "A new packet", "body": "Details inside."}
    values.update(overrides)
    return notify([Notice(recipient=recipient, **values) for _ in range(count)])


# --- notifications/ -------------------------------------------------------------------------------


def test_list_shows_own_notifications_newest_first(api, trainer, trainer2):
    first = make(trainer, title="First", subject_type="handoff", subject_id=12)[0]
    Notification.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    second = make(
        trainer,
        title="Second",
        kind=Kind.CERTIFICATION_EXPIRING,
        subject_type="certification",
        subject_id=3,
    )[0]
    make(trainer2, title="Not yours")

    response = api(trainer).get(LIST)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [n["id"] for n in results] == [second.pk, first.pk]
    assert results[1] == {
        "id": first.pk,
        "kind": "handoff_sent",
        "urgent": False,
        "requires_ack": False,
        "title": "First",
        "body": "Details inside.",
        "link": "",
        "handoff": 12,
        "created_at": results[1]["created_at"],
        "read_at": None,
        "acknowledged_at": None,
    }
    assert results[0]["handoff"] is None  # about a certification, not a handoff


def test_list_unread_only(api, trainer):
    read, unread = make(trainer, count=2)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    response = api(trainer).get(LIST, {"unread": "true"})

    assert [n["id"] for n in response.json()["results"]] == [unread.pk]


def test_list_is_paginated(api, trainer):
    make(trainer, count=25)

    body = api(trainer).get(LIST).json()

    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"] is not None


def test_anonymous_gets_401(api):
    assert api(None).get(LIST).status_code == 401
    assert api(None).get(PREFERENCES).status_code == 401


def test_list_uses_the_same_number_of_queries_for_1_and_50(
    api, trainer, trainer2, django_assert_num_queries
):
    make(trainer, count=1)
    make(trainer2, count=50)

    with django_assert_num_queries(2):  # count, page
        api(trainer).get(LIST, {"page_size": 50})
    with django_assert_num_queries(2):
        api(trainer2).get(LIST, {"page_size": 50})


@pytest.mark.parametrize("action", ["read", "acknowledge"])
def test_another_users_notification_is_404(api, trainer, trainer2, outsider, action):
    (notification,) = make(trainer)

    for intruder in (trainer2, outsider):
        response = api(intruder).post(f"{LIST}{notification.pk}/{action}/")
        assert response.status_code == 404

    notification.refresh_from_db()
    assert notification.read_at is None
    assert notification.acknowledged_at is None


def test_unknown_notification_is_404(api, trainer):
    assert api(trainer).post(f"{LIST}999999/read/").status_code == 404


def test_recipient_marks_read(api, trainer):
    (notification,) = make(trainer)

    response = api(trainer).post(f"{LIST}{notification.pk}/read/")

    assert response.status_code == 200
    assert response.json()["id"] == notification.pk
    assert response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_recipient_acknowledges_an_urgent_notice_and_its_escalation_stops(
    api, therapist, clinic_admin
):
    (notice,) = make(therapist, kind=Kind.REFERRED_BACK, urgent=True, requires_ack=True)
    escalation = schedule_reminder(
        kind=Kind.URGENT_UNACKNOWLEDGED,
        recipient=clinic_admin,
        due_at=timezone.now() + datetime.timedelta(hours=4),
        subject_type="notification",
        subject_id=notice.pk,
        key=f"urgent:{notice.pk}:{clinic_admin.pk}",
    )

    response = api(therapist).post(f"{LIST}{notice.pk}/acknowledge/")

    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None
    assert response.json()["read_at"] is not None
    escalation.refresh_from_db()
    assert escalation.status == Reminder.Status.CANCELLED


# --- preferences/ ---------------------------------------------------------------------------------


def test_preferences_default(api, patient):
    body = api(patient).get(PREFERENCES).json()

    assert body["time_zone"] == "UTC"
    assert body["quiet_hours"] is None
    assert body["nudge_hour"] == 18
    assert body["email"][Kind.MESSAGE] is True
    assert set(body["email"]) == set(Kind.values)


def test_patch_preferences(api, patient):
    response = api(patient).patch(
        PREFERENCES,
        {
            "time_zone": "America/Chicago",
            "quiet_hours": {"start": "22:00", "end": "07:00"},
            "nudge_hour": 19,
            "email": {"message": False},
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["time_zone"] == "America/Chicago"
    assert body["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert body["nudge_hour"] == 19
    assert body["email"]["message"] is False
    pref = Preference.objects.get(user=patient)
    assert pref.quiet_start == datetime.time(22)
    assert pref.quiet_end == datetime.time(7)


def test_patch_merges_email_switches_and_keeps_what_is_left_out(api, patient):
    client = api(patient)
    client.patch(
        PREFERENCES,
        {"quiet_hours": {"start": "21:30", "end": "06:45"}, "email": {"message": False}},
        format="json",
    )

    body = client.patch(PREFERENCES, {"email": {"patient_nudge": False}}, format="json").json()

    assert body["email"]["message"] is False
    assert body["email"]["patient_nudge"] is False
    assert body["quiet_hours"] == {"start": "21:30", "end": "06:45"}


def test_patch_quiet_hours_null_switches_them_off(api, patient):
    client = api(patient)
    client.patch(PREFERENCES, {"quiet_hours": {"start": "22:00", "end": "07:00"}}, format="json")

    body = client.patch(PREFERENCES, {"quiet_hours": None}, format="json").json()

    assert body["quiet_hours"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"quiet_hours": {"start": "10pm", "end": "07:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "22:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours"),
        ({"nudge_hour": 24}, "nudge_hour"),
        ({"nudge_hour": -1}, "nudge_hour"),
        ({"email": {"no_such_kind": False}}, "email"),
        ({"email": {"message": "no"}}, "email"),
        ({"email": {"message": 0}}, "email"),
    ],
)
def test_invalid_preferences_are_400_naming_the_field_and_change_nothing(
    api, patient, payload, field
):
    Preference.objects.create(user=patient, time_zone="Europe/Paris", nudge_hour=9)
    # Good values beside the bad one: none of them may be saved either.
    request = {"time_zone": "Asia/Tokyo", "nudge_hour": 20, **payload}

    response = api(patient).patch(PREFERENCES, request, format="json")

    assert response.status_code == 400
    assert field in response.json()
    pref = Preference.objects.get(user=patient)
    assert (pref.time_zone, pref.nudge_hour, pref.email) == ("Europe/Paris", 9, {})
    assert pref.quiet_start is None
