"""The organisation admins' pages: staff, trainers, certifications, settings, partnerships.

Only an admin of a clinic or a gym reaches them; anyone else gets a 404, and an id that belongs
to another organisation is a 404 too (every object is fetched from the admin's own scope). A
failed form is shown again with the errors by the fields (400); a refusal by a service is shown
as a message (409 or 403); a double submit does one thing.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from clinics.models import Clinic, ClinicMembership
from clinics.selectors import clinic_staff
from clinics.services import (
    deactivate_clinic_staff,
    invite_clinic_staff,
    update_clinic_settings,
)
from core.errors import DomainError
from gyms.models import Certification, Gym, GymMembership
from gyms.selectors import gym_staff
from gyms.services import (
    add_certification,
    deactivate_gym_staff,
    invite_gym_staff,
    renew_certification,
    update_trainer,
)
from organisations import forms_admin as af
from organisations import services as partnership_services
from organisations.models import Partnership
from organisations.roles import Actor, actor_for

ONCE_SECONDS = 24 * 3600
EXPIRING_WITHIN = datetime.timedelta(days=30)


def admin_of(request: HttpRequest) -> tuple[User, Actor]:
    """The admin and their organisation; anyone who is not an organisation's admin: 404."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("These pages are for an organisation's admins.")
    actor = actor_for(user)
    if not actor.is_admin:
        raise Http404("These pages are for an organisation's admins.")
    return user, actor


def _clinic(actor: Actor) -> Clinic:
    if actor.clinic_membership is None:
        raise Http404("This page is for clinic admins.")
    return actor.clinic_membership.clinic


def _gym(actor: Actor) -> Gym:
    if actor.gym_membership is None:
        raise Http404("This page is for gym admins.")
    return actor.gym_membership.gym


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, errors in by_field.items():
        form.add_error(name if name in form.fields else None, errors)


def run_once(
    request: HttpRequest, form: af.OnceForm, action: Callable[[], object], *, done: str
) -> str | None:
    """Run ``action`` once for the form's token. Returns "done", "again" or None (failed).

    Validation errors go next to the fields; a refusal by the domain becomes a message.
    """
    key = f"orgadmin-once:{request.user.pk}:{form.cleaned_data['once']}"
    if not cache.add(key, 1, ONCE_SECONDS):
        messages.info(request, "That was already done; nothing was done twice.")
        return "again"
    try:
        action()
    except ValidationError as exc:
        cache.delete(key)
        add_errors(form, exc)
        return None
    except DomainError as exc:
        cache.delete(key)
        form.add_error(None, exc.detail)
        return None
    messages.success(request, done)
    return "done"


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, failed: bool = False
) -> HttpResponse:
    return render(request, template, context, status=400 if failed else 200)


# --- Home ----------------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _user, actor = admin_of(request)
    organisation = actor.clinic_membership.clinic if actor.clinic_membership else _gym(actor)
    proposals = _partnerships(actor).filter(status=Partnership.Status.PROPOSED)
    context = {
        "organisation": organisation,
        "is_clinic": actor.clinic_membership is not None,
        "proposals_to_answer": [p for p in proposals if _can_accept(actor, p)],
        "certifications": _certification_rows(_gym(actor)) if actor.gym_membership else [],
    }
    return render(request, "orgadmin/home.html", context)


# --- Staff -----------------------------------------------------------------------------------------


def _members(user: User, actor: Actor) -> QuerySet[Any]:
    return clinic_staff(user) if actor.clinic_membership else gym_staff(user)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    user, actor = admin_of(request)
    form_class = af.ClinicInviteForm if actor.clinic_membership else af.GymInviteForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "once"}

        def invite() -> object:
            if actor.clinic_membership:
                return invite_clinic_staff(_clinic(actor), by=user, **data)
            return invite_gym_staff(_gym(actor), by=user, **data)

        outcome = run_once(request, form, invite, done=f"Invitation sent to {data['email']}.")
        if outcome is not None:
            return redirect("orgadmin:staff")
    context = {
        "form": form,
        "members": _members(user, actor),
        "is_clinic": actor.clinic_membership is not None,
        "once": secrets.token_urlsafe(16),
    }
    return _render(request, "orgadmin/staff.html", context, failed=request.method == "POST")


