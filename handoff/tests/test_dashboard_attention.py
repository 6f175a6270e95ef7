"""The dashboard's "needs attention" (issue 13): every kind, in order, for its own clinic only."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLog
from clinics.tests.factories import PatientFactory
from core.subjects import SubjectType
from handoff import services
from handoff.attention import DASHBOARD_SHOWN
from handoff.models import Consent, Handoff, Restriction
from handoff.tests import builders
from handoff.tests.builders import clinic_today
from notifications.kinds import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def entries(client) -> list[tuple[str, str]]:
    """(kind, title) of each "needs attention" entry, in the page's order."""
    html = client.get("/dashboard/").content.decode()
    return re.findall(r'<li class="todo--([a-z_]+)">.*?<a href="[^"]+">([^<]+)</a>', html, re.S)


def one(status: str, *, therapist, trainer, name: str) -> Handoff:
    patient = PatientFactory(
        clinic=therapist.clinic_membership.clinic, first_name=name, last_name="Lee"
    )
    return builders.in_state(status, therapist=therapist, patient_record=patient, trainer=trainer)


@pytest.fixture
def every_kind(therapist, trainer):
    """One handoff for each kind of attention, each for its own patient."""
    from gyms.models import GymMembership

    GymMembership.objects.filter(user=trainer).update(capacity=100)
    today = clinic_today()
    people = {"therapist": therapist, "trainer": trainer}
    made = {
        "referred_back": one("referred_back", **people, name="Ria"),
        "declined": one("declined", **people, name="Dan"),
        "expired": one("expired", **people, name="Eve"),
        "consent": one("accepted", **people, name="Cal"),
        "version": one("accepted", **people, name="Val"),
        "silent": one("sent", **people, name="Sid"),
        "review": one("accepted", **people, name="Rex"),
        "email": one("accepted", **people, name="Em"),
        "calm": one("accepted", **people, name="Quinn"),
    }
    Consent.objects.filter(patient=made["consent"].patient).update(
        expires_on=today + datetime.timedelta(days=5)
    )
    services.amend_packet(made["version"], by=therapist, packet=builders.packet(pain_ceiling=4))
    Handoff.objects.filter(pk=made["silent"].pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=3)
    )
    Restriction.objects.filter(version__handoff=made["review"]).update(
        review_on=today + datetime.timedelta(days=3)
    )
    Notification.objects.create(
        recipient=therapist,
        kind=Kind.DELIVERY_FAILED,
        title="An email could not be delivered",
        body="Baton could not email the trainer.",
        subject_type=SubjectType.HANDOFF,
        subject_id=made["email"].pk,
    )
    return made


def test_every_kind_of_attention_shows_once_most_urgent_first(client, therapist, every_kind):
    client.force_login(therapist)
    expires = clinic_today() + datetime.timedelta(days=5)
    review = clinic_today() + datetime.timedelta(days=3)

    assert entries(client) == [
        ("referred_back", "Ria Lee was referred back"),
        ("declined", "Terry Oak declined: Dan Lee"),
        ("expired", "Terry Oak did not answer: Eve Lee"),
        ("consent_expiring", f"Consent for Cal Lee ends on {expires:%d %b %Y}"),
        ("version_unacknowledged", "Terry Oak has not acknowledged version 2 for Val Lee"),
        ("trainer_silent", "Terry Oak has not answered about Sid Lee"),
        ("restriction_review", f"Review a restriction for Rex Lee by {review:%d %b %Y}"),
        ("email_failed", "An email about Em Lee could not be delivered"),
    ]


def test_each_entry_links_to_where_the_therapist_acts(client, therapist, every_kind):
    client.force_login(therapist)
    html = client.get("/dashboard/").content.decode()
    made = every_kind

    for href in [
        f"/handoffs/{made['referred_back'].pk}/#actions",
        f"/handoffs/{made['declined'].pk}/#actions",
        f"/handoffs/{made['expired'].pk}/#actions",
        f"/patients/{made['consent'].patient_id}/#consents",
        f"/handoffs/{made['version'].pk}/#messages",
        f"/handoffs/{made['silent'].pk}/#messages",
        f"/handoffs/{made['review'].pk}/amend/",
        f"/handoffs/{made['email'].pk}/#messages",
    ]:
        assert f'href="{href}"' in html
    assert "Baton could not email the trainer." in html
    assert "No jumping or landing drills" in html
    assert f"/handoffs/{made['calm'].pk}/" not in html


