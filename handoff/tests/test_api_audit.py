"""Every read of a packet, a patient's details or a session log through the API is recorded in
the access log, and no response that carries health information may be cached."""

from __future__ import annotations

import pytest

from audit.models import AccessLog
from handoff import services
from handoff.tests import builders

from .test_api_support import STRANGERS, day, url

pytestmark = pytest.mark.django_db


def logged(**filters) -> set[tuple[str, str, int]]:
    rows = AccessLog.objects.filter(**filters)
    return set(rows.values_list("action", "object_type", "object_id"))


def test_reading_a_handoff_logs_the_handoff_and_its_patient(api, trainer, make_handoff):
    handoff = make_handoff("accepted")

    api(trainer).get(url("handoff-detail", handoff), REMOTE_ADDR="203.0.113.9")

    assert logged(actor=trainer) == {
        ("read", "handoff", handoff.pk),
        ("read", "patient", handoff.patient_id),
    }
    assert set(AccessLog.objects.values_list("client_address", flat=True)) == {"203.0.113.9"}


def test_listing_handoffs_logs_each_handoff_on_the_page(api, therapist, people, riverside):
    from clinics.tests.factories import PatientFactory

    handoffs = [builders.draft(**people)]
    for _ in range(2):
        handoffs.append(
            builders.draft(**(people | {"patient_record": PatientFactory(clinic=riverside)}))
        )

    api(therapist).get(url("handoff-list"), {"page_size": 2})

    newest = handoffs[-2:]
    assert logged(object_type="handoff") == {("list", "handoff", h.pk) for h in newest}
    assert logged(object_type="patient") == {("list", "patient", h.patient_id) for h in newest}


def test_an_action_logs_the_handoff_it_answers_with(api, trainer, make_handoff):
    handoff = make_handoff("sent")

    api(trainer).post(url("handoff-accept", handoff))

    assert ("accept", "handoff", handoff.pk) in logged(actor=trainer)


def test_reading_versions_and_a_diff_logs_the_versions(api, patient, therapist, make_handoff):
    handoff = make_handoff("accepted")
    services.amend_packet(handoff, by=therapist, packet=builders.packet(pain_ceiling=4))
    first, second = handoff.versions.order_by("number")

    api(patient).get(url("handoff-versions", handoff))
    api(patient).get(url("handoff-version-diff", handoff, number=2))

    assert logged(actor=patient) == {
        ("list", "packet_version", first.pk),
        ("list", "packet_version", second.pk),
        ("diff", "packet_version", first.pk),
        ("diff", "packet_version", second.pk),
    }


def test_reading_session_logs_logs_each_one(api, trainer, patient, make_handoff):
    handoff = make_handoff("accepted")
    log = services.log_session(
        handoff, by=patient, date=builders.clinic_today(), completed=True, pain=1
    )

    api(trainer).get(url("handoff-sessions", handoff))

    assert logged(actor=trainer) == {("list", "session_log", log.pk)}


def test_check_ins_messages_and_consent_reads_are_logged(api, therapist, trainer, make_handoff):
    handoff = make_handoff("accepted")
    check_in = services.add_check_in(
        handoff, by=trainer, date=builders.clinic_today(), sessions_attended=2, progress="Good"
    )
    message = services.post_message(handoff, by=trainer, body="Week 1 went well")
    client = api(therapist)

    client.get(url("handoff-check-ins", handoff))
    client.get(url("handoff-messages", handoff))
    client.get(url("handoff-consent", handoff))

    assert logged(actor=therapist) == {
        ("list", "check_in", check_in.pk),
        ("list", "message", message.pk),
        ("consent", "patient", handoff.patient_id),
    }


@pytest.mark.parametrize("persona", STRANGERS)
def test_a_refused_read_logs_nothing(api, request, make_handoff, persona):
    handoff = make_handoff("accepted")

    assert api(request.getfixturevalue(persona)).get(
        url("handoff-detail", handoff)
    ).status_code in (
        403,
        404,
    )
    assert not AccessLog.objects.exists()


def test_the_patient_gets_403_on_check_ins_and_nothing_is_logged(api, patient, make_handoff):
    handoff = make_handoff("accepted")

    assert api(patient).get(url("handoff-check-ins", handoff)).status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("persona", "method", "route", "body"),
    [
        ("therapist", "get", "handoff-list", None),
        ("therapist", "get", "handoff-detail", None),
        ("trainer", "get", "handoff-versions", None),
        ("patient", "get", "handoff-sessions", None),
        ("patient", "get", "handoff-messages", None),
        ("therapist", "get", "handoff-check-ins", None),
        ("patient", "get", "handoff-consent", None),
        ("patient", "post", "handoff-sessions", {"date": day(), "completed": True, "pain": 1}),
        ("trainer", "post", "handoff-messages", {"body": "Hello"}),
        ("outsider", "get", "handoff-detail", None),  # errors too
        ("patient", "post", "handoff-sessions", {"pain": 11}),
    ],
)
def test_handoff_responses_may_not_be_cached(
    api, request, make_handoff, persona, method, route, body
):
    handoff = make_handoff("accepted")
    target = None if route == "handoff-list" else handoff

    response = getattr(api(request.getfixturevalue(persona)), method)(
        url(route, target), body, format="json"
    )

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
