"""A handoff as a FHIR R4 ``Bundle`` shaped like the Physical Activity IG's post-rehab referral.

Every resource is built on the library's R4B models (which match R4 for these resources) and
so validated as it is made. Ids come from the handoff's and rows' own ids, so the same handoff
exports the same ids every time. What a party may not see is never built: a trainer's bundle has
no date of birth, and a patient's has neither the trainer's check-ins nor the final report
(the same fields as each role's packet serializer). docs/fhir.md has the whole mapping.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any, Literal

from django.db.models import Prefetch, Q
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.consent import ConsentProvision, ConsentProvisionActor, ConsentProvisionData
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.narrative import Narrative
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.patient import PatientContact
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitioner import Practitioner, PractitionerQualification
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task, TaskOutput
from fhir.resources.R4B.timing import Timing, TimingRepeat

from accounts.models import User
from clinics.models import Clinic, ClinicMembership, Patient
from exercises.vocabularies import BodyRegion, Pattern
from gyms.models import Gym, GymMembership
from handoff.models import (
    CheckIn,
    Consent,
    FinalReport,
    Handoff,
    HandoffEvent,
    PacketVersion,
    ProgramItem,
    Restriction,
    SessionLog,
)
from handoff.vocabularies import ClearanceLevel, RestrictionKind, Symptom
from interop import codes
from interop.fhir_types import coding, concept, day, ext, ref, sub_extensions

Party = Literal["therapist", "trainer", "patient"]
Status = Handoff.Status
Action = HandoffEvent.Action


# --- Ids ------------------------------------------------------------------------------------------


def service_request_id(handoff: Handoff) -> str:
    return f"handoff-{handoff.pk}"


def task_id(handoff: Handoff) -> str:
    return f"handoff-{handoff.pk}-task"


def condition_id(handoff: Handoff) -> str:
    return f"handoff-{handoff.pk}-condition"


def care_plan_id(handoff: Handoff) -> str:
    return f"handoff-{handoff.pk}-careplan"


def report_id(handoff: Handoff) -> str:
    return f"handoff-{handoff.pk}-final-report"


def strength_days_id(handoff: Handoff) -> str:
    return f"handoff-{handoff.pk}-strength-days"


def program_item_element_id(order: int) -> str:
    """The element id of a program item's ``CarePlan.activity`` (its 1-based position)."""
    return f"program-item-{order}"


def restriction_element_id(order: int) -> str:
    """The element id of a restriction's ``CarePlan.activity`` (its 1-based position)."""
    return f"restriction-{order}"


def patient_id(patient: Patient) -> str:
    return f"patient-{patient.pk}"


def practitioner_id(user: User) -> str:
    return f"user-{user.pk}"


def therapist_role_id(handoff: Handoff) -> str:
    return f"therapist-{handoff.therapist_id}-clinic-{handoff.clinic_id}"


def trainer_role_id(handoff: Handoff) -> str:
    return f"trainer-{handoff.trainer_id}-gym-{handoff.gym_id}"


def clinic_id(clinic: Clinic) -> str:
    return f"clinic-{clinic.pk}"


def gym_id(gym: Gym) -> str:
    return f"gym-{gym.pk}"


# --- What one export reads --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportData:
    """Everything a bundle is built from, read once."""

    handoff: Handoff
    party: Party
    version: PacketVersion
    consent: Consent | None
    session_logs: list[SessionLog]
    check_ins: list[CheckIn]
    final_report: FinalReport | None
    events: list[HandoffEvent]
    clinic_membership: ClinicMembership | None
    gym_membership: GymMembership | None


