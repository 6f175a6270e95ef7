"""The organisation admins' pages: who reaches them, what each form accepts and refuses."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from clinics.models import ClinicMembership
from gyms.models import Certification, GymMembership
from organisations.models import Partnership

pytestmark = pytest.mark.django_db

CLINIC_PAGES = ["/manage/settings/", "/manage/attention/", "/manage/access-log/"]
GYM_PAGES = ["/manage/certifications/", "/manage/load/"]
SHARED_PAGES = ["/manage/", "/manage/staff/", "/manage/partnerships/"]
NOT_ADMINS = ["therapist", "trainer", "patient", "outsider"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def peak_admin(peak):
    from gyms.tests.factories import GymAdminFactory

    return GymAdminFactory(gym=peak, user__email="admin@peak.test").user


def today() -> datetime.date:
    return datetime.date.today()


# --- Who reaches which page -----------------------------------------------------------------------


@pytest.mark.parametrize("url", SHARED_PAGES + CLINIC_PAGES)
def test_a_clinic_admin_reaches_the_clinic_pages(client, clinic_admin, url):
    client.force_login(clinic_admin)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", SHARED_PAGES + GYM_PAGES)
def test_a_gym_admin_reaches_the_gym_pages(client, gym_admin, url):
    client.force_login(gym_admin)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", GYM_PAGES)
def test_gym_pages_are_404_for_a_clinic_admin(client, clinic_admin, url):
    client.force_login(clinic_admin)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", CLINIC_PAGES)
def test_clinic_pages_are_404_for_a_gym_admin(client, gym_admin, url):
    client.force_login(gym_admin)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", NOT_ADMINS)
@pytest.mark.parametrize("url", SHARED_PAGES + CLINIC_PAGES + GYM_PAGES)
def test_people_who_are_not_admins_get_a_404(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Staff ------------------------------------------------------------------------------------------


def invite(client, **overrides):
    data = {
        "once": "t1",
        "email": "coach@ironoak.test",
        "name": "Cole Coach",
        "role": "trainer",
        "specialties": ["knee"],
        "capacity": 4,
        **overrides,
    }
    return client.post("/manage/staff/", data)


def test_a_gym_admin_invites_a_trainer_once_however_often_the_form_is_sent(client, gym_admin):
    client.force_login(gym_admin)
    assert invite(client).status_code == 302
    assert invite(client).status_code == 302
    assert GymMembership.objects.filter(user__email="coach@ironoak.test").count() == 1
    assert "already done" in client.get("/manage/staff/").content.decode()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"capacity": "-1"}, "capacity"),
        ({"capacity": "lots"}, "capacity"),
        ({"specialties": ["astrology"]}, "specialties"),
        ({"role": "owner"}, "role"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_invitations_show_the_error_by_the_field(client, gym_admin, overrides, field):
    client.force_login(gym_admin)
    response = invite(client, **overrides)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not GymMembership.objects.filter(user__email="coach@ironoak.test").exists()


def test_an_address_already_in_baton_answers_like_a_new_one(client, gym_admin, trainer2):
    """No account oracle (issue 17): the page says the same; the address's owner is emailed."""
    from notifications.models import Notification

    client.force_login(gym_admin)
    taken = invite(client, email=trainer2.email)
    fresh = invite(client, email="brand.new@ironoak.test", once="t2")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert Notification.objects.filter(
        recipient=trainer2, title="Someone tried to invite you to Baton"
    ).exists()


def test_a_clinic_admin_invites_a_therapist_and_needs_a_licence(client, clinic_admin):
    client.force_login(clinic_admin)
    data = {"once": "c1", "email": "new.pt@riverside.test", "name": "Nia", "role": "therapist"}
    response = client.post("/manage/staff/", data)
    assert (
        response.status_code == 400 and 'id="id_licence_number_error"' in response.content.decode()
    )
    response = client.post("/manage/staff/", {**data, "licence_number": "PT-9"})
    assert response.status_code == 302
    assert ClinicMembership.objects.filter(user__email="new.pt@riverside.test").exists()


def test_an_admin_deactivates_a_colleague(client, gym_admin, trainer2):
    client.force_login(gym_admin)
    member = GymMembership.objects.get(user=trainer2)
    response = client.post(f"/manage/staff/{member.pk}/deactivate/", {"once": "d1"})
    trainer2.refresh_from_db()
    assert response.status_code == 302 and not trainer2.is_active


