"""The notifications page and the emails' preferences link (issue 13)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from notifications.delivery import build_email
from notifications.kinds import Kind
from notifications.models import Notification, Preference
from notifications.services import Notice, notify

pytestmark = pytest.mark.django_db


def _notice(user, **extra):
    return notify(
        [Notice(recipient=user, kind=Kind.MESSAGE, title="New message in Baton", link="/", **extra)]
    )[0]


def test_the_header_counts_unread_notifications(client, therapist):
    _notice(therapist)
    _notice(therapist)
    client.force_login(therapist)

    html = client.get("/notifications/").content.decode()

    assert 'aria-label="2 unread"' in html


def test_past_99_unread_the_header_says_99_plus_and_counts_no_further(client, therapist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(recipient=therapist, kind=Kind.MESSAGE, title="Hi", link="/", created_at=now)
        for _ in range(150)
    )
    client.force_login(therapist)

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/notifications/").content.decode()

    assert 'aria-label="99+ unread"' in html
    assert "99+ unread" in html  # the page's own subtitle
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "read_at" in q["sql"]]
    assert counts and all("LIMIT 100" in sql for sql in counts), counts


def test_mark_read_and_acknowledge_change_only_your_own(client, therapist, trainer):
    mine = _notice(therapist, urgent=True, requires_ack=True)
    theirs = _notice(trainer)
    client.force_login(therapist)

    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post(f"/notifications/{mine.pk}/acknowledge/")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.acknowledged_at is not None and mine.read_at is not None
    assert theirs.read_at is None


def test_a_notice_held_by_quiet_hours_says_when_its_email_goes(client, therapist):
    Preference.objects.create(
        user=therapist,
        time_zone="America/New_York",
        quiet_start=datetime.time(21),
        quiet_end=datetime.time(7),
    )
    late = datetime.datetime(
        2026, 3, 10, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-4))
    )
    with time_machine.travel(late, tick=False):
        _notice(therapist)
        client.force_login(therapist)
        html = client.get("/notifications/").content.decode()

    assert "Held by your quiet hours: email at 07:00" in html


def test_times_are_shown_in_the_viewers_zone_without_slipping_a_day(client, therapist):
    # 02:30 UTC on the 11th is 22:30 on the 10th in New York (the clinic's zone).
    notice = _notice(therapist)
    Notification.objects.filter(pk=notice.pk).update(
        created_at=datetime.datetime(2026, 3, 11, 2, 30, tzinfo=datetime.UTC)
    )
    client.force_login(therapist)

    html = client.get("/notifications/").content.decode()

    assert "10 Mar 2026, 22:30" in html


def test_every_email_links_to_a_preferences_page_that_exists(client, therapist, settings):
    notice = _notice(therapist)
    email = build_email(notice, to=therapist.email)
    html = email.alternatives[0][0]
    link = f"{settings.SITE_URL}/notifications/preferences/"

    assert link in html and link in email.body
    client.force_login(therapist)
    assert client.get("/notifications/preferences/").status_code == 200
    assert "#0f5c63" in html  # the site's colours


def test_the_invitation_email_says_when_it_expires_and_claims_no_account(db):
    from accounts.services import invite_user

    user, invitation = invite_user(
        email="new@example.test", name="New Person", purpose="staff", invited_by=None
    )
    notice = Notification.objects.get(recipient=user, kind=Kind.INVITATION)

    email = build_email(notice, to=user.email)

    assert f"expires on {invitation.expires_at:%d %B %Y}" in email.body
    assert "because you have a Baton account" not in email.body
    assert "because you have a Baton account" not in email.alternatives[0][0]
    assert timezone.now() < invitation.expires_at
