"""The therapist's pages (issue 13): who sees which page, bad input, replays, audit, queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from clinics.models import Patient
from handoff.models import Handoff
from handoff.tests import builders
from notifications.models import Preference

pytestmark = pytest.mark.django_db

PERSONAS = [
    "therapist",
    "other_therapist",
    "trainer",
    "patient",
    "clinic_admin",
    "gym_admin",
    "outsider",
]


@pytest.fixture
def accepted(make_handoff):
    return make_handoff("accepted")


def as_(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    return client


# --- Who sees which page -----------------------------------------------------------------------------

PAGES = [
    # (url template, personas that get 200; every other persona gets 404)
    ("/dashboard/", {"therapist", "other_therapist"}),  # each their own clinic's
    ("/patients/{patient}/", {"therapist", "clinic_admin"}),
    ("/patients/{patient}/edit/", {"therapist"}),
    ("/handoffs/{handoff}/", {"therapist", "trainer", "patient"}),
    ("/handoffs/{handoff}/access-log/", {"therapist"}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_each_persona_gets_the_page_or_a_404(client, request, accepted, persona, url, allowed):
    as_(client, request, persona)

    response = client.get(url.format(patient=accepted.patient_id, handoff=accepted.pk), follow=True)

    assert response.status_code == (200 if persona in allowed else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_every_signed_in_person_has(client, request, persona):
    as_(client, request, persona)

    assert client.get("/notifications/").status_code == 200
    assert client.get("/notifications/preferences/").status_code == 200


@pytest.mark.parametrize("url", ["/patients/", "/patients/new/", "/handoffs/new/"])
@pytest.mark.parametrize("persona", ["trainer", "patient", "gym_admin", "outsider"])
def test_people_outside_a_clinic_get_404_for_its_pages(client, request, persona, url):
    as_(client, request, persona)

    assert client.get(url).status_code == 404


def test_amend_starts_for_the_therapist_only(client, request, accepted):
    as_(client, request, "therapist")
    assert client.get(f"/handoffs/{accepted.pk}/amend/").status_code == 302
    as_(client, request, "trainer")
    assert client.get(f"/handoffs/{accepted.pk}/amend/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, accepted):
    for url in ("/dashboard/", "/patients/", f"/handoffs/{accepted.pk}/", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_each_role_lands_on_its_own_home(client, request):
    as_(client, request, "therapist")
    assert client.get("/")["Location"] == "/dashboard/"
    as_(client, request, "clinic_admin")
    assert client.get("/")["Location"] == "/manage/"


def test_staff_link_shows_only_to_admins(client, request):
    as_(client, request, "therapist")
    assert 'href="/staff/"' not in client.get("/dashboard/").content.decode()
    as_(client, request, "clinic_admin")
    assert 'href="/staff/"' in client.get("/notifications/").content.decode()


# --- Reads are audited and never cached ---------------------------------------------------------------


def test_the_handoff_page_is_audited_and_not_stored(client, therapist, accepted):
    client.force_login(therapist)
    before = AccessLog.objects.count()

    response = client.get(f"/handoffs/{accepted.pk}/")

    assert "no-store" in response["Cache-Control"]
    logged = set(
        AccessLog.objects.values_list("object_type", "object_id")[
            : AccessLog.objects.count() - before
        ]
    )
    assert ("handoff", accepted.pk) in logged and ("patient", accepted.patient_id) in logged


def test_the_patient_page_is_audited(client, therapist, patient_record):
    client.force_login(therapist)

    client.get(f"/patients/{patient_record.pk}/")

    assert AccessLog.objects.filter(
        object_type="patient", object_id=patient_record.pk, actor=therapist
    ).exists()


def test_the_handoff_page_shows_only_the_actions_its_state_allows(client, therapist, make_handoff):
    client.force_login(therapist)
    html = client.get(f"/handoffs/{make_handoff('referred_back').pk}/").content.decode()
    assert "Resume" in html and "Amend the packet" in html and "Reassign" not in html

    declined = builders.in_state(
        "declined",
        therapist=therapist,
        patient_record=Patient.objects.create(
            clinic=declined_clinic(therapist), first_name="D", last_name="Q"
        ),
        trainer=Handoff.objects.first().trainer,
    )
    html = client.get(f"/handoffs/{declined.pk}/").content.decode()
    assert (
        "Reassign to another trainer" in html
        and "Amend the packet" not in html
        and "Resume" not in html
    )


def declined_clinic(therapist):
    return therapist.clinic_membership.clinic


# --- Bad input re-renders with errors and writes nothing ---------------------------------------------


def test_a_patient_without_a_name_is_refused_by_the_field_and_not_saved(client, therapist):
    client.force_login(therapist)
    count = Patient.objects.count()

    response = client.post(
        "/patients/new/",
        {"first_name": "", "last_name": "Novak", "email": "nope", "submission": "t1"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_first_name_error"' in html and 'id="id_email_error"' in html
    assert 'value="Novak"' in html
    assert Patient.objects.count() == count


def test_a_replayed_patient_form_adds_the_patient_once(client, therapist):
    client.force_login(therapist)
    data = {"first_name": "Sam", "last_name": "Novak", "submission": "same-token"}

    client.post("/patients/new/", data)
    client.post("/patients/new/", data)

    assert Patient.objects.filter(last_name="Novak").count() == 1


def test_a_builder_step_with_bad_input_keeps_it_and_creates_nothing(
    client, therapist, patient_record
):
    client.force_login(therapist)
    start = client.get(f"/handoffs/new/?patient={patient_record.pk}")
    url = start["Location"]

    response = client.post(
        url, {"cleared_on": "not a date", "level": "full", "condition": "Left shoulder"}
    )

    assert response.status_code == 400
    assert 'id="id_cleared_on_error"' in response.content.decode()
    assert 'value="Left shoulder"' in response.content.decode()
    assert not Handoff.objects.exists()


def test_withdraw_without_a_reason_is_refused_and_changes_nothing(client, therapist, accepted):
    client.force_login(therapist)

    response = client.post(
        f"/handoffs/{accepted.pk}/act/withdraw/", {"withdraw-reason": "", "seen_status": "accepted"}
    )

    assert response.status_code == 400
    assert 'id="id_withdraw-reason_error"' in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == "accepted"


def test_preferences_with_half_the_quiet_hours_are_refused_and_not_saved(client, therapist):
    client.force_login(therapist)

    response = client.post(
        "/notifications/preferences/",
        {"time_zone": "Europe/Paris", "quiet_start": "22:00", "quiet_end": "", "nudge_hour": "8"},
    )

    assert response.status_code == 400
    assert not Preference.objects.filter(user=therapist, time_zone="Europe/Paris").exists()


def test_preferences_are_saved(client, therapist):
    client.force_login(therapist)

    client.post(
        "/notifications/preferences/",
        {
            "time_zone": "Europe/Paris",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "nudge_hour": "8",
            "email_kinds": ["message"],
        },
    )

    pref = Preference.objects.get(user=therapist)
    assert pref.time_zone == "Europe/Paris" and pref.quiet_end == datetime.time(7, 0)
    assert pref.wants_email("message") and not pref.wants_email("handoff_sent")


# --- Double submits and changes meanwhile -----------------------------------------------------------


def test_two_sends_send_once(client, therapist, patient_record, trainer):
    draft = builders.in_state(
        "draft", therapist=therapist, patient_record=patient_record, trainer=trainer
    )
    client.force_login(therapist)
    url = client.get(f"/handoffs/{draft.pk}/edit/")["Location"]

    first = client.post(url, {"op": "send"})
    second = client.post(url, {"op": "send"})

    draft.refresh_from_db()
    assert draft.status == "sent"
    assert first.status_code == 302 and second.status_code in (302, 404)
    assert draft.events.filter(action="sent").count() == 1


def test_an_action_on_a_handoff_that_changed_meanwhile_says_so(
    client, therapist, trainer, accepted
):
    from handoff import services

    client.force_login(therapist)
    services.refer_back(accepted, by=trainer, reason="Swelling")

    response = client.post(
        f"/handoffs/{accepted.pk}/act/withdraw/",
        {"withdraw-reason": "Moved away", "seen_status": "accepted"},
        follow=True,
    )

    accepted.refresh_from_db()
    assert accepted.status == "referred_back"
    assert "changed while you were looking at it" in response.content.decode()


def test_an_amendment_started_from_an_old_version_is_refused(client, therapist, accepted):
    from handoff import services
    from handoff.services.packets import spec_from_version

    client.force_login(therapist)
    url = client.get(f"/handoffs/{accepted.pk}/amend/")["Location"].replace("clearance", "review")
    services.amend_packet(
        accepted,
        by=therapist,
        packet=spec_from_version(accepted.versions.get()),
        change_note="colleague",
    )

    response = client.post(url, {"op": "amend", "change_note": "mine"}, follow=True)

    assert accepted.versions.count() == 2
    assert "changed while you were editing it" in response.content.decode()


# --- Query counts do not grow with rows -----------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_handoffs(therapist, trainer, n):
    from clinics.tests.factories import PatientFactory

    clinic = therapist.clinic_membership.clinic
    for status in ["referred_back", "declined", "sent"] * n:
        builders.in_state(
            status,
            therapist=therapist,
            patient_record=PatientFactory(clinic=clinic),
            trainer=trainer,
        )


@pytest.mark.parametrize("url", ["/dashboard/", "/handoffs/", "/patients/"])
def test_query_count_does_not_grow_with_rows(client, therapist, trainer, settings, url):
    from gyms.models import GymMembership

    GymMembership.objects.filter(user=trainer).update(capacity=100)
    client.force_login(therapist)
    _more_handoffs(therapist, trainer, 1)
    _queries(client, url)  # the first request of a session warms caches
    few = _queries(client, url)
    _more_handoffs(therapist, trainer, 4)
    many = _queries(client, url)

    assert many == few


# --- The refer-back in "needs attention" ----------------------------------------------------------------


def test_a_referred_back_handoff_with_an_unacknowledged_notice_comes_first(
    client, therapist, trainer, make_handoff
):
    make_handoff("sent")
    referred = builders.in_state(
        "referred_back",
        therapist=therapist,
        patient_record=Patient.objects.create(
            clinic=therapist.clinic_membership.clinic, first_name="Ria", last_name="B"
        ),
        trainer=trainer,
    )
    client.force_login(therapist)

    html = client.get("/dashboard/").content.decode()

    first = html.index('class="todo--')
    assert html[first : first + 400].count(f"/handoffs/{referred.pk}/") >= 1
    assert "Urgent" in html[first : first + 400]


def test_consecutive_draft_edits_read_as_one_timeline_entry(
    client, therapist, patient_record, trainer
):
    from handoff import services

    draft = builders.draft(therapist=therapist, patient_record=patient_record, trainer=trainer)
    services.update_draft(draft, by=therapist, packet=builders.packet(pain_ceiling=4))
    services.update_draft(draft, by=therapist, packet=builders.packet(pain_ceiling=3))
    client.force_login(therapist)

    html = client.get(f"/handoffs/{draft.pk}/").content.decode()

    assert html.count("<strong>Draft edited</strong>") == 1