def test_the_dashboard_audits_every_handoff_and_patient_it_shows(client, therapist, every_kind):
    client.force_login(therapist)
    client.get("/dashboard/")
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()

    client.get("/dashboard/")

    shown = [h for key, h in every_kind.items() if key != "calm"]
    logged = AccessLog.objects.filter(pk__gt=before, actor=therapist, action="list")
    assert sorted(
        logged.filter(object_type=SubjectType.HANDOFF).values_list("object_id", flat=True)
    ) == sorted(h.pk for h in shown)
    assert sorted(
        logged.filter(object_type=SubjectType.PATIENT).values_list("object_id", flat=True)
    ) == sorted(h.patient_id for h in shown)


def test_another_clinics_therapist_sees_none_of_it(client, other_therapist, every_kind):
    Notification.objects.create(
        recipient=other_therapist,
        kind=Kind.DELIVERY_FAILED,
        title="An email could not be delivered",
        body="Not theirs.",
        subject_type=SubjectType.HANDOFF,
        subject_id=every_kind["email"].pk,
    )
    client.force_login(other_therapist)

    assert entries(client) == []
    assert "Nothing needs your attention" in client.get("/dashboard/").content.decode()


def test_a_handoff_reassigned_after_a_decline_no_longer_needs_attention(
    client, therapist, trainer, trainer2
):
    declined = one("declined", therapist=therapist, trainer=trainer, name="Dan")
    services.reassign_handoff(declined, by=therapist, trainer=trainer2)
    client.force_login(therapist)

    assert [kind for kind, _ in entries(client)] == []


# --- A long list: the first entries, then a link to the rest ------------------------------------------


def test_a_long_list_shows_the_most_urgent_first_and_links_to_the_rest(
    client, therapist, every_kind, monkeypatch
):
    monkeypatch.setattr("handoff.views.dashboard.DASHBOARD_SHOWN", 3)
    client.force_login(therapist)
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    html = client.get("/dashboard/").content.decode()

    assert [kind for kind, _ in entries(client)] == ["referred_back", "declined", "expired"]
    assert "3 of 8 shown." in html
    assert 'href="?attention=all#attention-title"' in html
    logged = AccessLog.objects.filter(pk__gt=before, object_type=SubjectType.HANDOFF)
    assert set(logged.values_list("object_id", flat=True)) == {
        every_kind[key].pk for key in ("referred_back", "declined", "expired")
    }

    everything = client.get("/dashboard/?attention=all").content.decode()
    assert everything.count('<li class="todo--') == 8
    assert "shown." not in everything


def _attention_queries(client) -> tuple[int, int]:
    client.get("/dashboard/")  # the session's first request refreshes its clock
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert b"Nothing needs your attention" not in response.content
    return len(queries), response.content.count(b'<li class="todo--')


def test_the_dashboard_costs_the_same_queries_for_1_and_50_handoffs(client, therapist, trainer):
    from gyms.models import GymMembership

    GymMembership.objects.filter(user=trainer).update(capacity=100)
    client.force_login(therapist)
    statuses = ["referred_back", "declined", "sent", "expired", "accepted"]
    one("referred_back", therapist=therapist, trainer=trainer, name="P0")
    few, shown = _attention_queries(client)
    assert shown == 1
    for n in range(1, 50):
        one(statuses[n % 5], therapist=therapist, trainer=trainer, name=f"P{n}")
    Handoff.objects.filter(status="sent").update(
        sent_at=timezone.now() - datetime.timedelta(days=3)
    )

    many, shown = _attention_queries(client)

    assert shown == DASHBOARD_SHOWN
    assert f"{DASHBOARD_SHOWN} of 40 shown." in client.get("/dashboard/").content.decode()
    assert many == few
