"""The portal's forms. They parse input only: the handoff services decide."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms

HOW_IT_WENT = [
    ("done", "I did it all"),
    ("partly", "I did part of it"),
    ("skipped", "I skipped it"),
]
PAIN = [(str(n), str(n)) for n in range(11)]
DIFFICULTY = [
    ("", "Don't say"),
    ("2", "Easy"),
    ("4", "Fairly easy"),
    ("6", "Hard"),
    ("8", "Very hard"),
    ("10", "Too hard"),
]


class SessionLogForm(forms.Form):
    date = forms.DateField(
        label="When", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    how = forms.ChoiceField(label="How did it go?", choices=HOW_IT_WENT, widget=forms.RadioSelect)
    pain = forms.TypedChoiceField(
        label="Your worst pain during the session",
        choices=PAIN,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a pain score from 0 to 10."},
    )
    difficulty = forms.TypedChoiceField(
        label="How hard was it?",
        choices=DIFFICULTY,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    symptoms = forms.MultipleChoiceField(
        label="Did you notice any of these?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # One per form shown: a second send of the same form (a double tap, a retry after a
    # dropped connection, a restored offline copy) shows the first result instead of a copy.
    nonce = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    note = forms.CharField(
        label="Anything else? (optional)",
        required=False,
        max_length=900,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, symptoms: list[tuple[str, str]], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = symptoms  # type: ignore[attr-defined]
        self.fields["date"].initial = today
        self.fields["nonce"].initial = uuid.uuid4().hex
        self.fields["date"].widget.attrs["max"] = today.isoformat()

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        note = data["note"].strip()
        prefix = {"partly": "Partly done.", "skipped": "Skipped."}.get(data["how"])
        if prefix:
            note = f"{prefix} {note}".strip()
        return {
            "date": data["date"],
            "completed": data["how"] == "done",
            "pain": data["pain"],
            "difficulty": data["difficulty"],
            "symptoms": data["symptoms"],
            "note": note,
        }


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class GrantConsentForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read this and I agree to share my plan as described.",
        error_messages={"required": "Tick the box to agree, or leave this page."},
    )


class RevokeConsentForm(forms.Form):
    note = forms.CharField(label="Why (optional)", required=False, max_length=400)


HOURS = [(str(h), f"{h:02d}:00") for h in range(24)]


class RemindersForm(forms.Form):
    nudge_hour = forms.TypedChoiceField(label="Remind me at", choices=HOURS, coerce=int)
    quiet = forms.BooleanField(label="Keep quiet hours (no reminders at night)", required=False)
    quiet_start = forms.TimeField(
        label="Quiet from", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label="Quiet until", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("quiet"):
            for name in ("quiet_start", "quiet_end"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give a time, or untick quiet hours.")
            if cleaned.get("quiet_start") is not None and cleaned.get("quiet_start") == cleaned.get(
                "quiet_end"
            ):
                self.add_error("quiet_end", "The end must differ from the start.")
        return cleaned
