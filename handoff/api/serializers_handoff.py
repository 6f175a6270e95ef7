"""How a handoff looks on the wire, one serializer per role, each with an explicit field list.

- The therapist sees everything, the patient's date of birth and private notes included.
- The trainer sees what training needs (design §4): the patient's name and contact details and
  emergency contact, never the date of birth or the clinic's private notes.
- The patient sees their own record without the clinic's private notes.

The packet itself (``current_version``) is the same for every role: it is what was disclosed.
Read-only: nothing here validates or writes. Inputs are in ``serializers_handoff_input``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from clinics.models import Patient, patient_fields_for
from exercises.vocabularies import BodyRegion, Pattern
from handoff.models import (
    Consent,
    FinalReport,
    Handoff,
    HandoffEvent,
    PacketVersion,
    ProgramItem,
    Restriction,
)
from handoff.selectors.packets import consent_status, latest_version
from handoff.services import checks
from handoff.vocabularies import ClearanceLevel, LimitUnit, RestrictionKind, Symptom
from notifications.kinds import Kind
from notifications.models import Delivery
from safety.checker import CheckResult
from safety.vocabularies import LoadUnit, Severity


def _clinic_today(version: PacketVersion) -> datetime.date:
    """The clinic's today, for "the review was due on …" (the handoff comes with the version)."""
    return version.handoff.clinic.today()


# --- Vocabularies ---------------------------------------------------------------------------------
# Each vocabulary is one named schema component, whatever the field that uses it is called
# (``red_flags``, ``symptoms``, ``added``…), so clients get one enum per vocabulary.


def _enum(choices: type[models.TextChoices], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(choices.values), "description": description}


@extend_schema_field(
    _enum(Symptom, "A red-flag symptom code (docs/api.md)."), component_name="Symptom"
)
class GymSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SymptomField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Symptom.choices, **kwargs)


@extend_schema_field(
    _enum(RestrictionKind, "A restriction kind (docs/api.md)."), component_name="RestrictionKind"
)
class RestrictionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(RestrictionKind.choices, **kwargs)


@extend_schema_field(
    _enum(Handoff.Status, "Where the handoff is in its lifecycle (design §3)."),
    component_name="HandoffStatus",
)
class HandoffStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Handoff.Status.choices, **kwargs)


@extend_schema_field(
    _enum(Kind, "The kind of notification, as in notifications/."),
    component_name="NotificationKind",
)
class NotificationKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Kind.choices, **kwargs)


