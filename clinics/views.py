"""The clinic's patient pages: a searchable list, the patient's page, create, edit, invite.

Only the clinic's therapists (and its admins, read-only) reach them: anyone else gets a 404 from
the scoped selector. Every page that shows a patient is audited. The patient page shows panels
that apps above this one register (the handoff app adds the patient's handoffs and consents),
so clinics keeps knowing nothing of handoffs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from audit.services import record_access
from clinics import services
from clinics.forms import PatientForm, PatientSearchForm
from clinics.models import ClinicMembership, Patient
from clinics.selectors import membership_of, patients_visible_to
from core.errors import DomainError
from core.subjects import SubjectType

PAGE_SIZE = 25
OPEN_STATUSES = ("sent", "accepted", "referred_back")
# (request, patient) -> (template name, context) for a panel on the patient page.
PatientPanel = Callable[[HttpRequest, Patient], tuple[str, dict[str, Any]]]
_panels: list[PatientPanel] = []


def register_patient_panel(panel: PatientPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _staff(request: HttpRequest) -> ClinicMembership:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404("No such page.")
    return membership


def _therapist(request: HttpRequest) -> ClinicMembership:
    membership = _staff(request)
    if membership.role != ClinicMembership.Role.THERAPIST:
        raise Http404("No such page.")
    return membership


def _audit(request: HttpRequest, action: str, ids: list[int]) -> None:
    if ids:
        record_access(request, action=action, object_type=SubjectType.PATIENT, object_ids=ids)


def _once(request: HttpRequest) -> bool:
    """A form's token is used once: a double submit or a replayed POST does nothing more."""
    token = request.POST.get("submission", "")
    return bool(token) and bool(cache.add(f"baton:once:patient:{token}", 1, 3600))


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    search = PatientSearchForm(request.GET or None)
    patients = patients_visible_to(request.user).annotate(
        open_handoffs=Count("handoffs", filter=Q(handoffs__status__in=OPEN_STATUSES))
    )
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    for word in query.split():
        patients = patients.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    page = Paginator(patients.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _audit(request, "list", [p.pk for p in page])
    return render(
        request, "clinics/patient_list.html", {"page_obj": page, "search": search, "query": query}
    )


@login_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _staff(request)
    patient = get_object_or_404(
        patients_visible_to(request.user).select_related("user", "clinic"), pk=pk
    )
    _audit(request, "read", [patient.pk])
    panels = [panel(request, patient) for panel in _panels]
    context = {
        "patient": patient,
        "panels": panels,
        "is_therapist": membership.role == ClinicMembership.Role.THERAPIST,
        "portal": _portal_state(patient),
    }
    return render(request, "clinics/patient_detail.html", context)


def _portal_state(patient: Patient) -> str:
    if patient.user is None:
        return "none"
    return "active" if patient.user.has_usable_password() else "invited"


def _form_page(request: HttpRequest, form: PatientForm, patient: Patient | None) -> HttpResponse:
    context = {"form": form, "patient": patient, "submission": uuid.uuid4().hex}
    return render(request, "clinics/patient_form.html", context, status=400 if form.errors else 200)


def _apply(form: PatientForm, save: Callable[[dict[str, Any]], Patient]) -> Patient | None:
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
    except DomainError as exc:
        form.add_error(None, exc.detail)
    return None


@login_required
def patient_create(request: HttpRequest) -> HttpResponse:
    membership = _therapist(request)
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _once(request):
            messages.info(request, "That form was already sent: the patient was added once.")
            return redirect("clinics:patient_list")
        patient = _apply(
            form,
            lambda data: services.create_patient(
                clinic=membership.clinic, by=_user(request), **data
            ),
        )
        if patient is not None:
            messages.success(request, f"{patient.name} was added.")
            return redirect(_next_or(request, f"/patients/{patient.pk}/", patient))
    return _form_page(request, form, None)


def _next_or(request: HttpRequest, default: str, patient: Patient) -> str:
    """Back to the handoff builder when the patient was added from it."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        joiner = "&" if "?" in target else "?"
        return f"{target}{joiner}patient={patient.pk}"
    return default


@login_required
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _therapist(request)
    patient = get_object_or_404(patients_visible_to(request.user), pk=pk)
    _audit(request, "read", [patient.pk])
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        # The form validated a copy; the service re-reads the row under a lock and writes.
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = _apply(
            form, lambda _data: services.update_patient(patient, by=_user(request), **changed)
        )
        if saved is not None:
            messages.success(request, f"{saved.name}'s details were saved.")
            return redirect("clinics:patient_detail", pk=saved.pk)
    return _form_page(request, form, patient)


@login_required
@require_POST
def patient_invite(request: HttpRequest, pk: int) -> HttpResponse:
    _therapist(request)
    patient = get_object_or_404(patients_visible_to(request.user), pk=pk)
    try:
        services.invite_patient(patient, by=_user(request))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, f"{patient.name} was emailed a link to the patient portal. It works once."
        )
    return redirect("clinics:patient_detail", pk=patient.pk)
