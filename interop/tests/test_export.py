"""The exported bundle: valid R4 for the library, stable ids, and the PA IG's own rules."""

from __future__ import annotations

import datetime

import pytest

from handoff import services
from handoff.models import Handoff
from handoff.tests import builders
from interop import codes
from interop.export import as_json, export_bundle, export_task
from interop.tests.helpers import knee_limit_packet, one, parse_bundle, resources

Status = Handoff.Status
ALL_STATES = [s.value for s in Status]


def codings(concept: dict) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_state_exports_a_bundle_the_r4b_models_accept(make_handoff, state):
    handoff = make_handoff(state)

    data = as_json(export_bundle(handoff, party="therapist"))

    bundle = parse_bundle(data)
    assert bundle.type == "collection"
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"ServiceRequest", "Task", "Patient", "Condition", "CarePlan"} <= kinds
    assert {"Practitioner", "PractitionerRole", "Organization"} <= kinds


def test_the_same_handoff_exports_the_same_ids_every_time(worked_handoff):
    first = as_json(export_bundle(worked_handoff, party="therapist"))
    second = as_json(export_bundle(worked_handoff, party="therapist"))

    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first == second
    assert one(first, "ServiceRequest")["id"] == f"handoff-{worked_handoff.pk}"


def test_every_reference_in_the_bundle_resolves_to_an_entry(worked_handoff):
    services.complete_handoff(
        worked_handoff,
        by=worked_handoff.trainer,
        final_report={"sessions_attended": 9, "progress": "Strong.", "symptoms": [], "note": ""},
    )
    data = as_json(export_bundle(Handoff.objects.get(pk=worked_handoff.pk), party="therapist"))

    names = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in data["entry"]}
    refs = list(_references(data))
    assert refs
    assert {r for r in refs if r not in names} == set()


def _references(node):
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


# --- The PA IG's rules that the library does not check ---------------------------------------


def test_referral_has_the_pa_category_and_the_referral_code(make_handoff):
    data = as_json(export_bundle(make_handoff("sent"), party="therapist"))

    request = one(data, "ServiceRequest")
    categories = set().union(*(codings(c) for c in request["category"]))
    assert (codes.PA_TEMPORARY, "PhysicalActivity") in categories
    # category[USCore] is required from PAServiceRequestCategory.
    assert categories & {
        (codes.SNOMED, c) for c in ("409063005", "409073007", "386053000", "91251008")
    }
    assert codings(request["code"]) == {(codes.SNOMED, "390893007")}
    assert request["intent"] in ("original-order", "order", "filler-order")
    assert request["status"] == "active"
    assert request["authoredOn"] and request["requester"] and request["subject"]
    assert request["performer"][0]["reference"].startswith("PractitionerRole/")
    assert request["occurrencePeriod"]["start"] == str(
        builders.clinic_today() - datetime.timedelta(days=2)
    )


@pytest.mark.parametrize("state", ALL_STATES)
def test_referral_meets_the_reason_invariant_in_every_state(make_handoff, state):
    request = one(as_json(export_bundle(make_handoff(state), party="therapist")), "ServiceRequest")

    # pa-sr-1: reasonCode.exists() or reasonReference.exists()
    assert request.get("reasonCode") or request.get("reasonReference")
    assert request["reasonCode"][0]["text"] == "Right knee, 5 months after ACL reconstruction"


def test_reason_invariant_holds_for_a_draft_without_a_condition(people):
    handoff = builders.draft(**people, spec=builders.packet(clearance=None))

    request = one(as_json(export_bundle(handoff, party="therapist")), "ServiceRequest")

    assert request["reasonCode"][0]["text"]
    assert request["reasonReference"][0]["reference"] == f"Condition/handoff-{handoff.pk}-condition"


TASK_STATUS = {
    "draft": "draft",
    "sent": "requested",
    "accepted": "in-progress",
    "declined": "rejected",
    "expired": "failed",
    "withdrawn": "cancelled",
    "revoked": "cancelled",
    "referred_back": "on-hold",
    "completed": "completed",
}


@pytest.mark.parametrize(("state", "task_status"), TASK_STATUS.items())
def test_task_status_follows_the_handoff_state(make_handoff, state, task_status):
    handoff = make_handoff(state)

    task = as_json(export_task(handoff, party="therapist"))

    assert task["status"] == task_status
    # pa-taskrm-1: a statusReason exactly when rejected, on-hold, cancelled or failed.
    has_reason = task_status in {"rejected", "on-hold", "cancelled", "failed"}
    assert ("statusReason" in task) is has_reason
    if has_reason:
        assert task["statusReason"]["text"]
    assert task["businessStatus"]["text"]
    assert task["intent"] == "order"
    assert codings(task["code"]) == {(codes.TASK_CODE, "fulfill")}
    assert task["focus"]["reference"] == f"ServiceRequest/handoff-{handoff.pk}"
    assert task["for"]["reference"] == f"Patient/patient-{handoff.patient_id}"
    assert task["owner"]["reference"].startswith("PractitionerRole/trainer-")
    assert task["authoredOn"]


def test_the_decline_reason_is_the_tasks_status_reason(make_handoff):
    task = as_json(export_task(make_handoff("declined"), party="therapist"))

    assert task["statusReason"]["text"] == "Fully booked"


