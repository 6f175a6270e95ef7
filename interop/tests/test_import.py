"""``POST handoffs/import/``: a referral Bundle becomes a draft at the importing clinic."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AccessLog
from clinics.models import Patient
from clinics.tests.factories import PatientFactory
from handoff.models import Handoff
from handoff.services.packets import spec_from_version
from interop import codes
from interop.export import as_json, export_bundle
from interop.models import PatientIdentifier
from interop.tests.helpers import knee_limit_packet

pytestmark = pytest.mark.django_db
IMPORT = reverse("handoff-fhir-import")


def import_url(trainer=None) -> str:
    return f"{IMPORT}?trainer={trainer.pk}" if trainer is not None else IMPORT


def post(client, body: Any, trainer=None):
    return client.post(import_url(trainer), body, format="json")


def latest_spec(handoff: Handoff):
    return spec_from_version(handoff.versions.order_by("-number").first())


def written() -> dict[str, int]:
    return {
        "patients": Patient.objects.count(),
        "handoffs": Handoff.objects.count(),
        "identifiers": PatientIdentifier.objects.count(),
    }


@pytest.fixture
def exported(worked_handoff) -> dict[str, Any]:
    """Riverside's accepted handoff as its therapist exports it."""
    return as_json(export_bundle(worked_handoff, party="therapist"))


def entry_index(bundle: dict[str, Any], resource_type: str) -> int:
    return next(
        i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == resource_type
    )


# --- The round trip --------------------------------------------------------------------------------


def test_export_then_import_at_another_clinic_gives_the_same_packet(
    api, exported, worked_handoff, other_therapist, unpartnered_trainer, summit
):
    response = post(api(other_therapist), exported, unpartnered_trainer)

    assert response.status_code == 201, response.json()
    body = response.json()
    draft = Handoff.objects.get(pk=body["handoff"]["id"])
    assert draft.status == "draft"
    assert draft.clinic == summit and draft.trainer == unpartnered_trainer
    assert draft.patient.clinic == summit and draft.patient != worked_handoff.patient
    assert body["patient"] == {"id": draft.patient_id, "matched_by": None}
    original, imported = latest_spec(worked_handoff), latest_spec(draft)
    assert imported.program == original.program
    assert imported.restrictions == original.restrictions
    assert [(r.kind, r.body_region, r.pattern) for r in imported.restrictions] == [
        ("avoid_pattern", "knee", "plyometric")
    ]
    assert imported.red_flags == original.red_flags
    assert imported.pain_ceiling == original.pain_ceiling
    assert imported.clearance == original.clearance
    assert imported == original
    assert body["unmapped"] == []


@pytest.mark.parametrize("state", [s.value for s in Handoff.Status])
def test_a_bundle_from_any_state_round_trips(
    api, make_handoff, other_therapist, unpartnered_trainer, state
):
    handoff = make_handoff(state)
    bundle = as_json(export_bundle(handoff, party="therapist"))

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 201, response.json()
    draft = Handoff.objects.get(pk=response.json()["handoff"]["id"])
    assert latest_spec(draft) == latest_spec(handoff)
    assert response.json()["unmapped"] == []


def test_a_round_trip_keeps_limits_surgery_date_and_holds(
    api, people, other_therapist, unpartnered_trainer
):
    from decimal import Decimal

    from handoff.services.packets import ProgramItemSpec, RestrictionSpec
    from handoff.tests import builders

    spec = builders.packet(
        program=(
            ProgramItemSpec(name="Wall sit", sets=2, hold_seconds=45, per_week=5, cues="Back flat"),
            ProgramItemSpec(
                name="Leg press",
                sets=3,
                reps=12,
                per_week=2,
                load="40 kg",
                progression="Add 5 kg every two weeks.",
            ),
        ),
        restrictions=(
            RestrictionSpec(
                kind="load_cap",
                text="Leg press at most 60 kg",
                body_region="knee",
                limit_value=Decimal("60.00"),
                limit_unit="kg",
            ),
            RestrictionSpec(kind="other", text="No contact sport"),
        ),
        red_flags=("night_pain",),
        pain_ceiling=3,
    )
    handoff = builders.sent(**people, spec=spec)
    bundle = as_json(export_bundle(handoff, party="therapist"))

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 201, response.json()
    assert latest_spec(
        Handoff.objects.get(pk=response.json()["handoff"]["id"])
    ) == spec_from_version(handoff.versions.get())


