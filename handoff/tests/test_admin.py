"""Operators see handoffs and the access log in the admin, read-only, without packet content."""

import pytest

from accounts.tests.factories import UserFactory
from audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_handoff_admin_shows_no_packet_content(make_handoff, client, operator):
    handoff = make_handoff("accepted")
    response = client.get(f"/admin/handoff/handoff/{handoff.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Accepted" in body
    assert "ACL reconstruction" not in body and "Split squat" not in body


def test_the_access_log_cannot_be_changed_in_the_admin(client, operator, therapist):
    entry = AccessLog.objects.create(
        actor=therapist, action="read", object_type="handoff", object_id=1
    )
    assert client.get("/admin/audit/accesslog/").status_code == 200
    assert (
        client.post(f"/admin/audit/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AccessLog.objects.filter(pk=entry.pk).exists()
