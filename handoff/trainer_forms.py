"""The forms of the trainer's packet page. They check shapes only; the services decide.

Every action form carries ``seen`` (the status the trainer was looking at, so an action on a
handoff that changed meanwhile is refused, DECISION 0007) and ``once`` (a token that makes a
double submit do one thing).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms

from core.widgets import PYTHON_WIDGETS
from exercises.vocabularies import BodyRegion, Impact, Pattern
from handoff.models import Handoff
from handoff.models.plan import PlanItem
from handoff.vocabularies import ALWAYS_ESCALATE, Symptom
from safety.vocabularies import LoadUnit

SYMPTOM_CHOICES = [(s.value, s.label) for s in Symptom]


class SymptomWidget(forms.CheckboxSelectMultiple):
    """Checkboxes that mark the always-escalate symptoms, for the urgent-care guidance."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        urgent = str(value) in ALWAYS_ESCALATE
        if urgent:
            label = f"{label} (urgent)"
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if urgent:
            option["attrs"]["data-urgent"] = "true"
        return option


class ActionForm(forms.Form):
    # The packet page draws five of these forms, a library's worth of <option>s and five lists
    # of checkboxes on every request: their widgets are written in Python, not templates.
    default_renderer = PYTHON_WIDGETS

    seen = forms.ChoiceField(choices=Handoff.Status.choices, widget=forms.HiddenInput)
    once = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, handoff: Handoff | None = None, **kwargs: Any) -> None:
        if handoff is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "seen": handoff.status,
                "once": secrets.token_urlsafe(16),
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)


def _symptoms(help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=SYMPTOM_CHOICES, required=False, widget=SymptomWidget, help_text=help_text
    )


class AcceptForm(ActionForm):
    pass


class DeclineForm(ActionForm):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The therapist reads this and can send the packet to another trainer.",
    )


class AcknowledgeForm(ActionForm):
    number = forms.IntegerField(min_value=1, max_value=100_000, widget=forms.HiddenInput)


class CheckInForm(ActionForm):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    sessions_attended = forms.IntegerField(
        min_value=0, max_value=500, label="Sessions attended since the last check-in"
    )
    progress = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Progress against the goals, in a few sentences.",
    )
    symptoms = _symptoms("A red flag ticked here refers the patient back to the therapist.")
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferBackForm(ActionForm):
    symptoms = _symptoms()
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What happened",
        help_text="What you saw and when: the therapist reads this first.",
    )


class MessageForm(ActionForm):
    body = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Message to the therapist"
    )


class CompleteForm(ActionForm):
    sessions_attended = forms.IntegerField(min_value=0, max_value=5000)
    progress = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Progress against the goals",
    )
    symptoms = _symptoms("Red flags cannot be in a final report: refer the patient back instead.")
    note = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- The trainer's plan (issue 12's services) -------------------------------------------------------


def _exercise_choices() -> list[tuple[str, str]]:
    from exercises.models import Exercise

    rows = Exercise.objects.order_by("name").values_list("pk", "name")
    return [("", "Your own exercise (describe it below)"), *((str(pk), name) for pk, name in rows)]


class PlanItemForm(ActionForm):
    exercise = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Exercise from the library",
        help_text="Its body regions, movement patterns and impact come with it.",
    )
    name = forms.CharField(max_length=120, required=False, label="Or your own exercise: name")
    body_regions = forms.MultipleChoiceField(
        choices=BodyRegion.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    patterns = forms.MultipleChoiceField(
        choices=Pattern.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Movement patterns",
    )
    impact = forms.ChoiceField(choices=[("", "—"), *Impact.choices], required=False)
    sets = forms.IntegerField(min_value=1, max_value=20)
    reps = forms.IntegerField(min_value=1, max_value=100, required=False)
    seconds = forms.IntegerField(
        min_value=1, max_value=3600, required=False, label="Or seconds", help_text="For holds."
    )
    load_value = forms.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, label="Load"
    )
    load_unit = forms.ChoiceField(
        choices=[("", "—"), *LoadUnit.choices], required=False, label="Load unit"
    )
    load = forms.CharField(
        max_length=100, required=False, label="Load in words", help_text="e.g. light band"
    )
    per_week = forms.IntegerField(min_value=1, max_value=14, label="Times a week")
    notes = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    exception_reason = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the patient should do it anyway",
        help_text="Only when it breaks a restriction: the therapist is asked to allow it.",
    )

    SPEC_FIELDS = PlanItem.SPEC_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exercise = self.fields["exercise"]
        assert isinstance(exercise, forms.ChoiceField)  # noqa: S101 - declared above
        exercise.choices = _exercise_choices()

    def spec_data(self) -> dict[str, object]:
        data = {name: self.cleaned_data.get(name) for name in self.SPEC_FIELDS}
        return {k: v for k, v in data.items() if v not in ("", None, [])}


class PlanItemRefForm(ActionForm):
    item = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)


class PlanExceptionForm(PlanItemRefForm):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the patient should do it anyway",
    )