def test_the_import_lists_what_it_did_not_import_and_why(
    api, exported, other_therapist, unpartnered_trainer
):
    body = post(api(other_therapist), exported, unpartnered_trainer).json()

    kinds = {item["resource_type"] for item in body["not_imported"]}
    assert {"Task", "Observation", "Consent", "Practitioner", "Organization"} <= kinds
    assert all(
        item["reason"] and item["path"].startswith("entry[") for item in body["not_imported"]
    )


def test_the_import_is_logged_like_any_read_of_the_draft(
    api, exported, other_therapist, unpartnered_trainer
):
    body = post(api(other_therapist), exported, unpartnered_trainer).json()

    assert ("import", "handoff", body["handoff"]["id"]) in set(
        AccessLog.objects.filter(actor=other_therapist).values_list(
            "action", "object_type", "object_id"
        )
    )


# --- The therapist's overrides ------------------------------------------------------------------------


@pytest.fixture
def overridden(people) -> Handoff:
    """A sent handoff whose split squat (item 1) the therapist allows despite the knee limit."""
    from handoff.tests import builders

    return builders.sent(**people, spec=knee_limit_packet())


def last_override_path(bundle: dict[str, Any]) -> str:
    """The path of the CarePlan's last override extension."""
    plan = entry_index(bundle, "CarePlan")
    extensions = bundle["entry"][plan]["resource"]["extension"]
    found = [i for i, e in enumerate(extensions) if e["url"] == codes.EXT_OVERRIDE][-1]
    return f"entry[{plan}].resource.extension[{found}]"


def test_an_override_and_its_reason_come_across_into_the_draft(
    api, overridden, other_therapist, unpartnered_trainer
):
    bundle = as_json(export_bundle(overridden, party="therapist"))

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 201, response.json()
    draft = Handoff.objects.get(pk=response.json()["handoff"]["id"])
    original, imported = latest_spec(overridden), latest_spec(draft)
    assert imported.overrides == original.overrides
    assert [(o.item, o.restriction, o.reason) for o in imported.overrides] == [
        (1, 2, "To 70 degrees only, practised in clinic.")
    ]
    assert imported == original
    assert response.json()["unmapped"] == []


def _override_part(part: int, key: str, value: Any):
    def change(bundle: dict[str, Any]) -> dict[str, Any]:
        plan = bundle["entry"][entry_index(bundle, "CarePlan")]["resource"]
        override = next(e for e in plan["extension"] if e["url"] == codes.EXT_OVERRIDE)
        override["extension"][part] = {"url": override["extension"][part]["url"], key: value}
        return bundle

    return change


def _without_reason(bundle):
    plan = bundle["entry"][entry_index(bundle, "CarePlan")]["resource"]
    override = next(e for e in plan["extension"] if e["url"] == codes.EXT_OVERRIDE)
    override["extension"] = override["extension"][:2]
    return bundle


def _twice(bundle):
    plan = bundle["entry"][entry_index(bundle, "CarePlan")]["resource"]
    override = next(e for e in plan["extension"] if e["url"] == codes.EXT_OVERRIDE)
    plan["extension"].append(copy.deepcopy(override))
    return bundle