def load(handoff: Handoff, *, party: Party) -> ExportData:
    """Read what the bundle needs (``handoff`` came from ``access_handoff``)."""
    version = (
        handoff.versions.order_by("-number")
        .prefetch_related(
            Prefetch("program", ProgramItem.objects.select_related("exercise").order_by("order")),
            Prefetch("restrictions", Restriction.objects.order_by("order")),
        )
        .first()
    )
    assert version is not None  # noqa: S101 - every handoff is created with version 1
    consents = Consent.objects.filter(patient_id=handoff.patient_id, gym_id=handoff.gym_id).filter(
        Q(trainer__isnull=True) | Q(trainer_id=handoff.trainer_id)
    )
    staff = party != "patient"
    return ExportData(
        handoff=handoff,
        party=party,
        version=version,
        consent=consents.order_by("-granted_at", "-id").first(),
        session_logs=list(handoff.session_logs.order_by("date", "id")),
        check_ins=list(handoff.check_ins.order_by("date", "id")) if staff else [],
        final_report=FinalReport.objects.filter(handoff=handoff).first() if staff else None,
        events=list(handoff.events.order_by("at", "id")),
        clinic_membership=ClinicMembership.objects.filter(
            user_id=handoff.therapist_id, clinic_id=handoff.clinic_id
        ).first(),
        gym_membership=GymMembership.objects.filter(
            user_id=handoff.trainer_id, gym_id=handoff.gym_id
        )
        .prefetch_related("certifications")
        .first(),
    )


# --- The bundle -----------------------------------------------------------------------------------------


def export_bundle(handoff: Handoff, *, party: Party) -> Bundle:
    """The handoff as a ``collection`` Bundle, holding only what ``party`` may see."""
    data = load(handoff, party=party)
    resources: list[DomainResource] = [
        service_request(data),
        task(data),
        patient(data),
        *people(data),
        condition(data),
        care_plan(data),
    ]
    if data.consent is not None:
        resources.append(consent(data))
    resources.extend(observations(data))
    if data.final_report is not None:
        resources.append(final_report(data))
    return Bundle(
        id=f"handoff-{handoff.pk}-bundle",
        identifier=Identifier(system=codes.handoff_id_system(), value=str(handoff.pk)),
        type="collection",
        timestamp=handoff.updated_at,
        entry=[entry(resource) for resource in resources],
    )


def export_task(handoff: Handoff, *, party: Party) -> Task:
    """The referral's Task alone: what an EHR polls to follow the handoff's state."""
    return task(load(handoff, party=party))


def entry(resource: DomainResource) -> BundleEntry:
    kind = resource.get_resource_type()
    return BundleEntry(fullUrl=f"{codes.site_base()}/{kind}/{resource.id}", resource=resource)


# --- The referral and its Task ------------------------------------------------------------------------


def _authored(handoff: Handoff) -> datetime.datetime:
    return handoff.sent_at or handoff.created_at


def service_request(data: ExportData) -> ServiceRequest:
    """The PA referral: category, code, reason, requester, performer and occurrence period."""
    handoff, version = data.handoff, data.version
    period = None
    if version.cleared_on is not None:
        period = Period(
            start=day(version.cleared_on),
            end=day(data.consent.expires_on if data.consent else None),
        )
    return ServiceRequest(
        id=service_request_id(handoff),
        identifier=[Identifier(system=codes.handoff_id_system(), value=str(handoff.pk))],
        extension=clearance_extension(version) or None,
        status=codes.SERVICE_REQUEST_STATUS[handoff.status],
        intent="original-order",
        category=[concept(codes.PA_CATEGORY), concept(codes.PT_PROCEDURE_CATEGORY)],
        priority="routine",
        code=concept(codes.REFERRAL_CODE, text="Referral to a personal trainer after rehab"),
        subject=ref("Patient", patient_id(handoff.patient), handoff.patient.name),
        occurrencePeriod=period,
        authoredOn=_authored(handoff),
        requester=ref("PractitionerRole", therapist_role_id(handoff), handoff.therapist.name),
        performer=[ref("PractitionerRole", trainer_role_id(handoff), handoff.trainer.name)],
        # pa-sr-1 needs a reasonCode or a reasonReference: both, the text always present.
        reasonCode=[concept(text=version.condition or "Discharged from physical therapy")],
        reasonReference=[ref("Condition", condition_id(handoff))],
        supportingInfo=[ref("CarePlan", care_plan_id(handoff))],
    )


