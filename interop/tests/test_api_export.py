"""``GET handoffs/{id}/fhir/`` and ``…/fhir/task/``: the packet's scoping and audit, in FHIR."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog
from handoff.models import Handoff
from handoff.tests.test_api_support import STRANGERS
from interop.tests.helpers import one, parse_bundle, resources

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"


def bundle_url(handoff: Handoff) -> str:
    return reverse("handoff-fhir", args=[handoff.pk])


def task_url(handoff: Handoff) -> str:
    return reverse("handoff-fhir-task", args=[handoff.pk])


@pytest.mark.parametrize("stranger", STRANGERS)
@pytest.mark.parametrize("view", [bundle_url, task_url])
def test_nobody_else_gets_the_fhir_export(api, request, make_handoff, stranger, view):
    handoff = make_handoff("accepted")
    user = request.getfixturevalue(stranger)

    response = api(user).get(view(handoff))

    assert response.status_code == 404
    assert not AccessLog.objects.filter(actor=user).exists()


def test_a_login_is_needed(api, make_handoff):
    assert api(None).get(bundle_url(make_handoff("accepted"))).status_code == 401


def test_the_trainer_does_not_see_a_draft_in_fhir_either(api, trainer, make_handoff):
    assert api(trainer).get(bundle_url(make_handoff("draft"))).status_code == 404


@pytest.mark.parametrize("party", ["therapist", "trainer", "patient"])
def test_each_party_gets_a_valid_fhir_bundle(api, request, make_handoff, party):
    handoff = make_handoff("accepted")

    response = api(request.getfixturevalue(party)).get(bundle_url(handoff))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(FHIR_JSON)
    assert "no-store" in response["Cache-Control"]
    bundle = parse_bundle(response.json())
    assert bundle.type == "collection"


def test_the_trainers_bundle_never_carries_the_birth_date(api, trainer, make_handoff):
    handoff = make_handoff("accepted")
    assert handoff.patient.date_of_birth is not None

    data = api(trainer).get(bundle_url(handoff)).json()

    assert "birthDate" not in one(data, "Patient")
    assert "birthDate" not in str(data)


def test_the_therapists_bundle_carries_the_birth_date(api, therapist, make_handoff):
    handoff = make_handoff("accepted")

    data = api(therapist).get(bundle_url(handoff)).json()

    assert one(data, "Patient")["birthDate"] == handoff.patient.date_of_birth.isoformat()


def test_the_patients_bundle_has_no_check_ins_or_final_report(api, patient, worked_handoff):
    data = api(patient).get(bundle_url(worked_handoff)).json()

    assert "note" not in one(data, "Task")
    assert resources(data, "DiagnosticReport") == []


def test_each_export_is_one_access_log_row_for_the_handoff_and_its_patient(
    api, trainer, make_handoff
):
    handoff = make_handoff("accepted")

    api(trainer).get(bundle_url(handoff), REMOTE_ADDR="203.0.113.7")
    api(trainer).get(bundle_url(handoff))

    rows = list(
        AccessLog.objects.filter(actor=trainer).values_list("action", "object_type", "object_id")
    )
    assert sorted(rows) == sorted(
        [("fhir_export", "handoff", handoff.pk), ("fhir_export", "patient", handoff.patient_id)] * 2
    )


def test_reading_the_task_is_logged(api, therapist, make_handoff):
    handoff = make_handoff("referred_back")

    response = api(therapist).get(task_url(handoff))

    assert response.status_code == 200
    assert response.json()["status"] == "on-hold"
    assert list(AccessLog.objects.filter(actor=therapist).values_list("action", "object_id")) == [
        ("fhir_task", handoff.pk)
    ]


def test_the_task_follows_each_state_change(api, therapist, trainer, make_handoff):
    handoff = make_handoff("sent")
    assert api(therapist).get(task_url(handoff)).json()["status"] == "requested"

    api(trainer).post(reverse("handoff-accept", args=[handoff.pk]))
    assert api(therapist).get(task_url(handoff)).json()["status"] == "in-progress"

    api(trainer).post(
        reverse("handoff-refer-back", args=[handoff.pk]), {"reason": "Knee swelled"}, format="json"
    )
    task = api(therapist).get(task_url(handoff)).json()
    assert task["status"] == "on-hold"
    assert task["statusReason"]["text"] == "Knee swelled"