OVERRIDE_ERRORS = {
    "item not in the bundle": (
        _override_part(0, "valueId", "program-item-9"),
        ".extension[0].valueId",
        "No activity of the CarePlan has the id 'program-item-9'.",
    ),
    "restriction not in the bundle": (
        _override_part(1, "valueId", "restriction-7"),
        ".extension[1].valueId",
        "No activity of the CarePlan has the id 'restriction-7'.",
    ),
    "item names a restriction": (
        _override_part(0, "valueId", "restriction-1"),
        ".extension[0].valueId",
        "The activity 'restriction-1' is not a program item.",
    ),
    "restriction names a program item": (
        _override_part(1, "valueId", "program-item-2"),
        ".extension[1].valueId",
        "The activity 'program-item-2' is not a restriction.",
    ),
    "blank reason": (
        _override_part(2, "valueString", "   "),
        ".extension[2].valueString",
        "Give the reason for allowing it.",
    ),
    "reason too long": (
        _override_part(2, "valueString", "x" * 501),
        ".extension[2].valueString",
        "At most 500 characters.",
    ),
    "no reason": (_without_reason, ".extension", "An override needs its reason."),
    "the same override twice": (
        _twice,
        "",
        "This program item and restriction are overridden twice.",
    ),
}


@pytest.mark.parametrize("case", OVERRIDE_ERRORS, ids=list(OVERRIDE_ERRORS))
def test_a_bad_override_gets_400_naming_the_element_and_nothing_is_written(
    api, overridden, other_therapist, unpartnered_trainer, case
):
    change, element, message = OVERRIDE_ERRORS[case]
    bundle = change(as_json(export_bundle(overridden, party="therapist")))
    before = written()

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 400, response.json()
    assert response.json() == {last_override_path(bundle) + element: [message]}
    assert written() == before


def test_an_override_of_a_restriction_kept_as_text_is_kept_as_text_too(
    api, overridden, other_therapist, unpartnered_trainer
):
    bundle = as_json(export_bundle(overridden, party="therapist"))
    plan = bundle["entry"][entry_index(bundle, "CarePlan")]["resource"]
    (limit,) = [a for a in plan["activity"] if a["id"] == "restriction-2"]
    limit["detail"]["extension"][0]["extension"][1]["valueCoding"]["code"] = "deep_squat_jumps"

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 201, response.json()
    draft = latest_spec(Handoff.objects.get(pk=response.json()["handoff"]["id"]))
    assert draft.overrides == ()
    assert len(draft.restrictions) == 1
    texts = [u["text"] for u in response.json()["unmapped"]]
    assert (
        "Override: Split squat is allowed despite “Keep loaded knee bends to 90 degrees”: "
        "To 70 degrees only, practised in clinic." in texts
    )


# --- Matching the patient ----------------------------------------------------------------------------


def test_a_second_import_matches_the_patient_by_identifier(
    api, exported, other_therapist, unpartnered_trainer
):
    first = post(api(other_therapist), exported, unpartnered_trainer).json()
    second = post(api(other_therapist), exported, unpartnered_trainer).json()

    assert second["patient"] == {"id": first["patient"]["id"], "matched_by": "identifier"}
    assert Patient.objects.filter(clinic__name="Summit Rehab").count() == 1


def test_importing_into_the_same_clinic_matches_baton_s_own_patient(
    api, exported, therapist, trainer, worked_handoff
):
    body = post(api(therapist), exported, trainer).json()

    assert body["patient"] == {"id": worked_handoff.patient_id, "matched_by": "identifier"}


def test_matches_a_patient_by_name_birth_date_and_email(
    api, exported, other_therapist, unpartnered_trainer, summit, worked_handoff
):
    alex = worked_handoff.patient
    existing = PatientFactory(
        clinic=summit,
        first_name="ALEX",
        last_name="morgan",
        date_of_birth=alex.date_of_birth,
        email=alex.email.upper(),
    )

    body = post(api(other_therapist), exported, unpartnered_trainer).json()

    assert body["patient"] == {"id": existing.pk, "matched_by": "name_birth_date_email"}


def test_never_matches_a_patient_of_another_clinic(
    api, exported, other_therapist, unpartnered_trainer, worked_handoff
):
    riverside_patients = set(Patient.objects.filter(clinic=worked_handoff.clinic))

    body = post(api(other_therapist), exported, unpartnered_trainer).json()

    created = Patient.objects.get(pk=body["patient"]["id"])
    assert created.clinic.name == "Summit Rehab"
    assert created not in riverside_patients
    assert set(Patient.objects.filter(clinic=worked_handoff.clinic)) == riverside_patients