class CodeField(serializers.ChoiceField):
    """An optional vocabulary code: stored as "", written as null on the wire.

    On input, null and "" both mean "none" (the packet spec then takes its default, "").
    """

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(choices, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


# --- People -----------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "name"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "name", "email"]
        read_only_fields = fields


class HandoffTrainerSerializer(serializers.Serializer):
    """The trainer, at the gym the handoff was addressed to (read from the handoff itself)."""

    id = serializers.IntegerField(source="trainer_id")
    name = serializers.CharField(source="trainer.name")
    email = serializers.EmailField(source="trainer.email")
    gym = GymSummarySerializer()


class PatientForTherapistSerializer(serializers.ModelSerializer[Patient]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        fields = patient_fields_for("therapist")
        read_only_fields = fields


class PatientForTrainerSerializer(serializers.ModelSerializer[Patient]):
    """Never the date of birth and never the clinic's private notes (design §4)."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        fields = patient_fields_for("trainer")
        read_only_fields = fields


class PatientForPatientSerializer(serializers.ModelSerializer[Patient]):
    """The patient's own record, without the clinic's private notes."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        fields = patient_fields_for("patient")
        read_only_fields = fields


# --- The packet -----------------------------------------------------------------------------------


class ClearanceSerializer(serializers.ModelSerializer[PacketVersion]):
    level = serializers.ChoiceField(source="clearance_level", choices=ClearanceLevel.choices)

    class Meta:
        model = PacketVersion
        fields = [
            "cleared_on",
            "level",
            "condition",
            "surgery_date",
            "discharge_reason",
            "visits_completed",
            "goals_met",
            "goals_open",
            "can_do_now",
            "goals",
            "notes_for_trainer",
        ]
        read_only_fields = fields


class ProgramItemSerializer(serializers.ModelSerializer[ProgramItem]):
    exercise = serializers.IntegerField(
        source="exercise_id", allow_null=True, help_text="The library exercise, or null."
    )
    instructions = serializers.SerializerMethodField()
    load_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    load_unit = CodeField(LoadUnit.choices, allow_blank=False)

    class Meta:
        model = ProgramItem
        fields = [
            "exercise",
            "name",
            "instructions",
            "sets",
            "reps",
            "hold_seconds",
            "load",
            "load_value",
            "load_unit",
            "per_week",
            "cues",
            "progression",
            "order",
        ]
        read_only_fields = fields

    def get_instructions(self, item: ProgramItem) -> str:
        """The library exercise's instructions; "" for a free-text item."""
        return item.exercise.instructions if item.exercise is not None else ""


class RestrictionSerializer(serializers.ModelSerializer[Restriction]):
    kind = RestrictionKindField()
    body_region = CodeField(BodyRegion.choices, allow_blank=False)
    pattern = CodeField(Pattern.choices, allow_blank=False)
    limit_unit = CodeField(LimitUnit.choices, allow_blank=False)
    limit_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Restriction
        fields = [
            "kind",
            "body_region",
            "pattern",
            "limit_value",
            "limit_unit",
            "text",
            "review_on",
        ]
        read_only_fields = fields


@extend_schema_field(ClearanceSerializer(allow_null=True))
class ClearanceField(serializers.Field):
    """The version's clearance, null while a draft has none; one serializer for every row."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)
        self.clearance = ClearanceSerializer()

    def to_representation(self, version: PacketVersion) -> dict[str, Any] | None:
        if version.cleared_on is None:
            return None
        return dict(self.clearance.to_representation(version))


class SafetyConflictSerializer(serializers.Serializer):
    """A program or plan item that breaks a restriction (the safety checker's answer)."""

    item = serializers.IntegerField(
        allow_null=True,
        help_text="The program item's order, the plan item's id, or the position in a check.",
    )
    restriction = serializers.IntegerField(help_text="The restriction's order in the packet.")
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        help_text="`block`: not allowed without an override or exception; `warn`: check by hand.",
    )
    message = serializers.CharField(help_text="Why, in a sentence a trainer understands.")


class UncheckedSerializer(serializers.Serializer):
    """An item or a restriction the checker could not compare, and why."""

    item = serializers.IntegerField(allow_null=True)
    restriction = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class OverrideSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="The program item's order.")
    restriction = serializers.IntegerField(help_text="The restriction's order.")
    reason = serializers.CharField()
    message = serializers.CharField(
        help_text="For the trainer: who allows what despite which restriction, and why."
    )


class PacketSerializer(serializers.ModelSerializer[PacketVersion]):
    created_by = PersonSerializer()
    clearance = ClearanceField()
    program = ProgramItemSerializer(many=True)
    restrictions = RestrictionSerializer(many=True)
    red_flags = serializers.ListField(child=SymptomField())
    conflicts = serializers.SerializerMethodField(
        help_text="The program against the packet's own restrictions (overridden ones too)."
    )
    unchecked = serializers.SerializerMethodField(
        help_text="Items or restrictions the checker could not compare, with why."
    )
    overrides = serializers.SerializerMethodField(
        help_text="Conflicts the therapist allows, with their reason."
    )

    class Meta:
        model = PacketVersion
        fields = [
            "number",
            "created_at",
            "created_by",
            "change_note",
            "clearance",
            "program",
            "restrictions",
            "red_flags",
            "pain_ceiling",
            "conflicts",
            "unchecked",
            "overrides",
        ]
        read_only_fields = fields

    def _check(self, version: PacketVersion) -> CheckResult:
        # Computed once per version per serializer: conflicts and unchecked share it.
        cache = self.__dict__.setdefault("_checked", {})
        if version.pk not in cache:
            cache[version.pk] = checks.check_version(version, today=_clinic_today(version))
        return cache[version.pk]

    @extend_schema_field(SafetyConflictSerializer(many=True))
    def get_conflicts(self, version: PacketVersion) -> list[dict[str, object]]:
        return checks.conflict_dicts(self._check(version).conflicts)

    @extend_schema_field(UncheckedSerializer(many=True))
    def get_unchecked(self, version: PacketVersion) -> list[dict[str, object]]:
        return [u.as_dict() for u in self._check(version).unchecked]

    @extend_schema_field(OverrideSerializer(many=True))
    def get_overrides(self, version: PacketVersion) -> list[dict[str, Any]]:
        return checks.override_notes(version)


# --- The handoff ------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer[HandoffEvent]):
    actor = PersonSerializer(allow_null=True, help_text="Null: the system did it.")
    from_status = HandoffStatusField()
    to_status = HandoffStatusField()

    class Meta:
        model = HandoffEvent
        fields = ["at", "actor", "action", "from_status", "to_status", "note"]
        read_only_fields = fields


class ConsentSummarySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["active", "none", "revoked", "expired"])
    expires_on = serializers.DateField(allow_null=True)


class DeliveryProblemSerializer(serializers.ModelSerializer[Delivery]):
    recipient = PersonSerializer(source="notification.recipient")
    kind = NotificationKindField(source="notification.kind")

    class Meta:
        model = Delivery
        fields = ["recipient", "kind", "failed_at"]
        read_only_fields = fields


