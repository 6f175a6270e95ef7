"""An organisation's admins invite their colleagues (design §1): ``/staff/``.

The page lists the admin's own clinic or gym staff and sends single-use invitation links through
the organisation's invite service. Anyone who is not an admin of a clinic or gym gets a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from clinics.models import ClinicMembership
from clinics.selectors import clinic_staff
from clinics.services import invite_clinic_staff
from core.errors import DomainError
from gyms.models import GymMembership, Specialty
from gyms.selectors import gym_staff
from gyms.services import invite_gym_staff
from organisations.roles import Actor, actor_for


class ClinicInviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=ClinicMembership.Role.choices)
    licence_number = forms.CharField(max_length=64, required=False, help_text="Therapists only.")
    credential = forms.ChoiceField(
        choices=[("", "—"), *ClinicMembership.Credential.choices], required=False
    )


class GymInviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=GymMembership.Role.choices)
    specialties = forms.MultipleChoiceField(
        choices=Specialty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(min_value=0, max_value=100, initial=5)


def _admin(user: User) -> Actor:
    actor = actor_for(user)
    if not actor.is_admin:
        raise Http404("Only an organisation's admins manage its staff.")
    return actor


def _invite(actor: Actor, data: dict[str, Any], by: User) -> None:
    if actor.clinic_membership is not None:
        invite_clinic_staff(actor.clinic_membership.clinic, by=by, **data)
    elif actor.gym_membership is not None:
        invite_gym_staff(actor.gym_membership.gym, by=by, **data)


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    actor = _admin(user)
    form_class = ClinicInviteForm if actor.clinic_membership else GymInviteForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _invite(actor, form.cleaned_data, user)
        except ValidationError as exc:
            by_field = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, errors in by_field.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("staff")
    members = clinic_staff(user) if actor.clinic_membership else gym_staff(user)
    return render(request, "staff/staff.html", {"form": form, "members": members})

