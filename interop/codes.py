"""Code systems, codes and extension addresses the FHIR exchange uses (docs/fhir.md).

The IG's codes were checked against the HL7 Physical Activity IG (STU 1, v1.0.0) sources:
its ``Planning.fsh`` profiles (PA ServiceRequest, PA Task for Referral Management,
PA DiagnosticReport, PA CarePlan), its ``Vocabulary.fsh`` value sets and its exercise vital sign
profiles. Baton's own vocabularies get code systems under one fixed canonical base, so that two
Baton sites (and any EHR that reads docs/fhir.md) read the same codes.
"""

from __future__ import annotations

from django.conf import settings

from handoff.models import Handoff

# --- Code systems -----------------------------------------------------------------------------------

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PA_TEMPORARY = "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
SDOHCC_TEMPORARY = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_POLICY = "http://terminology.hl7.org/CodeSystem/consentpolicycodes"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

# Baton's canonical base: extension and code-system addresses, the same on every Baton site.
BATON = "https://baton.example/fhir"
CLEARANCE_LEVEL = f"{BATON}/CodeSystem/clearance-level"
RESTRICTION_KIND = f"{BATON}/CodeSystem/restriction-kind"
BODY_REGION = f"{BATON}/CodeSystem/body-region"
MOVEMENT_PATTERN = f"{BATON}/CodeSystem/movement-pattern"
SYMPTOM = f"{BATON}/CodeSystem/symptom"
EXERCISE = f"{BATON}/CodeSystem/exercise"

EXT_CLEARANCE = f"{BATON}/StructureDefinition/clearance"
EXT_PROGRAM_ITEM = f"{BATON}/StructureDefinition/program-item"
EXT_RESTRICTION = f"{BATON}/StructureDefinition/restriction"
EXT_RED_FLAG = f"{BATON}/StructureDefinition/red-flag"
EXT_PAIN_CEILING = f"{BATON}/StructureDefinition/pain-ceiling"
EXT_OVERRIDE = f"{BATON}/StructureDefinition/override"

# --- The IG's codes -----------------------------------------------------------------------------------

# PA ServiceRequest: category[PA] is fixed; category[USCore] is required from
# PAServiceRequestCategory, of which a PT's post-rehab referral is a physical therapy procedure.
PA_CATEGORY = (PA_TEMPORARY, "PhysicalActivity", "Physical Activity")
PT_PROCEDURE_CATEGORY = (SNOMED, "91251008", "Physical therapy procedure")
# From PAServiceRequestInterventions (extensible).
REFERRAL_CODE = (SNOMED, "390893007", "Referral to physical activity program")
# PA Task for Referral Management: code is fixed to fulfill; the output slice's type is fixed.
TASK_FULFILL = (TASK_CODE, "fulfill", "Fulfill the focal request")
RESULTING_ACTIVITY = (SDOHCC_TEMPORARY, "resulting-activity", "Resulting Activity")
# PA DiagnosticReport: code from PADiagnosticReportType (extensible).
CONSULT_NOTE = (LOINC, "11488-4", "Consult note")
# Observations.
PAIN_SCORE = (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
STRENGTH_DAYS_PER_WEEK = (LOINC, "82291-6", "Frequency of muscle-strengthening physical activity")
ACTIVITY_CATEGORY = (OBSERVATION_CATEGORY, "activity", "Activity")
SURVEY_CATEGORY = (OBSERVATION_CATEGORY, "survey", "Survey")
# Consent (FHIR R4 core vocabularies).
PATIENT_CONSENT = (LOINC, "59284-0", "Patient Consent")
PATIENT_PRIVACY = (CONSENT_SCOPE, "patient-privacy", "Privacy Consent")
HIPAA_AUTHORIZATION = (CONSENT_POLICY, "hipaa-auth", "HIPAA Authorization")
INFORMATION_RECIPIENT = (PARTICIPATION_TYPE, "IRCP", "information recipient")

# --- Status mapping (DESIGN §5a) ---------------------------------------------------------------------

Status = Handoff.Status

TASK_STATUS: dict[str, str] = {
    Status.DRAFT: "draft",
    Status.SENT: "requested",
    Status.ACCEPTED: "in-progress",
    Status.DECLINED: "rejected",
    Status.EXPIRED: "failed",
    Status.WITHDRAWN: "cancelled",
    Status.REVOKED: "cancelled",
    Status.REFERRED_BACK: "on-hold",
    Status.COMPLETED: "completed",
}
# The PA Task invariant pa-taskrm-1: a reason exactly when the Task is one of these.
TASK_STATUSES_WITH_REASON = frozenset({"rejected", "on-hold", "cancelled", "failed"})

# PAServiceRequestStatus allows draft | active | on-hold | revoked | completed. A referral that
# ended without being carried out (declined, expired, withdrawn, consent revoked) is revoked:
# only its author's side changes it, and Baton's reassignment makes a new request.
SERVICE_REQUEST_STATUS: dict[str, str] = {
    Status.DRAFT: "draft",
    Status.SENT: "active",
    Status.ACCEPTED: "active",
    Status.REFERRED_BACK: "on-hold",
    Status.COMPLETED: "completed",
    Status.DECLINED: "revoked",
    Status.EXPIRED: "revoked",
    Status.WITHDRAWN: "revoked",
    Status.REVOKED: "revoked",
}

# CarePlan.activity.detail.status for the program and restrictions.
ACTIVITY_STATUS: dict[str, str] = {
    Status.DRAFT: "not-started",
    Status.SENT: "scheduled",
    Status.ACCEPTED: "in-progress",
    Status.REFERRED_BACK: "on-hold",
    Status.COMPLETED: "completed",
    Status.DECLINED: "cancelled",
    Status.EXPIRED: "cancelled",
    Status.WITHDRAWN: "stopped",
    Status.REVOKED: "stopped",
}

CARE_PLAN_STATUS: dict[str, str] = {
    Status.DRAFT: "draft",
    Status.SENT: "active",
    Status.ACCEPTED: "active",
    Status.REFERRED_BACK: "on-hold",
    Status.COMPLETED: "completed",
    Status.DECLINED: "revoked",
    Status.EXPIRED: "revoked",
    Status.WITHDRAWN: "revoked",
    Status.REVOKED: "revoked",
}

# Baton's limit units as UCUM (a one-to-one map, so an import reads them back).
UCUM_UNITS: dict[str, tuple[str, str]] = {
    "kg": ("kg", "kg"),
    "lb": ("[lb_av]", "lb"),
    "deg": ("deg", "degrees"),
    "percent_bodyweight": ("%", "% of body weight"),
    "minutes": ("min", "minutes"),
    "reps": ("{reps}", "repetitions"),
}
UNIT_FROM_UCUM = {ucum: unit for unit, (ucum, _label) in UCUM_UNITS.items()}

# Avoiding a pattern and "no impact" are prohibitions: doNotPerform is true for them.
PROHIBITIONS = frozenset({"avoid_pattern", "no_impact"})


def site_base() -> str:
    """The address resources are named under (fullUrl) and the base of Baton's identifiers."""
    return f"{settings.SITE_URL}/fhir"


def patient_id_system() -> str:
    return f"{site_base()}/sid/patient"


def handoff_id_system() -> str:
    return f"{site_base()}/sid/handoff"