@extend_schema_field(PacketSerializer(allow_null=True))
class CurrentVersionField(serializers.Field):
    """Always the latest version of the packet.

    One ``PacketSerializer`` serves every row of a list: building a serializer per row cost
    three quarters of the list's time (bench/, "GET handoffs/").
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)
        self.packet = PacketSerializer()

    def to_representation(self, handoff: Handoff) -> dict[str, Any] | None:
        version = latest_version(handoff)
        return self.packet.to_representation(version) if version is not None else None


class _HandoffFields(serializers.ModelSerializer[Handoff]):
    """What every role's handoff has; each role's serializer lists its own fields."""

    status = HandoffStatusField()
    therapist = ContactSerializer()
    trainer = HandoffTrainerSerializer(source="*")
    current_version = CurrentVersionField()
    consent = serializers.SerializerMethodField()
    events = EventSerializer(many=True)
    reassigned_from = serializers.IntegerField(source="reassigned_from_id", allow_null=True)
    reassigned_to = serializers.SerializerMethodField()

    @extend_schema_field(ConsentSummarySerializer)
    def get_consent(self, handoff: Handoff) -> dict[str, Any]:
        state, consent = consent_status(handoff, _consents(handoff))
        return {"state": state, "expires_on": consent.expires_on if consent else None}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reassigned_to(self, handoff: Handoff) -> int | None:
        """The draft this declined or expired handoff was reassigned as, or null."""
        try:
            return handoff.reassigned_to.pk
        except Handoff.DoesNotExist:
            return None


def _consents(handoff: Handoff) -> list[Consent]:
    return list(handoff.patient.consents.all())


class FinalReportSerializer(serializers.ModelSerializer[FinalReport]):
    """The trainer's report when the handoff completed (the FHIR DiagnosticReport)."""

    author = PersonSerializer()
    symptoms = serializers.ListField(child=SymptomField())

    class Meta:
        model = FinalReport
        fields = ["author", "sessions_attended", "progress", "symptoms", "note", "created_at"]
        read_only_fields = fields


class _StaffHandoffFields(_HandoffFields):
    # Handed in by the view as ``context["delivery_problems"]`` (one query per page).
    delivery_problems = serializers.SerializerMethodField(
        help_text="Emails about this handoff that failed for good: the sender's side is told."
    )

    final_report = serializers.SerializerMethodField(
        help_text="The trainer's final report, once the handoff is completed with one."
    )

    @extend_schema_field(FinalReportSerializer(allow_null=True))
    def get_final_report(self, handoff: Handoff) -> dict[str, Any] | None:
        try:
            report = handoff.final_report
        except FinalReport.DoesNotExist:
            return None
        return dict(
            self._nested("_report_serializer", FinalReportSerializer).to_representation(report)
        )

    @extend_schema_field(DeliveryProblemSerializer(many=True))
    def get_delivery_problems(self, handoff: Handoff) -> list[dict[str, Any]]:
        problems = self.context.get("delivery_problems", {}).get(handoff.pk, [])
        serializer = self._nested("_problem_serializer", DeliveryProblemSerializer)
        return [
            dict(serializer.to_representation(p)) for p in problems if self.concerns_me(handoff, p)
        ]

    def _nested(self, name: str, serializer_class: type[serializers.Serializer]) -> Any:
        """One nested serializer per list, not one per row."""
        serializer = self.__dict__.get(name)
        if serializer is None:
            serializer = self.__dict__[name] = serializer_class()
        return serializer

    def concerns_me(self, handoff: Handoff, delivery: Delivery) -> bool:
        return True


class TherapistHandoffSerializer(_StaffHandoffFields):
    """The therapist's handoff: everything, the patient's date of birth and private notes too."""

    patient = PatientForTherapistSerializer()

    class Meta:
        model = Handoff
        fields = [
            "id",
            "status",
            "patient",
            "therapist",
            "trainer",
            "created_at",
            "sent_at",
            "respond_by",
            "current_version",
            "acknowledged_version",
            "consent",
            "events",
            "reassigned_from",
            "reassigned_to",
            "delivery_problems",
            "final_report",
        ]
        read_only_fields = fields


class TrainerHandoffSerializer(_StaffHandoffFields):
    """The trainer's handoff: the patient's contact details, never date of birth or notes."""

    patient = PatientForTrainerSerializer()

    def concerns_me(self, handoff: Handoff, delivery: Delivery) -> bool:
        # Emails to the therapist (the trainer's other side) and to the trainer; failures to
        # the patient are the clinic's business.
        return delivery.notification.recipient_id in (handoff.therapist_id, handoff.trainer_id)

    class Meta:
        model = Handoff
        fields = [
            "id",
            "status",
            "patient",
            "therapist",
            "trainer",
            "created_at",
            "sent_at",
            "respond_by",
            "current_version",
            "acknowledged_version",
            "consent",
            "events",
            "reassigned_from",
            "reassigned_to",
            "delivery_problems",
            "final_report",
        ]
        read_only_fields = fields


class PatientHandoffSerializer(_HandoffFields):
    """The patient's own handoff: their record without the clinic's private notes."""

    patient = PatientForPatientSerializer()

    class Meta:
        model = Handoff
        fields = [
            "id",
            "status",
            "patient",
            "therapist",
            "trainer",
            "created_at",
            "sent_at",
            "respond_by",
            "current_version",
            "acknowledged_version",
            "consent",
            "events",
            "reassigned_from",
            "reassigned_to",
        ]
        read_only_fields = fields