# --- An EHR's own bundle -----------------------------------------------------------------------------


def ehr_bundle(**request_extra: Any) -> dict[str, Any]:
    """A referral as an EHR that knows only FHIR and the PA IG would send it."""
    request = {
        "resourceType": "ServiceRequest",
        "id": "ref-1",
        "status": "active",
        "intent": "order",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes",
                        "code": "PhysicalActivity",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "390893007"}]},
        "subject": {"reference": "Patient/p-1"},
        "authoredOn": "2026-11-20",
        "requester": {"reference": "Practitioner/dr-1"},
        "performer": [{"reference": "Practitioner/coach-1"}],
        "reasonCode": [{"text": "Left shoulder, 4 months after rotator cuff repair"}],
        **request_extra,
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:1", "resource": request},
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p-1",
                    "identifier": [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "MRN-77"}],
                    "name": [{"family": "Rivera", "given": ["Morgan"]}],
                    "birthDate": "1979-03-14",
                    "telecom": [{"system": "email", "value": "morgan.rivera@mail.example"}],
                }
            },
            {
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "dr-1",
                    "name": [{"text": "Dr Lee"}],
                }
            },
            {
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "coach-1",
                    "telecom": [{"system": "email", "value": "trainer@peak.test"}],
                }
            },
        ],
    }


def test_an_ehr_referral_becomes_a_draft_for_the_performer_it_names(
    api, other_therapist, unpartnered_trainer
):
    response = post(api(other_therapist), ehr_bundle())

    assert response.status_code == 201, response.json()
    body = response.json()
    draft = Handoff.objects.get(pk=body["handoff"]["id"])
    assert draft.trainer == unpartnered_trainer
    version = draft.versions.get()
    assert version.condition == "Left shoulder, 4 months after rotator cuff repair"
    assert str(version.cleared_on) == "2026-11-20"
    assert version.clearance_level == "with_restrictions"
    assert any("clearance level" in n for n in body["notices"])
    assert PatientIdentifier.objects.filter(patient=draft.patient, value="MRN-77").exists()


def test_what_the_import_cannot_map_is_listed_and_kept_as_text(
    api, other_therapist, unpartnered_trainer
):
    bundle = ehr_bundle(note=[{"text": "Avoid overhead work until January."}])
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Goal",
                "id": "g-1",
                "lifecycleStatus": "active",
                "description": {"text": "Swim 1 km without pain"},
                "subject": {"reference": "Patient/p-1"},
            }
        }
    )

    body = post(api(other_therapist), bundle, unpartnered_trainer).json()

    assert {
        "path": "entry[0].resource.note[0]",
        "text": "Avoid overhead work until January.",
    } in body["unmapped"]
    assert {"path": "entry[4].resource", "text": "Goal: Swim 1 km without pain"} in body["unmapped"]
    notes = Handoff.objects.get(pk=body["handoff"]["id"]).versions.get().notes_for_trainer
    assert "Avoid overhead work until January." in notes
    assert "Swim 1 km without pain" in notes


def test_a_trainer_cannot_import(api, trainer):
    response = post(api(trainer), ehr_bundle())

    assert response.status_code == 403


def test_a_trainer_without_a_partnership_is_refused_and_nothing_is_written(
    api, other_therapist, trainer
):
    before = written()

    response = post(api(other_therapist), ehr_bundle(), trainer)

    assert response.status_code == 400
    assert "trainer" in response.json()
    assert written() == before


def test_an_unknown_trainer_id_is_refused(api, other_therapist):
    response = api(other_therapist).post(f"{IMPORT}?trainer=99999", ehr_bundle(), format="json")

    assert response.status_code == 400
    assert response.json() == {"trainer": ["No trainer with this id."]}


def test_the_fhir_media_type_is_accepted(api, other_therapist, unpartnered_trainer):
    response = api(other_therapist).post(
        import_url(unpartnered_trainer),
        json.dumps(ehr_bundle()),
        content_type="application/fhir+json",
    )

    assert response.status_code == 201


# --- Every error path: 400 naming the path, nothing written -----------------------------------------


