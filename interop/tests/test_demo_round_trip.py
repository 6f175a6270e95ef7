"""Done when: the accepted demo handoff exports a bundle the library validates, and importing
it as pt@summit creates a draft with the same program and restrictions and a new patient."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from clinics.models import Patient
from handoff.models import Handoff
from handoff.services.packets import spec_from_version
from interop.tests.helpers import parse_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_the_accepted_demo_handoff_round_trips_to_summit_as_a_new_draft(seeded, api):
    accepted = Handoff.objects.get(patient__email="patient@riverside.example", status="accepted")
    riverside_pt = User.objects.get(email="pt@riverside.example")
    summit_pt = User.objects.get(email="pt@summit.example")
    peak_trainer = User.objects.get(email="trainer@peak.example")
    patients_before = set(Patient.objects.values_list("pk", flat=True))

    exported = api(riverside_pt).get(reverse("handoff-fhir", args=[accepted.pk]))
    assert exported.status_code == 200
    bundle = parse_bundle(exported.json())  # the library's R4B models validate it
    assert {e.resource.get_resource_type() for e in bundle.entry} >= {
        "ServiceRequest",
        "Task",
        "Patient",
        "CarePlan",
        "Consent",
        "Observation",
    }

    imported = api(summit_pt).post(
        f"{reverse('handoff-fhir-import')}?trainer={peak_trainer.pk}",
        exported.json(),
        format="json",
    )

    assert imported.status_code == 201, imported.json()
    draft = Handoff.objects.get(pk=imported.json()["handoff"]["id"])
    assert draft.status == "draft"
    assert draft.clinic.name == "Summit Rehab"
    assert draft.therapist == summit_pt and draft.trainer == peak_trainer
    assert draft.patient_id not in patients_before
    assert draft.patient.clinic.name == "Summit Rehab"
    assert (draft.patient.first_name, draft.patient.last_name) == ("Alex", "Morgan")
    original = spec_from_version(accepted.versions.order_by("-number").first())
    copy = spec_from_version(draft.versions.get())
    assert copy.program == original.program
    assert len(copy.program) == 5
    assert copy.restrictions == original.restrictions
    assert copy == original