def test_check_ins_are_the_tasks_notes(worked_handoff):
    task = as_json(export_task(worked_handoff, party="trainer"))

    (note,) = task["note"]
    assert "Split squats steady at 3x10" in note["text"]
    assert note["authorReference"]["reference"] == f"Practitioner/user-{worked_handoff.trainer_id}"
    assert note["time"]


def test_pain_is_an_observation_with_the_loinc_0_to_10_score(worked_handoff):
    data = as_json(export_bundle(worked_handoff, party="therapist"))

    pain = [
        o
        for o in resources(data, "Observation")
        if codings(o["code"]) == {(codes.LOINC, "72514-3")}
    ]
    assert sorted(o["valueInteger"] for o in pain) == [2, 2, 3, 4]
    assert all(o["status"] == "final" and o["subject"] and o["effectiveDateTime"] for o in pain)


def test_completed_sessions_give_the_strength_days_per_week_vital_sign(worked_handoff):
    data = as_json(export_bundle(worked_handoff, party="therapist"))

    (days,) = [
        o
        for o in resources(data, "Observation")
        if codings(o["code"]) == {(codes.LOINC, "82291-6")}
    ]
    # Three completed sessions over the two weeks since the first: 1.5 a week.
    assert days["valueQuantity"] == {
        "value": 1.5,
        "unit": "days per week",
        "system": codes.UCUM,
        "code": "d/wk",
    }


def test_final_report_is_a_diagnostic_report_the_task_points_to(worked_handoff):
    services.complete_handoff(
        worked_handoff,
        by=worked_handoff.trainer,
        final_report={
            "sessions_attended": 9,
            "progress": "Strong.",
            "symptoms": [],
            "note": "Keep it up.",
        },
    )
    handoff = Handoff.objects.get(pk=worked_handoff.pk)
    data = as_json(export_bundle(handoff, party="therapist"))

    report = one(data, "DiagnosticReport")
    assert report["status"] == "final"
    assert (codes.PA_TEMPORARY, "PhysicalActivity") in codings(report["category"][0])
    assert report["basedOn"][0]["reference"] == f"ServiceRequest/handoff-{handoff.pk}"
    assert "Sessions attended: 9." in report["conclusion"]
    task = one(data, "Task")
    assert task["output"][0]["valueReference"]["reference"] == f"DiagnosticReport/{report['id']}"
    assert codings(task["output"][0]["type"]) == {(codes.SDOHCC_TEMPORARY, "resulting-activity")}


def test_restrictions_carry_their_codes_and_their_text(people):
    spec = builders.packet()
    handoff = builders.sent(**people, spec=spec)

    plan = one(as_json(export_bundle(handoff, party="trainer")), "CarePlan")

    restriction = plan["activity"][-1]["detail"]
    assert codings(restriction["code"]) == {(codes.RESTRICTION_KIND, "avoid_pattern")}
    assert restriction["code"]["text"] == "No jumping or landing drills"
    assert restriction["doNotPerform"] is True
    parts = {e["url"]: e for e in restriction["extension"][0]["extension"]}
    assert parts["body-region"]["valueCoding"]["code"] == "knee"
    assert parts["pattern"]["valueCoding"]["code"] == "plyometric"
    assert (codes.PA_TEMPORARY, "PhysicalActivity") in codings(plan["category"][0])


def test_consent_allows_the_disclosure_to_the_trainers_gym(make_handoff):
    handoff = make_handoff("sent")

    consent = one(as_json(export_bundle(handoff, party="therapist")), "Consent")

    assert consent["status"] == "active"
    assert consent["provision"]["type"] == "permit"
    assert (
        consent["provision"]["actor"][0]["reference"]["reference"]
        == f"Organization/gym-{handoff.gym_id}"
    )


@pytest.mark.parametrize("party", ["therapist", "trainer", "patient"])
def test_an_override_names_its_item_and_restriction_by_their_activity_ids(people, party):
    handoff = builders.sent(**people, spec=knee_limit_packet())

    plan = one(as_json(export_bundle(handoff, party=party)), "CarePlan")

    (override,) = [e for e in plan["extension"] if e["url"] == codes.EXT_OVERRIDE]
    assert override == {
        "url": codes.EXT_OVERRIDE,
        "extension": [
            {"url": "program-item", "valueId": "program-item-1"},
            {"url": "restriction", "valueId": "restriction-2"},
            {"url": "reason", "valueString": "To 70 degrees only, practised in clinic."},
        ],
    }
    activities = {a["id"]: a["detail"] for a in plan["activity"]}
    assert list(activities) == [
        "program-item-1",
        "program-item-2",
        "restriction-1",
        "restriction-2",
    ]
    assert activities["program-item-1"]["code"]["text"] == "Split squat"
    assert activities["restriction-2"]["code"]["text"] == "Keep loaded knee bends to 90 degrees"
    # For a reader that does not know Baton's extensions: the override in the narrative.
    assert (
        "Split squat is allowed despite “Keep loaded knee bends to 90 degrees”: "
        "To 70 degrees only, practised in clinic." in plan["text"]["div"]
    )


def test_a_packet_without_overrides_exports_no_override(make_handoff):
    plan = one(as_json(export_bundle(make_handoff("sent"), party="therapist")), "CarePlan")

    assert codes.EXT_OVERRIDE not in {e["url"] for e in plan["extension"]}
