"""The preferences form: email per kind, time zone, quiet hours and the nudge hour."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms

from notifications.kinds import Kind
from notifications.models import Preference


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


HOURS = [(h, f"{h:02d}:00") for h in range(24)]


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="Send me an email when",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Urgent notices (a patient referred back) are always emailed.",
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices)
    quiet_start = forms.TimeField(
        label="Quiet hours start",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="No emails between these times, except urgent ones. Leave both empty for none.",
    )
    quiet_end = forms.TimeField(
        label="Quiet hours end",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    nudge_hour = forms.TypedChoiceField(
        label="Reminders arrive at",
        choices=HOURS,
        coerce=int,
        help_text="The hour of day for reminders such as a check-in due.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            missing = "quiet_end" if end is None else "quiet_start"
            if missing not in self.errors:
                self.add_error(missing, "Give both times, or leave both empty.")
        elif start is not None and start == end:
            self.add_error("quiet_end", "Quiet hours must end at another time than they start.")
        return data

    @classmethod
    def initial_for(cls, pref: Preference) -> dict[str, Any]:
        return {
            "email_kinds": [kind for kind in Kind.values if pref.wants_email(kind)],
            "time_zone": pref.time_zone,
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
            "nudge_hour": pref.nudge_hour,
        }
