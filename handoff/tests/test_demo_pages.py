"""With the demo data (make run), every trainer and admin page a demo login reaches renders."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from handoff.models import Handoff

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_trainer_reaches_every_packet_and_sheet(seeded, client):
    trainer = User.objects.get(email="trainer@ironoak.example")
    client.force_login(trainer)
    inbox = client.get("/trainer/")
    assert inbox.status_code == 200
    handoffs = Handoff.objects.filter(trainer=trainer, status__in=Handoff.OPEN_STATUSES)
    assert handoffs.exists()
    for handoff in handoffs:
        assert f"/trainer/handoffs/{handoff.pk}/" in inbox.content.decode()
        assert client.get(f"/trainer/handoffs/{handoff.pk}/").status_code == 200
        assert client.get(f"/trainer/handoffs/{handoff.pk}/sheet/").status_code == 200


@pytest.mark.parametrize(
    "email, urls",
    [
        (
            "admin@riverside.example",
            [
                "/manage/",
                "/manage/staff/",
                "/manage/settings/",
                "/manage/partnerships/",
                "/manage/attention/",
                "/manage/access-log/",
            ],
        ),
        (
            "admin@ironoak.example",
            [
                "/manage/",
                "/manage/staff/",
                "/manage/partnerships/",
                "/manage/certifications/",
                "/manage/load/",
            ],
        ),
    ],
)
def test_the_demo_admins_reach_their_pages(seeded, client, email, urls):
    client.force_login(User.objects.get(email=email))
    for url in urls:
        assert client.get(url).status_code == 200, url