def _set(path: list[Any], value: Any):
    def change(bundle: dict[str, Any]) -> Any:
        node = bundle
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return bundle

    return change


def _only_the_patient(bundle):
    bundle["entry"] = [bundle["entry"][entry_index(bundle, "Patient")]]
    bundle["entry"][0]["resource"].pop("managingOrganization")
    return bundle


def _subject_to_organization(bundle):
    organization = bundle["entry"][entry_index(bundle, "Organization")]["resource"]
    bundle["entry"][0]["resource"]["subject"]["reference"] = f"Organization/{organization['id']}"
    return bundle


def _sets_out_of_range(bundle):
    plan = bundle["entry"][entry_index(bundle, "CarePlan")]["resource"]
    plan["activity"][0]["detail"]["extension"][0]["extension"][0]["valuePositiveInt"] = 25
    return bundle


ERRORS = {
    "not a bundle": (lambda b: [b], "resourceType"),
    "wrong resource type": (_set(["resourceType"], "Patient"), "resourceType"),
    "no entries": (_set(["entry"], []), "entry"),
    "entries not a list": (_set(["entry"], {"a": 1}), "entry"),
    "entry without a resource": (_set(["entry", 1], {"fullUrl": "urn:x"}), "entry[1].resource"),
    "unknown resource type": (
        _set(["entry", 2, "resource", "resourceType"], "Trainee"),
        "entry[2].resource.resourceType",
    ),
    "unresolved subject": (
        _set(["entry", 0, "resource", "subject", "reference"], "Patient/nobody"),
        "entry[0].resource.subject",
    ),
    "malformed reference": (
        _set(["entry", 0, "resource", "subject", "reference"], 5),
        "entry[0].resource.subject.reference",
    ),
    "bad birth date": (
        _set(["entry", 2, "resource", "birthDate"], "1990-13-01"),
        "entry[2].resource.birthDate",
    ),
    "unknown element": (
        _set(["entry", 0, "resource", "colour"], "red"),
        "entry[0].resource.colour",
    ),
    "bad bundle type": (_set(["type"], 7), "type"),
    "no referral": (_only_the_patient, "entry"),
    "subject not a patient": (_subject_to_organization, "entry[0].resource.subject"),
    "patient without a name": (
        _set(["entry", 2, "resource", "name"], [{"text": "Alex"}]),
        "entry[2].resource.name",
    ),
    "bad patient email": (
        _set(["entry", 2, "resource", "telecom", 0, "value"], "not-an-email"),
        "entry[2].resource.telecom[0].value",
    ),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_a_bad_bundle_gets_400_naming_the_path_and_nothing_is_written(
    api, exported, other_therapist, unpartnered_trainer, case
):
    change, path = ERRORS[case]
    bundle = change(copy.deepcopy(exported))
    before = written()

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 400, response.json()
    assert path in response.json(), response.json()
    assert written() == before


def test_a_program_item_out_of_range_names_its_path(
    api, exported, other_therapist, unpartnered_trainer
):
    before = written()
    bundle = _sets_out_of_range(copy.deepcopy(exported))
    plan = entry_index(bundle, "CarePlan")

    response = post(api(other_therapist), bundle, unpartnered_trainer)

    assert response.status_code == 400
    assert response.json() == {
        f"entry[{plan}].resource.activity[0].detail.extension[0].extension[0].valuePositiveInt": [
            "Give a number from 1 to 20."
        ]
    }
    assert written() == before


def test_a_body_that_is_not_json_gets_400(api, other_therapist, unpartnered_trainer):
    response = api(other_therapist).post(
        import_url(unpartnered_trainer), "{not json", content_type="application/json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize("who", ["outsider", "clinic_admin", "patient", "gym_admin"])
def test_only_a_therapist_imports(api, request, who):
    user = request.getfixturevalue(who)
    before = written()

    response = post(api(user), ehr_bundle())

    assert response.status_code == 403
    assert written() == before


def test_importing_needs_a_login(api):
    assert post(api(None), ehr_bundle()).status_code == 401
