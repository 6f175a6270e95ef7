"""Forms of the organisation admins' pages. Shapes only; the services decide the rules."""

from __future__ import annotations

import secrets
import zoneinfo
from typing import Any

from django import forms

from clinics.models import ClinicMembership
from gyms.models import Certification, GymMembership, Specialty

RED_FLAG_LABELS = {
    "swelling": "Swelling",
    "numbness": "Numbness or tingling",
    "giving_way": "Joint giving way",
    "night_pain": "Pain at night",
    "calf_pain": "Calf pain, warmth or swelling",
    "chest_pain": "Chest pain",
    "shortness_of_breath": "Shortness of breath",
    "dizziness": "Dizziness or fainting",
    "new_weakness": "New weakness",
    "bowel_bladder_change": "Bowel or bladder change",
}
# The six that always escalate apply to every packet: the clinic's defaults add to them.
PACKET_FLAG_CODES = ("swelling", "numbness", "giving_way", "night_pain")


class OnceForm(forms.Form):
    """Carries a token so that a double submit does one thing."""

    once = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("once", secrets.token_urlsafe(16))


class ClinicInviteForm(OnceForm):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=ClinicMembership.Role.choices)
    licence_number = forms.CharField(max_length=64, required=False, help_text="Therapists only.")
    credential = forms.ChoiceField(
        choices=[("", "—"), *ClinicMembership.Credential.choices], required=False
    )


class GymInviteForm(OnceForm):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=GymMembership.Role.choices)
    specialties = forms.MultipleChoiceField(
        choices=Specialty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        min_value=0, max_value=100, initial=5, help_text="Open handoffs the trainer takes at once."
    )


class TrainerForm(OnceForm):
    specialties = forms.MultipleChoiceField(
        choices=Specialty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        min_value=0, max_value=100, help_text="Open handoffs the trainer takes at once."
    )


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ClinicSettingsForm(OnceForm):
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices, help_text="Dates in packets and logs are the clinic's dates."
    )
    default_pain_ceiling = forms.IntegerField(
        min_value=0,
        max_value=10,
        label="Default pain ceiling (0-10)",
        help_text="Pain above this during exercise stops training. 5 is usual.",
    )
    default_red_flags = forms.MultipleChoiceField(
        choices=[(code, RED_FLAG_LABELS[code]) for code in PACKET_FLAG_CODES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Default red flags for new packets",
        help_text=(
            "Chest pain, shortness of breath, dizziness, calf pain, new weakness and bowel or "
            "bladder change always stop training, whatever is ticked here."
        ),
    )
    authorization_text = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Authorization statement",
        help_text="{clinic} and {recipient} are filled in when a patient signs.",
    )
    authorization_information = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Information shared"
    )
    authorization_purpose = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label="Purpose"
    )
    authorization_revocation = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label="Right to revoke"
    )
    authorization_no_conditioning = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Treatment does not depend on signing",
    )
    authorization_redisclosure = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Re-disclosure warning",
    )


class ProposeForm(OnceForm):
    partner = forms.TypedChoiceField(coerce=int, label="Propose a partnership with")

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ChoiceField)  # noqa: S101 - declared above
        partner.choices = [("", "Choose…"), *choices]


class CertificationForm(OnceForm):
    trainer = forms.TypedChoiceField(coerce=int)
    body = forms.ChoiceField(choices=Certification.Body.choices, label="Certifying body")
    number = forms.CharField(max_length=64, label="Certificate number")
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Expires on")

    def __init__(self, *args: Any, trainers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trainer"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "Choose…"), *trainers]


class RenewForm(OnceForm):
    expires_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="New expiry date"
    )
    number = forms.CharField(
        max_length=64, required=False, label="New number", help_text="Only if it changed."
    )
