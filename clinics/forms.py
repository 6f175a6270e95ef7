"""The patient form: the fields ``create_patient`` and ``update_patient`` accept."""

from __future__ import annotations

from django import forms

from clinics.models import Patient

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "preferred_contact",
            "emergency_contact",
            "private_notes",
        ]
        widgets = {
            "date_of_birth": DATE,
            "private_notes": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        labels = {"email": "Email address", "date_of_birth": "Date of birth"}
        help_texts = {
            "email": "Needed to invite the patient to the portal.",
            "emergency_contact": "Name and phone number, e.g. “Sam Doe (partner), 555-0199”.",
            "private_notes": "Seen only by your clinic: never by a trainer or the patient.",
        }


class PatientSearchForm(forms.Form):
    q = forms.CharField(label="Search patients", max_length=100, required=False)
