"""What the trainer's plan and the live check take and give (issue 12)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ErrorSerializer
from exercises.vocabularies import BodyRegion, Impact, Pattern
from handoff.api.serializers_handoff import (
    CodeField,
    PersonSerializer,
    SafetyConflictSerializer,
    UncheckedSerializer,
)
from handoff.api.serializers_handoff_input import (
    MAX_ID,
    TextField,
    load_value_field,
    score,
    text,
)
from handoff.models import PlanItem
from safety.vocabularies import LoadUnit

MAX_CHECKED_ITEMS = 50


class ExceptionSerializer(serializers.Serializer):
    reason = serializers.CharField(source="exception_reason", help_text="The trainer's reason.")
    requested_at = serializers.DateTimeField(source="exception_requested_at", allow_null=True)
    note = serializers.CharField(source="exception_note", help_text="The therapist's note.")
    answered_by = PersonSerializer(source="exception_answered_by", allow_null=True)
    answered_at = serializers.DateTimeField(source="exception_answered_at", allow_null=True)


class PlanItemSerializer(serializers.ModelSerializer[PlanItem]):
    exercise = serializers.IntegerField(source="exercise_id", allow_null=True)
    body_regions = serializers.ListField(child=serializers.CharField())
    patterns = serializers.ListField(child=serializers.CharField())
    load_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    load_unit = CodeField(LoadUnit.choices, allow_blank=False)
    conflicts = SafetyConflictSerializer(
        many=True, help_text="Against the packet's latest restrictions; warnings included."
    )
    exception = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = ["id", *PlanItem.SPEC_FIELDS, "status", "conflicts", "exception"]
        read_only_fields = fields

    @extend_schema_field(ExceptionSerializer(allow_null=True))
    def get_exception(self, item: PlanItem) -> dict[str, Any] | None:
        """Null until the trainer asks for one."""
        if not item.exception_reason:
            return None
        return ExceptionSerializer(item).data


def _codes(choices: Any, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), max_length=len(choices), **kwargs
    )


class PlanItemInputSerializer(serializers.Serializer):
    """A library exercise (its name and tags are copied in) or a free-text item, which must
    then give its body regions, patterns and impact so it can be checked."""

    exercise = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="From exercises/."
    )
    name = text(PlanItem, "name")
    body_regions = _codes(BodyRegion.choices, required=False)
    patterns = _codes(Pattern.choices, required=False)
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    sets = score(1, 20)
    reps = score(1, 100, required=False, allow_null=True)
    seconds = score(1, 3600, required=False, allow_null=True)
    load_value = load_value_field()
    load_unit = CodeField(LoadUnit.choices)
    load = text(PlanItem, "load")
    per_week = score(1, 14)
    notes = text(PlanItem, "notes")


class PlanItemWriteSerializer(PlanItemInputSerializer):
    exception_reason = TextField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Asks the therapist for an exception when the item breaks a restriction: "
        "it is then saved as `awaiting_exception` instead of refused.",
    )


class ExceptionRequestInputSerializer(serializers.Serializer):
    reason = TextField(max_length=1000, help_text="Why the patient should do this exercise.")


class ExceptionAnswerInputSerializer(serializers.Serializer):
    note = TextField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="For the trainer; required when refusing.",
    )


class CheckInputSerializer(serializers.Serializer):
    items: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PlanItemInputSerializer(), allow_empty=False, max_length=MAX_CHECKED_ITEMS
    )


class CheckResultSerializer(serializers.Serializer):
    conflicts = SafetyConflictSerializer(
        many=True, help_text="`item` is the position in the request's list (1, 2, …)."
    )
    unchecked = UncheckedSerializer(many=True)


class ProgramConflictsSerializer(ErrorSerializer):
    """409 ``program_conflicts``: the block conflicts that stop the action."""

    conflicts = SafetyConflictSerializer(many=True)