def test_deactivating_someone_of_another_organisation_is_a_404(
    client, clinic_admin, other_therapist
):
    client.force_login(clinic_admin)
    member = ClinicMembership.objects.get(user=other_therapist)
    assert client.post(f"/manage/staff/{member.pk}/deactivate/", {"once": "d"}).status_code == 404
    other_therapist.refresh_from_db()
    assert other_therapist.is_active


def test_an_admin_cannot_deactivate_themselves(client, gym_admin):
    client.force_login(gym_admin)
    member = GymMembership.objects.get(user=gym_admin)
    response = client.post(f"/manage/staff/{member.pk}/deactivate/", {"once": "d"}, follow=True)
    gym_admin.refresh_from_db()
    assert gym_admin.is_active
    assert "cannot deactivate your own account" in response.content.decode()


def test_a_gym_admin_sets_a_trainers_specialties_and_capacity(client, gym_admin, trainer):
    client.force_login(gym_admin)
    member = GymMembership.objects.get(user=trainer)
    url = f"/manage/trainers/{member.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"once": "a", "capacity": "101", "specialties": ["knee"]})
    assert bad.status_code == 400 and 'id="id_capacity_error"' in bad.content.decode()
    good = client.post(url, {"once": "b", "capacity": "3", "specialties": ["knee", "back"]})
    member.refresh_from_db()
    assert good.status_code == 302
    assert member.capacity == 3 and member.specialties == ["knee", "back"]


def test_another_gyms_trainer_cannot_be_edited(client, gym_admin, unpartnered_trainer):
    client.force_login(gym_admin)
    member = GymMembership.objects.get(user=unpartnered_trainer)
    assert client.get(f"/manage/trainers/{member.pk}/").status_code == 404


# --- Clinic settings ---------------------------------------------------------------------------


def settings_data(clinic, **overrides):
    data = {
        "once": "s1",
        "time_zone": "America/Chicago",
        "default_pain_ceiling": "4",
        "default_red_flags": ["swelling", "night_pain"],
        "authorization_text": clinic.authorization_text,
        "authorization_information": clinic.authorization_information,
        "authorization_purpose": clinic.authorization_purpose,
        "authorization_revocation": clinic.authorization_revocation,
        "authorization_no_conditioning": clinic.authorization_no_conditioning,
        "authorization_redisclosure": clinic.authorization_redisclosure,
    }
    return {**data, **overrides}


def test_a_clinic_admin_changes_the_settings(client, clinic_admin, riverside):
    client.force_login(clinic_admin)
    response = client.post("/manage/settings/", settings_data(riverside))
    riverside.refresh_from_db()
    assert response.status_code == 302
    assert riverside.time_zone == "America/Chicago" and riverside.default_pain_ceiling == 4
    assert riverside.default_red_flags == ["swelling", "night_pain"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"default_pain_ceiling": "11"}, "default_pain_ceiling"),
        ({"default_pain_ceiling": "-1"}, "default_pain_ceiling"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"default_red_flags": ["chest_pain"]}, "default_red_flags"),
        ({"authorization_text": ""}, "authorization_text"),
        ({"authorization_purpose": "x" * 1001}, "authorization_purpose"),
    ],
)
def test_bad_settings_show_the_error_by_the_field(
    client, clinic_admin, riverside, overrides, field
):
    client.force_login(clinic_admin)
    response = client.post("/manage/settings/", settings_data(riverside, **overrides))
    riverside.refresh_from_db()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert riverside.default_pain_ceiling == 5


# --- Partnerships -----------------------------------------------------------------------------------


def test_a_clinic_proposes_and_the_gym_admin_accepts(client, clinic_admin, peak_admin, peak):
    client.force_login(clinic_admin)
    response = client.post("/manage/partnerships/", {"once": "p1", "partner": peak.pk})
    partnership = Partnership.objects.get(clinic=clinic_admin.clinic_membership.clinic, gym=peak)
    assert response.status_code == 302 and partnership.status == "proposed"
    refused = client.post(f"/manage/partnerships/{partnership.pk}/accept/", {"once": "p2"})
    partnership.refresh_from_db()
    assert refused.status_code == 302 and partnership.status == "proposed"
    client.force_login(peak_admin)
    assert "Accept" in client.get("/manage/partnerships/").content.decode()
    client.post(f"/manage/partnerships/{partnership.pk}/accept/", {"once": "p3"})
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_suspend_reactivate_and_end(client, gym_admin, iron_oak):
    partnership = Partnership.objects.get(gym=iron_oak)
    client.force_login(gym_admin)
    for action, status in [("suspend", "suspended"), ("reactivate", "active"), ("end", "ended")]:
        client.post(f"/manage/partnerships/{partnership.pk}/{action}/", {"once": action})
        partnership.refresh_from_db()
        assert partnership.status == status