def clearance_extension(version: PacketVersion) -> list[Extension]:
    """The clearance and discharge summary, field by field (no FHIR element holds them)."""
    level = (
        coding(
            (
                codes.CLEARANCE_LEVEL,
                version.clearance_level,
                ClearanceLevel(version.clearance_level).label,
            )
        )
        if version.clearance_level
        else None
    )
    parts = sub_extensions(
        {
            "cleared-on": ("valueDate", version.cleared_on),
            "level": ("valueCoding", level),
            "surgery-date": ("valueDate", version.surgery_date),
            "discharge-reason": ("valueString", version.discharge_reason),
            "visits-completed": ("valueUnsignedInt", version.visits_completed),
            "goals-met": ("valueString", version.goals_met),
            "goals-open": ("valueString", version.goals_open),
            "can-do-now": ("valueString", version.can_do_now),
            "goals": ("valueString", version.goals),
            "notes-for-trainer": ("valueString", version.notes_for_trainer),
        }
    )
    return [ext(codes.EXT_CLEARANCE, extension=parts)] if parts else []


def _last_event(data: ExportData, *actions: str) -> HandoffEvent | None:
    matching = [e for e in data.events if e.action in actions]
    return matching[-1] if matching else None


def status_reason(data: ExportData) -> str | None:
    """Why the Task is rejected, on hold, cancelled or failed (pa-taskrm-1), else None."""
    handoff = data.handoff
    if codes.TASK_STATUS[handoff.status] not in codes.TASK_STATUSES_WITH_REASON:
        return None
    if handoff.status == Status.EXPIRED:
        return "The trainer did not answer in time."
    if handoff.status == Status.REVOKED:
        return "The patient's consent to share the packet was revoked or expired."
    action: str = {
        Status.DECLINED: Action.DECLINED,
        Status.WITHDRAWN: Action.WITHDRAWN,
        Status.REFERRED_BACK: Action.REFERRED_BACK,
    }[Status(handoff.status)]
    event = _last_event(data, action)
    fallback = {
        Status.DECLINED: "Declined by the trainer.",
        Status.WITHDRAWN: "Withdrawn by the therapist.",
        Status.REFERRED_BACK: "Referred back to the therapist.",
    }[Status(handoff.status)]
    return (event.note if event is not None else "") or fallback


BUSINESS_STATUS = {
    Status.DRAFT: "Draft: not sent yet",
    Status.SENT: "Sent: waiting for the trainer's answer",
    Status.ACCEPTED: "Accepted: training under way",
    Status.DECLINED: "Declined by the trainer",
    Status.EXPIRED: "Expired without an answer",
    Status.WITHDRAWN: "Withdrawn by the therapist",
    Status.REFERRED_BACK: "Referred back: training paused until the therapist resumes it",
    Status.COMPLETED: "Completed",
    Status.REVOKED: "Closed: the patient's consent was revoked",
}


def task(data: ExportData) -> Task:
    """The PA Task for referral management, its status mapped from the handoff's state."""
    handoff = data.handoff
    status = codes.TASK_STATUS[handoff.status]
    reason = status_reason(data)
    output = None
    if data.final_report is not None:
        output = [
            TaskOutput(
                type=concept(codes.RESULTING_ACTIVITY),
                valueReference=ref("DiagnosticReport", report_id(handoff)),
            )
        ]
    execution = None
    if handoff.accepted_at is not None:
        execution = Period(start=handoff.accepted_at, end=handoff.closed_at)
    resource = Task(
        id=task_id(handoff),
        identifier=[Identifier(system=codes.handoff_id_system(), value=str(handoff.pk))],
        status=status,
        statusReason=concept(text=reason) if reason else None,
        businessStatus=concept(text=BUSINESS_STATUS[Status(handoff.status)]),
        intent="order",
        priority="routine",
        code=concept(codes.TASK_FULFILL),
        focus=ref("ServiceRequest", service_request_id(handoff)),
        executionPeriod=execution,
        authoredOn=_authored(handoff),
        lastModified=handoff.updated_at,
        requester=ref("PractitionerRole", therapist_role_id(handoff), handoff.therapist.name),
        owner=ref("PractitionerRole", trainer_role_id(handoff), handoff.trainer.name),
        note=[check_in_note(handoff, c) for c in data.check_ins] or None,
        output=output,
    )
    # Set after construction: the element is ``for``, a Python keyword.
    resource.for_fhir = ref("Patient", patient_id(handoff.patient), handoff.patient.name)
    return resource


