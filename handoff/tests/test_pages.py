"""The pages emails link to: scoped like the API, audited, and free of what a role may not see."""

import pytest

from audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_the_trainer_reads_the_handoff_page_and_the_read_is_audited(make_handoff, trainer, client):
    handoff = make_handoff("accepted")
    client.force_login(trainer)
    response = client.get(f"/handoffs/{handoff.pk}/", follow=True)
    assert response.redirect_chain == [(f"/trainer/handoffs/{handoff.pk}/", 302)]
    assert response.status_code == 200
    body = response.content.decode()
    assert "Split squat" in body and "No jumping or landing drills" in body
    assert str(handoff.patient.date_of_birth.year) not in body
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    assert AccessLog.objects.filter(
        actor=trainer, object_type="handoff", object_id=handoff.pk
    ).exists()


@pytest.mark.parametrize(
    "persona", ["trainer2", "other_therapist", "other_patient", "outsider", "clinic_admin"]
)
def test_others_get_a_404(make_handoff, client, request, persona):
    handoff = make_handoff("accepted")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/handoffs/{handoff.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(make_handoff, client):
    handoff = make_handoff("accepted")
    response = client.get(f"/handoffs/{handoff.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_what_the_user_may_see(make_handoff, therapist, trainer2, client):
    make_handoff("accepted")
    client.force_login(trainer2)
    assert "Alex" not in client.get("/handoffs/").content.decode()
    client.force_login(therapist)
    assert "Alex" in client.get("/handoffs/").content.decode()


def test_the_handoff_pages_audit_the_patient_too(make_handoff, therapist, client):
    handoff = make_handoff("accepted")
    client.force_login(therapist)
    client.get("/handoffs/")
    client.get(f"/handoffs/{handoff.pk}/")
    rows = set(AccessLog.objects.filter(object_type="patient").values_list("action", "object_id"))
    assert rows == {("list", handoff.patient_id), ("read", handoff.patient_id)}


@pytest.mark.parametrize("persona", ["therapist", "trainer"])
def test_the_handoff_page_offers_the_handout_and_the_link_is_a_pdf(
    make_handoff, client, request, persona
):
    handoff = make_handoff("accepted")
    client.force_login(request.getfixturevalue(persona))

    page = client.get(f"/handoffs/{handoff.pk}/", follow=True).content.decode()
    link = f"/api/v1/handoffs/{handoff.pk}/handout.pdf"

    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_draft_has_no_handout_link(make_handoff, therapist, client):
    handoff = make_handoff("draft")
    client.force_login(therapist)

    page = client.get(f"/handoffs/{handoff.pk}/").content.decode()

    assert "handout.pdf" not in page