def test_a_refused_transition_says_why(client, gym_admin, iron_oak):
    partnership = Partnership.objects.get(gym=iron_oak)
    client.force_login(gym_admin)
    response = client.post(
        f"/manage/partnerships/{partnership.pk}/reactivate/", {"once": "r"}, follow=True
    )
    assert "Only a suspended partnership can be reactivated" in response.content.decode()


@pytest.mark.parametrize("partner", ["", "abc", "999999", "1e9"])
def test_a_bad_proposal_is_a_400_by_the_field(client, clinic_admin, partner):
    client.force_login(clinic_admin)
    response = client.post("/manage/partnerships/", {"once": "x", "partner": partner})
    assert response.status_code == 400
    assert 'id="id_partner_error"' in response.content.decode()


def test_another_organisations_partnership_is_a_404(client, clinic_admin, peak):
    other = Partnership.objects.get(gym=peak)
    client.force_login(clinic_admin)
    assert client.post(f"/manage/partnerships/{other.pk}/end/", {"once": "e"}).status_code == 404
    assert client.post("/manage/partnerships/1/fly/", {"once": "e"}).status_code == 404


# --- Certifications ---------------------------------------------------------------------------------


def test_expired_and_expiring_certifications_are_highlighted(client, gym_admin, trainer, trainer2):
    Certification.objects.filter(trainer__user=trainer).update(
        expires_on=today() - datetime.timedelta(days=3)
    )
    Certification.objects.filter(trainer__user=trainer2).update(
        expires_on=today() + datetime.timedelta(days=10)
    )
    client.force_login(gym_admin)
    body = client.get("/manage/certifications/").content.decode()
    assert body.count('class="expired"') == 1 and "Expired</span>" in body
    assert body.count('class="expiring"') == 1 and "Expires soon" in body


def test_the_gym_admin_renews_an_expired_certification(client, gym_admin, trainer):
    certification = Certification.objects.get(trainer__user=trainer)
    Certification.objects.filter(pk=certification.pk).update(
        expires_on=today() - datetime.timedelta(days=3)
    )
    client.force_login(gym_admin)
    url = f"/manage/certifications/{certification.pk}/renew/"
    past = client.post(url, {"once": "a", "expires_on": today().isoformat()})
    assert past.status_code == 400 and 'id="id_expires_on_error"' in past.content.decode()
    garbage = client.post(url, {"once": "b", "expires_on": "31/31/2031"})
    assert garbage.status_code == 400
    new_date = today() + datetime.timedelta(days=700)
    done = client.post(url, {"once": "c", "expires_on": new_date.isoformat(), "number": ""})
    certification.refresh_from_db()
    assert done.status_code == 302 and certification.expires_on == new_date


def test_a_gym_admin_records_a_certification(client, gym_admin, trainer2):
    member = GymMembership.objects.get(user=trainer2)
    client.force_login(gym_admin)
    data = {
        "once": "n1",
        "trainer": member.pk,
        "body": "ACE",
        "number": "ACE-77",
        "expires_on": (today() + datetime.timedelta(days=300)).isoformat(),
    }
    assert client.post("/manage/certifications/", data).status_code == 302
    assert Certification.objects.filter(trainer=member, number="ACE-77").exists()
    bad = client.post("/manage/certifications/", {**data, "once": "n2", "body": "YOGA"})
    assert bad.status_code == 400 and 'id="id_body_error"' in bad.content.decode()
    dup = client.post("/manage/certifications/", {**data, "once": "n3"})
    assert dup.status_code == 400 and "already recorded" in dup.content.decode()


def test_another_gyms_certification_cannot_be_renewed(client, gym_admin, unpartnered_trainer):
    certification = Certification.objects.get(trainer__user=unpartnered_trainer)
    client.force_login(gym_admin)
    assert client.get(f"/manage/certifications/{certification.pk}/renew/").status_code == 404