def check_in_note(handoff: Handoff, check_in: CheckIn) -> Annotation:
    """A trainer's check-in as the Task's progress note (the PA Task: author and time)."""
    parts = [f"Check-in {check_in.date.isoformat()}: {check_in.sessions_attended} sessions."]
    parts.append(check_in.progress)
    if check_in.symptoms:
        parts.append("Symptoms: " + ", ".join(_symptom_label(s) for s in check_in.symptoms) + ".")
    if check_in.note:
        parts.append(check_in.note)
    return Annotation(
        authorReference=ref("Practitioner", f"user-{check_in.author_id}"),
        time=check_in.created_at,
        text=" ".join(parts),
    )


def _symptom_label(code: str) -> str:
    return Symptom(code).label if code in Symptom.values else code


# --- People and organisations -------------------------------------------------------------------------


def patient(data: ExportData) -> FhirPatient:
    """The patient; the trainer's copy never carries the date of birth (DESIGN §4)."""
    record = data.handoff.patient
    telecom = [
        ContactPoint(system=system, value=value, use="home")
        for system, value in (("email", record.email), ("phone", record.phone))
        if value
    ]
    contact = None
    if record.emergency_contact:
        contact = [
            PatientContact(
                relationship=[concept(text="Emergency contact")],
                name=HumanName(text=record.emergency_contact),
            )
        ]
    return FhirPatient(
        id=patient_id(record),
        identifier=[Identifier(system=codes.patient_id_system(), value=str(record.pk))],
        name=[
            HumanName(
                use="official",
                family=record.last_name,
                given=[record.first_name],
                text=record.name,
            )
        ],
        telecom=telecom or None,
        birthDate=record.date_of_birth if data.party != "trainer" else None,
        contact=contact,
        managingOrganization=ref("Organization", clinic_id(data.handoff.clinic)),
    )


def _practitioner(user: User, qualifications: list[PractitionerQualification]) -> Practitioner:
    return Practitioner(
        id=practitioner_id(user),
        name=[HumanName(text=user.name)] if user.name else None,
        telecom=[ContactPoint(system="email", value=user.email, use="work")],
        qualification=qualifications or None,
    )


def _organization(resource_id: str, org: Clinic | Gym, kind: str) -> Organization:
    telecom = [
        ContactPoint(system=system, value=value, use="work")
        for system, value in (("phone", org.phone), ("email", org.email))
        if value
    ]
    return Organization(
        id=resource_id, name=org.name, type=[concept(text=kind)], telecom=telecom or None
    )


def people(data: ExportData) -> list[DomainResource]:
    """Practitioner, PractitionerRole and Organization of both sides."""
    handoff = data.handoff
    pt_quals = []
    if data.clinic_membership is not None and data.clinic_membership.licence_number:
        pt_quals.append(
            PractitionerQualification(
                identifier=[Identifier(value=data.clinic_membership.licence_number)],
                code=concept(
                    text=data.clinic_membership.credential or "Licensed physical therapist"
                ),
            )
        )
    trainer_quals = []
    if data.gym_membership is not None:
        trainer_quals = [
            PractitionerQualification(
                identifier=[Identifier(value=c.number)],
                code=concept(text=c.get_body_display()),
                period=Period(end=day(c.expires_on)),
            )
            for c in data.gym_membership.certifications.all()
        ]
    return [
        _practitioner(handoff.therapist, pt_quals),
        PractitionerRole(
            id=therapist_role_id(handoff),
            practitioner=ref("Practitioner", practitioner_id(handoff.therapist)),
            organization=ref("Organization", clinic_id(handoff.clinic), handoff.clinic.name),
            code=[concept(text="Physical therapist")],
        ),
        _organization(clinic_id(handoff.clinic), handoff.clinic, "Physical therapy clinic"),
        _practitioner(handoff.trainer, trainer_quals),
        PractitionerRole(
            id=trainer_role_id(handoff),
            practitioner=ref("Practitioner", practitioner_id(handoff.trainer)),
            organization=ref("Organization", gym_id(handoff.gym), handoff.gym.name),
            code=[concept(text="Personal trainer")],
        ),
        _organization(gym_id(handoff.gym), handoff.gym, "Gym"),
    ]