@login_required
@never_cache
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user, actor = admin_of(request)
    member = _members(user, actor).filter(pk=pk).first()
    if member is None:
        raise Http404("No such colleague.")
    form = af.OnceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form was incomplete; nothing was changed.")
        return redirect("orgadmin:staff")

    def run() -> object:
        if isinstance(member, ClinicMembership):
            return deactivate_clinic_staff(member, by=user)
        return deactivate_gym_staff(member, by=user)

    outcome = run_once(request, form, run, done=f"{member.user.name} can no longer log in.")
    if outcome is None:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("orgadmin:staff")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def trainer(request: HttpRequest, pk: int) -> HttpResponse:
    user, actor = admin_of(request)
    _gym(actor)
    member = gym_staff(user).filter(pk=pk, role=GymMembership.Role.TRAINER).first()
    if member is None:
        raise Http404("No such trainer.")
    initial = {"specialties": member.specialties, "capacity": member.capacity}
    form = af.TrainerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = run_once(
            request,
            form,
            lambda: update_trainer(
                member, by=user, specialties=data["specialties"], capacity=data["capacity"]
            ),
            done=f"{member.user.name}'s specialties and capacity were saved.",
        )
        if outcome is not None:
            return redirect("orgadmin:staff")
    context = {"form": form, "member": member}
    return _render(request, "orgadmin/trainer.html", context, failed=request.method == "POST")


# --- Clinic settings ---------------------------------------------------------------------------------

SETTING_FIELDS = tuple(af.ClinicSettingsForm.base_fields.keys() - {"once"})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def clinic_settings(request: HttpRequest) -> HttpResponse:
    user, actor = admin_of(request)
    clinic = _clinic(actor)
    initial = {name: getattr(clinic, name) for name in SETTING_FIELDS}
    form = af.ClinicSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SETTING_FIELDS}
        outcome = run_once(
            request,
            form,
            lambda: update_clinic_settings(clinic, by=user, **fields),
            done="The clinic's settings were saved. Consents already signed keep their text.",
        )
        if outcome is not None:
            return redirect("orgadmin:settings")
    context = {"form": form, "clinic": clinic}
    return _render(request, "orgadmin/settings.html", context, failed=request.method == "POST")


# --- Partnerships --------------------------------------------------------------------------------


def _partnerships(actor: Actor) -> QuerySet[Partnership]:
    queryset = Partnership.objects.select_related("clinic", "gym", "proposed_by")
    if actor.clinic_membership is not None:
        return queryset.filter(clinic=actor.clinic_membership.clinic).order_by("gym__name")
    return queryset.filter(gym=_gym(actor)).order_by("clinic__name")


def _my_side(actor: Actor) -> str:
    return Partnership.Side.CLINIC if actor.clinic_membership else Partnership.Side.GYM


def _can_accept(actor: Actor, partnership: Partnership) -> bool:
    return (
        partnership.status == Partnership.Status.PROPOSED
        and partnership.proposed_by_side != _my_side(actor)
    )


def _propose_choices(actor: Actor) -> list[tuple[int, str]]:
    taken = _partnerships(actor)
    if actor.clinic_membership is not None:
        gyms = Gym.objects.exclude(pk__in=taken.values("gym_id")).order_by("name")
        return [(gym.pk, gym.name) for gym in gyms]
    clinics = Clinic.objects.exclude(pk__in=taken.values("clinic_id")).order_by("name")
    return [(clinic.pk, clinic.name) for clinic in clinics]


