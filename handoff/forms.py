"""Forms of the handoff pages: one per builder step, and the actions on a handoff.

Forms only check the shape of what was typed (types, ranges, required fields, fields that go
together); the services decide everything else and their refusals are shown next to the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django import forms

from exercises.vocabularies import BodyRegion, Pattern
from handoff.vocabularies import (
    ALWAYS_ESCALATE,
    ClearanceLevel,
    LimitUnit,
    RestrictionKind,
    Symptom,
)
from safety.vocabularies import LoadUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OPTIONAL_SYMPTOMS = [
    (code, label) for code, label in Symptom.choices if code not in ALWAYS_ESCALATE
]
ALWAYS_SYMPTOMS = [(code, label) for code, label in Symptom.choices if code in ALWAYS_ESCALATE]


def _text(
    max_length: int, *, label: str, required: bool = False, rows: int = 3, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PatientStepForm(forms.Form):
    patient = forms.TypedChoiceField(label="Patient", coerce=int, empty_value=None)

    def __init__(self, *args: Any, patients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["patient"]).choices = [
            ("", "Choose a patient…"),
            *patients,
        ]


class ClearanceForm(forms.Form):
    cleared_on = forms.DateField(label="Cleared on", widget=DATE)
    level = forms.ChoiceField(label="Clearance", choices=[("", "Choose…"), *ClearanceLevel.choices])
    condition = forms.CharField(
        label="Condition",
        max_length=300,
        help_text="e.g. “Right knee, 5 months after ACL reconstruction”.",
    )
    surgery_date = forms.DateField(label="Surgery date", widget=DATE, required=False)
    discharge_reason = forms.CharField(label="Reason for discharge", max_length=300, required=False)
    visits_completed = forms.IntegerField(
        label="Visits completed", min_value=0, max_value=1000, required=False
    )
    goals_met = _text(2000, label="Goals met")
    goals_open = _text(2000, label="Goals still open")
    can_do_now = _text(2000, label="What the patient can do now")
    goals = _text(2000, label="Goals for training")
    notes_for_trainer = _text(2000, label="Notes for the trainer")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cleared, surgery = data.get("cleared_on"), data.get("surgery_date")
        if cleared and surgery and surgery > cleared:
            self.add_error("surgery_date", "The surgery date cannot be after the clearance date.")
        return data


class ProgramItemForm(forms.Form):
    exercise = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1
    )
    name = forms.CharField(label="Exercise", max_length=120, required=False)
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=20)
    reps = forms.IntegerField(label="Reps", min_value=1, max_value=100, required=False)
    hold_seconds = forms.IntegerField(
        label="Hold (seconds)", min_value=1, max_value=600, required=False
    )
    load = forms.CharField(
        label="Load in words",
        max_length=100,
        required=False,
        help_text="e.g. “bodyweight”, “8 kg dumbbell”, “RPE 6”.",
    )
    load_value = forms.DecimalField(
        label="Load",
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text="A number, so a load cap can be checked.",
    )
    load_unit = forms.ChoiceField(
        label="Load unit", choices=[("", "—"), *LoadUnit.choices], required=False
    )
    per_week = forms.IntegerField(label="Days per week", min_value=1, max_value=14)
    cues = _text(1000, label="Cues", rows=2)
    progression = _text(1000, label="Progression", rows=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("reps") is None
            and data.get("hold_seconds") is None
            and "reps" not in self.errors
        ):
            self.add_error("reps", "Give reps, a hold time, or both.")
        if data.get("load_value") is not None and not data.get("load_unit"):
            self.add_error("load_unit", "Give the unit of the load.")
        if (
            data.get("load_unit")
            and data.get("load_value") is None
            and "load_value" not in self.errors
        ):
            self.add_error("load_value", "Give the load's value, or no unit.")
        if not (data.get("name") or "").strip() and data.get("exercise") is None:
            self.add_error("name", "Name the exercise.")
        return data


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label="Exercise name", max_length=100, required=False)
    region = forms.ChoiceField(
        label="Body region", choices=[("", "Any region"), *BodyRegion.choices], required=False
    )
    pattern = forms.ChoiceField(
        label="Movement pattern", choices=[("", "Any pattern"), *Pattern.choices], required=False
    )


class RestrictionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose…"), *RestrictionKind.choices])
    body_region = forms.ChoiceField(
        label="Body region", choices=[("", "—"), *BodyRegion.choices], required=False
    )
    pattern = forms.ChoiceField(
        label="Movement pattern", choices=[("", "—"), *Pattern.choices], required=False
    )
    limit_value = forms.DecimalField(
        label="Limit", min_value=Decimal(0), max_digits=7, decimal_places=2, required=False
    )
    limit_unit = forms.ChoiceField(
        label="Unit", choices=[("", "—"), *LimitUnit.choices], required=False
    )
    text = forms.CharField(
        label="In plain words",
        max_length=500,
        help_text="What the trainer reads, e.g. “No jumping or landing drills”.",
    )
    review_on = forms.DateField(label="Review on", widget=DATE, required=False)

    def __init__(self, *args: Any, cleared_on: datetime.date | None = None, **kwargs: Any) -> None:
        self.cleared_on = cleared_on
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value, unit = data.get("limit_value"), data.get("limit_unit")
        if value is not None and not unit:
            self.add_error("limit_unit", "Give the unit of the limit.")
        if unit and value is None and "limit_value" not in self.errors:
            self.add_error("limit_value", "Give the limit's value, or no unit.")
        review = data.get("review_on")
        if review and self.cleared_on and review <= self.cleared_on:
            self.add_error(
                "review_on",
                f"The review date must be after the clearance date ({self.cleared_on:%d %b %Y}).",
            )
        return data


class SafetyForm(forms.Form):
    red_flags = forms.MultipleChoiceField(
        label="Also stop training for",
        choices=OPTIONAL_SYMPTOMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your clinic's defaults are ticked.",
    )
    pain_ceiling = forms.IntegerField(
        label="Pain ceiling (0 to 10)",
        min_value=0,
        max_value=10,
        help_text="Pain above this score during or after a session stops training and refers the patient back.",
    )


class TrainerForm(forms.Form):
    trainer = forms.TypedChoiceField(
        label="Trainer", coerce=int, widget=forms.RadioSelect, empty_value=None
    )

    def __init__(self, *args: Any, trainers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["trainer"]).choices = trainers


class ConsentForm(forms.Form):
    signed_on = forms.DateField(label="Date on the signed paper form", widget=DATE)
    expires_on = forms.DateField(
        label="Expires on",
        widget=DATE,
        required=False,
        help_text="Leave empty for the standard term.",
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_signed_on(self) -> datetime.date:
        day = self.cleaned_data["signed_on"]
        if day > self.today:
            raise forms.ValidationError("The signing date cannot be later than today.")
        return day


class ChangeNoteForm(forms.Form):
    change_note = forms.CharField(
        label="What changed, for the trainer",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Actions on a handoff --------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResumeForm(forms.Form):
    note = forms.CharField(
        label="Why training can resume", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    to_patient = forms.BooleanField(label="Also show this message to the patient", required=False)


class ReassignForm(forms.Form):
    trainer = forms.TypedChoiceField(label="New trainer", coerce=int, empty_value=None)

    def __init__(self, *args: Any, trainers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["trainer"]).choices = [
            ("", "Choose a trainer…"),
            *trainers,
        ]


class CompleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="The patient's program with this trainer is finished", required=True
    )