# --- The packet -------------------------------------------------------------------------------------------


def condition(data: ExportData) -> Condition:
    """The condition in lay terms: the words the trainer reads, no diagnosis code."""
    handoff = data.handoff
    return Condition(
        id=condition_id(handoff),
        clinicalStatus=concept(
            ("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")
        ),
        category=[concept((codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))],
        code=concept(text=data.version.condition or "Not given yet (draft)"),
        subject=ref("Patient", patient_id(handoff.patient)),
        recordedDate=data.version.created_at,
        asserter=ref("PractitionerRole", therapist_role_id(handoff)),
    )


def care_plan(data: ExportData) -> CarePlan:
    """The home program and the restrictions, with the red flags, the pain ceiling and the
    therapist's overrides."""
    handoff, version = data.handoff, data.version
    status = codes.ACTIVITY_STATUS[handoff.status]
    program, restrictions = list(version.program.all()), list(version.restrictions.all())
    activities = [program_activity(item, status) for item in program]
    activities += [restriction_activity(r, status) for r in restrictions]
    red_flags = [
        ext(codes.EXT_RED_FLAG, valueCoding=coding((codes.SYMPTOM, code, _symptom_label(code))))
        for code in version.red_flags
    ]
    stop_rule = (
        f"Stop and refer back if pain goes above {version.pain_ceiling}/10 during exercise"
        + (
            " or on: " + ", ".join(_symptom_label(c) for c in version.red_flags) + "."
            if version.red_flags
            else "."
        )
    )
    paragraphs = [stop_rule, *_override_texts(version, program, restrictions)]
    return CarePlan(
        id=care_plan_id(handoff),
        meta=Meta(versionId=str(version.number), lastUpdated=version.created_at),
        extension=[
            *red_flags,
            ext(codes.EXT_PAIN_CEILING, valueInteger=version.pain_ceiling),
            *[override_extension(o) for o in version.overrides],
        ],
        status=codes.CARE_PLAN_STATUS[handoff.status],
        intent="plan",
        category=[concept(codes.PA_CATEGORY)],
        # The stop rule and the overrides as narrative: generated from the extensions.
        text=Narrative(
            status="generated",
            div='<div xmlns="http://www.w3.org/1999/xhtml">'
            + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            + "</div>",
        ),
        title="Home exercise program and restrictions",
        subject=ref("Patient", patient_id(handoff.patient)),
        period=Period(start=day(version.cleared_on)) if version.cleared_on else None,
        created=version.created_at,
        author=ref("PractitionerRole", therapist_role_id(handoff)),
        addresses=[ref("Condition", condition_id(handoff))],
        activity=activities or None,
    )


def override_extension(override: dict[str, Any]) -> Extension:
    """The therapist allows a program item despite a restriction: both named by the element id
    of their activity in this CarePlan, with the reason."""
    return ext(
        codes.EXT_OVERRIDE,
        extension=sub_extensions(
            {
                "program-item": ("valueId", program_item_element_id(override["item"])),
                "restriction": ("valueId", restriction_element_id(override["restriction"])),
                "reason": ("valueString", override["reason"]),
            }
        ),
    )


def _override_texts(
    version: PacketVersion, program: list[ProgramItem], restrictions: list[Restriction]
) -> list[str]:
    """Each override in words, for the CarePlan's narrative."""
    names = {item.order: item.name for item in program}
    texts = {r.order: r.text for r in restrictions}
    found = []
    for override in version.overrides:
        item = names.get(override["item"], f"Program item {override['item']}")
        text = texts.get(override["restriction"], f"restriction {override['restriction']}")
        found.append(f"{item} is allowed despite “{text}”: {override['reason']}")
    return found


