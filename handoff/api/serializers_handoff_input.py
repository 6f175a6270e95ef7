"""What the handoff endpoints accept. Each field has its type, range and maximum length (taken
from the model), so bad input is a 400 naming the field before any service runs.

Rules that span fields or need the database (reps or hold seconds, review date after the
clearance, surgery before it, an exercise id that exists, a trainer at a partnered gym, a date
not later than today at the clinic) belong to the services, which raise a ``ValidationError``
naming the field inside their transaction, so nothing they began to write is kept.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from rest_framework import serializers

from accounts.models import User
from clinics.models import Patient
from clinics.selectors import patients_visible_to
from exercises.vocabularies import BodyRegion, Pattern
from gyms.models import GymMembership
from handoff.api.serializers_handoff import CodeField, RestrictionKindField, SymptomField
from handoff.models import (
    CheckIn,
    Consent,
    FinalReport,
    HandoffEvent,
    Message,
    PacketVersion,
    ProgramItem,
    Restriction,
    SessionLog,
)
from handoff.vocabularies import ClearanceLevel, LimitUnit, Symptom
from organisations.roles import actor_for
from organisations.selectors import partnered_gym_ids
from safety.vocabularies import LoadUnit

MAX_PROGRAM_ITEMS = 50
MAX_RESTRICTIONS = 50
MAX_ID = 2**31 - 1  # ids are integer columns: a larger number is no id at all
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def max_length(model: type[models.Model], field: str) -> int:
    """The column's own limit, so the API and the database never disagree."""
    column = model._meta.get_field(field)
    assert isinstance(column, models.Field) and column.max_length  # noqa: S101 - text columns
    return column.max_length


class TextField(serializers.CharField):
    """Text, and only text: DRF would take ``42.5`` for ``"42.5"``; a number is a mistake."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def required_text(model: type[models.Model], field: str, **kwargs: Any) -> TextField:
    """A required text field, as long as the model allows."""
    return TextField(max_length=max_length(model, field), **kwargs)


def text(model: type[models.Model], field: str, **kwargs: Any) -> TextField:
    """An optional text field, as long as the model allows."""
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return required_text(model, field, **kwargs)


class DateField(serializers.DateField):
    """A ``YYYY-MM-DD`` date from 1900 to 2100: date arithmetic on year 1 or 9999 overflows."""

    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError("Give a date between 1900 and 2100.")
        return day


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only: ``"yes"`` or ``1`` is a mistake worth a 400."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def symptom_codes(**kwargs: Any) -> serializers.ListField:
    kwargs.setdefault("required", False)
    return serializers.ListField(
        child=SymptomField(),
        max_length=len(Symptom.choices),
        **kwargs,
    )


def score(low: int, high: int, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=low, max_value=high, **kwargs)


def load_value_field(**kwargs: Any) -> serializers.DecimalField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_null", True)
    return serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, **kwargs)


# --- The packet --------------------------------------------------------------------------------


class ClearanceInputSerializer(serializers.Serializer):
    cleared_on = DateField()
    level = serializers.ChoiceField(choices=ClearanceLevel.choices)
    condition = required_text(PacketVersion, "condition")
    surgery_date = DateField(required=False, allow_null=True)
    discharge_reason = text(PacketVersion, "discharge_reason")
    visits_completed = score(0, 1000, required=False, allow_null=True)
    goals_met = text(PacketVersion, "goals_met")
    goals_open = text(PacketVersion, "goals_open")
    can_do_now = text(PacketVersion, "can_do_now")
    goals = text(PacketVersion, "goals")
    notes_for_trainer = text(PacketVersion, "notes_for_trainer")


class ProgramItemInputSerializer(serializers.Serializer):
    exercise = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="An id from exercises/; its name is copied in when `name` is left out.",
    )
    name = text(ProgramItem, "name")
    sets = score(1, 20)
    reps = score(1, 100, required=False, allow_null=True)
    hold_seconds = score(1, 600, required=False, allow_null=True)
    load = text(ProgramItem, "load", help_text='Free text, e.g. "bodyweight" or "light band".')
    load_value = load_value_field()
    load_unit = CodeField(
        LoadUnit.choices, help_text="With load_value: the load the safety checker compares."
    )
    per_week = score(1, 14)
    cues = text(ProgramItem, "cues")
    progression = text(ProgramItem, "progression")


class OverrideInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        min_value=1, max_value=MAX_PROGRAM_ITEMS, help_text="The program item's position (1, 2, …)."
    )
    restriction = serializers.IntegerField(
        min_value=1, max_value=MAX_RESTRICTIONS, help_text="The restriction's position (1, 2, …)."
    )
    reason = TextField(
        max_length=500,
        trim_whitespace=True,
        help_text="Why the therapist allows it; shown to the trainer. Required.",
    )


class RestrictionInputSerializer(serializers.Serializer):
    kind = RestrictionKindField()
    body_region = CodeField(BodyRegion.choices)
    pattern = CodeField(Pattern.choices)
    limit_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    limit_unit = CodeField(LimitUnit.choices)
    text = required_text(Restriction, "text")
    review_on = DateField(required=False, allow_null=True)


class DraftPacketInputSerializer(serializers.Serializer):
    """A draft's packet: the clearance may wait and the program may be empty (sending is then
    refused with ``packet_incomplete``). The list's order is the program's order."""

    clearance = ClearanceInputSerializer(required=False, allow_null=True)
    program: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=ProgramItemInputSerializer(), required=False, max_length=MAX_PROGRAM_ITEMS
    )
    restrictions: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=RestrictionInputSerializer(), required=False, max_length=MAX_RESTRICTIONS
    )
    red_flags = symptom_codes()
    pain_ceiling = score(
        0, 10, required=False, allow_null=True, help_text="Defaults to the clinic's (5)."
    )
    overrides: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=OverrideInputSerializer(),
        required=False,
        max_length=MAX_PROGRAM_ITEMS * 4,
        help_text="Block conflicts the therapist allows, each with a reason.",
    )


class PacketInputSerializer(DraftPacketInputSerializer):
    """A complete packet: a clearance and at least one program item."""

    clearance = ClearanceInputSerializer()
    program: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=ProgramItemInputSerializer(), allow_empty=False, max_length=MAX_PROGRAM_ITEMS
    )


class NewVersionInputSerializer(PacketInputSerializer):
    change_note = text(PacketVersion, "change_note", help_text="Why the packet changed.")


# --- Creating and editing a draft ------------------------------------------------------------------


class TrainerIdField(serializers.PrimaryKeyRelatedField):
    """A trainer at a gym partnered with the caller's clinic (as in trainers/); anyone else's
    id "does not exist", so the field tells nothing about trainers elsewhere."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self) -> Any:
        actor = actor_for(self.context["request"].user)
        if actor.clinic_id is None:
            return User.objects.none()
        return User.objects.filter(
            is_active=True,
            gym_membership__role=GymMembership.Role.TRAINER,
            gym_membership__gym_id__in=partnered_gym_ids(actor.clinic_id),
        )