PARTNERSHIP_ACTIONS: dict[str, tuple[Callable[..., Partnership], str]] = {
    "accept": (partnership_services.accept_partnership, "The partnership is active."),
    "suspend": (
        partnership_services.suspend_partnership,
        "The partnership is suspended: no new packets go across it.",
    ),
    "reactivate": (partnership_services.reactivate_partnership, "The partnership is active again."),
    "end": (partnership_services.end_partnership, "The partnership has ended."),
}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def partnerships(request: HttpRequest) -> HttpResponse:
    user, actor = admin_of(request)
    form = af.ProposeForm(request.POST or None, choices=_propose_choices(actor))
    if request.method == "POST" and form.is_valid():
        partner_id = form.cleaned_data["partner"]

        def propose() -> Partnership:
            gone = ValidationError({"partner": ["This organisation is no longer in Baton."]})
            if actor.clinic_membership is not None:
                gym = Gym.objects.filter(pk=partner_id).first()
                if gym is None:
                    raise gone
                return partnership_services.propose_partnership(
                    clinic=_clinic(actor), gym=gym, by=user
                )
            clinic = Clinic.objects.filter(pk=partner_id).first()
            if clinic is None:
                raise gone
            return partnership_services.propose_partnership(clinic=clinic, gym=_gym(actor), by=user)

        done = "Proposal sent: the other side's admin accepts it on their partnerships page."
        if run_once(request, form, propose, done=done) is not None:
            return redirect("orgadmin:partnerships")
    rows = [{"partnership": p, "can_accept": _can_accept(actor, p)} for p in _partnerships(actor)]
    context = {
        "form": form,
        "rows": rows,
        "is_clinic": actor.clinic_membership is not None,
        "once": secrets.token_urlsafe(16),
    }
    return _render(request, "orgadmin/partnerships.html", context, failed=request.method == "POST")


@login_required
@never_cache
@require_POST
def partnership_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user, actor = admin_of(request)
    if action not in PARTNERSHIP_ACTIONS:
        raise Http404("No such action.")
    partnership = _partnerships(actor).filter(pk=pk).first()
    if partnership is None:
        raise Http404("No such partnership.")
    form = af.OnceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form was incomplete; nothing was changed.")
        return redirect("orgadmin:partnerships")
    service, done = PARTNERSHIP_ACTIONS[action]
    if run_once(request, form, lambda: service(partnership, by=user), done=done) is None:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("orgadmin:partnerships")


# --- Certifications -----------------------------------------------------------------------------------


def _certification_rows(gym: Gym) -> list[dict[str, Any]]:
    today = gym.today()
    certifications = Certification.objects.filter(trainer__gym=gym).select_related("trainer__user")
    rows = []
    for certification in certifications.order_by("expires_on", "pk"):
        if certification.expires_on < today:
            state = "expired"
        elif certification.expires_on <= today + EXPIRING_WITHIN:
            state = "expiring"
        else:
            state = "valid"
        rows.append({"certification": certification, "state": state})
    return rows


def _trainer_choices(user: User) -> list[tuple[int, str]]:
    trainers = gym_staff(user).filter(role=GymMembership.Role.TRAINER, user__is_active=True)
    return [(member.pk, member.user.name or member.user.email) for member in trainers]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def certifications(request: HttpRequest) -> HttpResponse:
    user, actor = admin_of(request)
    gym = _gym(actor)
    form = af.CertificationForm(request.POST or None, trainers=_trainer_choices(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = gym_staff(user).get(pk=data["trainer"])  # a choice of the admin's own gym
        outcome = run_once(
            request,
            form,
            lambda: add_certification(
                member,
                body=data["body"],
                number=data["number"],
                expires_on=data["expires_on"],
                by=user,
            ),
            done="The certification was recorded.",
        )
        if outcome is not None:
            return redirect("orgadmin:certifications")
    context = {
        "form": form,
        "rows": _certification_rows(gym),
        "today": gym.today(),
        "renew_form": af.RenewForm(),
    }
    return _render(
        request, "orgadmin/certifications.html", context, failed=request.method == "POST"
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    user, actor = admin_of(request)
    gym = _gym(actor)
    certification = (
        Certification.objects.select_related("trainer__user", "trainer__gym")
        .filter(trainer__gym=gym, pk=pk)
        .first()
    )
    if certification is None:
        raise Http404("No such certification.")
    form = af.RenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = run_once(
            request,
            form,
            lambda: renew_certification(
                certification, by=user, expires_on=data["expires_on"], number=data["number"]
            ),
            done=f"{certification.trainer.user.name}'s {certification.body} certification "
            "was renewed.",
        )
        if outcome is not None:
            return redirect("orgadmin:certifications")
    context = {"form": form, "certification": certification, "today": gym.today()}
    return _render(request, "orgadmin/renew.html", context, failed=request.method == "POST")