def _program_text(item: ProgramItem) -> str:
    dose = (
        f"{item.sets} x {item.reps} reps" if item.reps else f"{item.sets} x {item.hold_seconds} s"
    )
    parts = [f"{item.name}: {dose}"]
    if item.load:
        parts.append(item.load)
    parts.append(f"{item.per_week} times a week")
    text = ", ".join(parts) + "."
    if item.cues:
        text += f" Cues: {item.cues}"
    if item.progression:
        text += f" Progression: {item.progression}"
    return text


def program_activity(item: ProgramItem, status: str) -> CarePlanActivity:
    exercise = [(codes.EXERCISE, item.exercise.slug, item.exercise.name)] if item.exercise else []
    return CarePlanActivity(
        id=program_item_element_id(item.order),
        detail=CarePlanActivityDetail(
            extension=[
                ext(
                    codes.EXT_PROGRAM_ITEM,
                    extension=sub_extensions(
                        {
                            "sets": ("valuePositiveInt", item.sets),
                            "reps": ("valuePositiveInt", item.reps),
                            "hold-seconds": ("valuePositiveInt", item.hold_seconds),
                            "load": ("valueString", item.load),
                            "cues": ("valueString", item.cues),
                            "progression": ("valueString", item.progression),
                        }
                    ),
                )
            ],
            code=concept(*exercise, text=item.name),
            status=status,
            scheduledTiming=Timing(
                repeat=TimingRepeat(frequency=item.per_week, period=Decimal(1), periodUnit="wk")
            ),
            description=_program_text(item),
        ),
    )


def limit_quantity(restriction: Restriction) -> Quantity | None:
    if restriction.limit_value is None:
        return None
    ucum, label = codes.UCUM_UNITS[restriction.limit_unit]
    return Quantity(value=restriction.limit_value, unit=label, system=codes.UCUM, code=ucum)


def restriction_activity(restriction: Restriction, status: str) -> CarePlanActivity:
    """A restriction: its kind, region and pattern as codes, its text always present."""
    region = pattern = None
    if restriction.body_region:
        region = coding(
            (codes.BODY_REGION, restriction.body_region, BodyRegion(restriction.body_region).label)
        )
    if restriction.pattern:
        pattern = coding(
            (codes.MOVEMENT_PATTERN, restriction.pattern, Pattern(restriction.pattern).label)
        )
    kind = (codes.RESTRICTION_KIND, restriction.kind, RestrictionKind(restriction.kind).label)
    return CarePlanActivity(
        id=restriction_element_id(restriction.order),
        detail=CarePlanActivityDetail(
            extension=[
                ext(
                    codes.EXT_RESTRICTION,
                    extension=sub_extensions(
                        {
                            "body-region": ("valueCoding", region),
                            "pattern": ("valueCoding", pattern),
                            "limit": ("valueQuantity", limit_quantity(restriction)),
                            "review-on": ("valueDate", restriction.review_on),
                        }
                    ),
                )
            ],
            code=concept(kind, text=restriction.text),
            status=status,
            doNotPerform=restriction.kind in codes.PROHIBITIONS,
            description=restriction.text,
        ),
    )


def consent(data: ExportData) -> FhirConsent:
    """The patient's authorization that allows the disclosure to the trainer's gym."""
    record, handoff = data.consent, data.handoff
    assert record is not None  # noqa: S101 - only called with a consent
    today_active = record.is_active_on(handoff.clinic.today())
    return FhirConsent(
        id=f"consent-{record.pk}",
        status="active" if today_active else "inactive",
        scope=concept(codes.PATIENT_PRIVACY),
        category=[concept(codes.PATIENT_CONSENT)],
        patient=ref("Patient", patient_id(handoff.patient)),
        dateTime=record.granted_at,
        performer=[ref("Patient", patient_id(handoff.patient))],
        organization=[ref("Organization", clinic_id(handoff.clinic))],
        policyRule=concept(codes.HIPAA_AUTHORIZATION, text=record.purpose),
        provision=ConsentProvision(
            type="permit",
            period=Period(start=day(record.signed_on), end=day(record.expires_on)),
            actor=[
                ConsentProvisionActor(
                    role=concept(codes.INFORMATION_RECIPIENT),
                    reference=ref("Organization", gym_id(handoff.gym), handoff.gym.name),
                )
            ],
            data=[
                ConsentProvisionData(
                    meaning="related",
                    reference=ref("ServiceRequest", service_request_id(handoff)),
                )
            ],
        ),
    )