class PatientIdField(serializers.PrimaryKeyRelatedField):
    """A patient of the caller's clinic; another clinic's patient "does not exist"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Patient.objects.all(), **kwargs)

    def get_queryset(self) -> Any:
        return patients_visible_to(self.context["request"].user)


class CreateHandoffInputSerializer(serializers.Serializer):
    patient = PatientIdField(help_text="A patient of the caller's clinic (patients/).")
    trainer = TrainerIdField(help_text="A trainer from trainers/.")
    packet = DraftPacketInputSerializer()


class EditDraftInputSerializer(serializers.Serializer):
    trainer = TrainerIdField(required=False, help_text="Address the draft to another trainer.")
    packet = DraftPacketInputSerializer(
        required=False, help_text="Replaces the draft's packet whole."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give a packet, a trainer or both."]}
            )
        return attrs


# --- Actions ----------------------------------------------------------------------------------


def _note(**kwargs: Any) -> TextField:
    return required_text(HandoffEvent, "note", **kwargs)


class ReasonInputSerializer(serializers.Serializer):
    reason = _note(help_text="Shown to the other side.")


class ReferBackInputSerializer(serializers.Serializer):
    reason = _note(help_text="Why the patient needs the therapist.")
    symptoms = symptom_codes()


class ResumeInputSerializer(serializers.Serializer):
    note = _note(help_text="Why training can resume.")


class FinalReportInputSerializer(serializers.Serializer):
    sessions_attended = score(0, 1000)
    progress = required_text(FinalReport, "progress")
    symptoms = symptom_codes()
    note = text(FinalReport, "note")


class CompleteInputSerializer(serializers.Serializer):
    final_report = FinalReportInputSerializer(
        required=False, allow_null=True, help_text="Required when the trainer completes."
    )


class ReassignInputSerializer(serializers.Serializer):
    trainer = TrainerIdField(help_text="Another trainer from trainers/.")


class AcknowledgeInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The latest version's number.")


# --- Consent, session logs, check-ins, messages -----------------------------------------------


class ConsentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=Consent.Method.choices,
        help_text="`recorded` from the therapist (a signed paper form), `portal` from the patient.",
    )
    signed_on = DateField(
        required=False, help_text="Required for `recorded`; a portal signature is dated today."
    )
    expires_on = DateField(required=False, allow_null=True, help_text="Default: a year on.")
    purpose = text(Consent, "purpose", help_text="Default: the clinic's standard purpose.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["method"] == Consent.Method.RECORDED and "signed_on" not in attrs:
            raise serializers.ValidationError(
                {"signed_on": ["Give the date the patient signed the paper form."]}
            )
        return attrs


class RevokeConsentInputSerializer(serializers.Serializer):
    note = text(Consent, "revocation_note")


class SessionLogInputSerializer(serializers.Serializer):
    date = DateField(help_text="Not later than today at the clinic.")
    completed = StrictBooleanField()
    pain = score(0, 10)
    difficulty = score(1, 10, required=False, allow_null=True)
    symptoms = symptom_codes()
    note = text(SessionLog, "note")


class CheckInInputSerializer(serializers.Serializer):
    date = DateField(help_text="Not later than today at the clinic.")
    sessions_attended = score(0, 1000)
    progress = required_text(CheckIn, "progress")
    symptoms = symptom_codes()
    note = text(CheckIn, "note")


class MessageInputSerializer(serializers.Serializer):
    body = required_text(Message, "body")
    to_patient = StrictBooleanField(
        required=False,
        default=False,
        help_text="Staff: show it to the patient too. A patient's messages always are.",
    )