# --- What happened: session logs and the final report ---------------------------------------------------


def observations(data: ExportData) -> list[Observation]:
    handoff = data.handoff
    found: list[Observation] = [pain_observation(handoff, log) for log in data.session_logs]
    summary = strength_days(handoff, data.session_logs)
    if summary is not None:
        found.append(summary)
    return found


def pain_observation(handoff: Handoff, log: SessionLog) -> Observation:
    """Pain on the 0-10 numeric rating scale, as the patient logged it after a session."""
    notes = []
    if log.symptoms:
        notes.append("Symptoms: " + ", ".join(_symptom_label(s) for s in log.symptoms) + ".")
    if not log.completed:
        notes.append("Session not completed.")
    if log.note:
        notes.append(log.note)
    return Observation(
        id=f"session-log-{log.pk}-pain",
        status="final",
        category=[concept(codes.SURVEY_CATEGORY), concept(codes.PA_CATEGORY)],
        code=concept(codes.PAIN_SCORE),
        subject=ref("Patient", patient_id(handoff.patient)),
        effectiveDateTime=day(log.date),
        performer=[ref("Patient", patient_id(handoff.patient))],
        valueInteger=log.pain,
        note=[Annotation(text=" ".join(notes))] if notes else None,
    )


WINDOW_DAYS = 28


def strength_days(handoff: Handoff, logs: Iterable[SessionLog]) -> Observation | None:
    """Days a week with a completed session: the IG's strength days-per-week vital sign.

    Averaged over the four weeks up to the latest completed session (or over the weeks since
    the first, when there are fewer).
    """
    days = sorted({log.date for log in logs if log.completed})
    if not days:
        return None
    last = days[-1]
    window = [d for d in days if (last - d).days < WINDOW_DAYS]
    weeks = max(1, min(WINDOW_DAYS // 7, math.ceil(((last - window[0]).days + 1) / 7)))
    per_week = Decimal(len(window)) / Decimal(weeks)
    return Observation(
        id=strength_days_id(handoff),
        status="final",
        category=[concept(codes.ACTIVITY_CATEGORY), concept(codes.PA_CATEGORY)],
        code=concept(codes.STRENGTH_DAYS_PER_WEEK),
        subject=ref("Patient", patient_id(handoff.patient)),
        effectiveDateTime=day(last),
        performer=[ref("Patient", patient_id(handoff.patient))],
        valueQuantity=Quantity(
            value=per_week.quantize(Decimal("0.1")),
            unit="days per week",
            system=codes.UCUM,
            code="d/wk",
        ),
    )


def final_report(data: ExportData) -> DiagnosticReport:
    """The trainer's final report (the PA Intervention Report) for the therapist."""
    report, handoff = data.final_report, data.handoff
    assert report is not None  # noqa: S101 - only called with a report
    parts = [f"Sessions attended: {report.sessions_attended}.", f"Progress: {report.progress}"]
    if report.symptoms:
        parts.append("Symptoms: " + ", ".join(_symptom_label(s) for s in report.symptoms) + ".")
    if report.note:
        parts.append(report.note)
    return DiagnosticReport(
        id=report_id(handoff),
        basedOn=[ref("ServiceRequest", service_request_id(handoff))],
        status="final",
        category=[concept(codes.PA_CATEGORY)],
        code=concept(codes.CONSULT_NOTE, text="Personal trainer's final report"),
        subject=ref("Patient", patient_id(handoff.patient)),
        effectiveDateTime=report.created_at,
        issued=report.created_at,
        performer=[ref("PractitionerRole", trainer_role_id(handoff))],
        conclusion=" ".join(parts),
        conclusionCode=[concept((codes.SYMPTOM, s, _symptom_label(s))) for s in report.symptoms]
        or None,
    )


def as_json(resource: DomainResource | Bundle) -> dict[str, Any]:
    """The resource as FHIR JSON (the library's serializer: ``for``, not ``for_fhir``)."""
    return json.loads(resource.model_dump_json(exclude_none=True))
