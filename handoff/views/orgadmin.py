"""The admins' pages that need handoff data: the clinic's "needs attention" and access log,
and the gym's open load per trainer.

They live in the handoff app because the organisations app sits below it and may not read
handoffs (LAYOUT-PLAN: the one-way import rule). Scoping, 404s and form handling follow
``organisations.views_admin``. These pages name no health details: the attention list shows
the therapist, the handoff number and the patient of an expiring consent; the access log shows
who read whose record, never what it said. Reads that name patients are audited.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.models import AccessLog
from audit.services import record_access
from clinics.models import Clinic, Patient
from core.subjects import SubjectType
from gyms.models import Certification, GymMembership
from handoff.models import Consent, Handoff
from handoff.reminders import CONSENT_EXPIRING_BEFORE
from notifications.models import Delivery, Notification
from organisations.views_admin import _clinic, _gym, admin_of

ATTENTION_LIMIT = 100
LOG_PAGE_SIZE = 50


# --- The clinic's "needs attention" ------------------------------------------------------------------


def unacknowledged_urgent(clinic: Clinic) -> QuerySet[Notification]:
    handoffs = Handoff.objects.filter(clinic=clinic).values("pk")
    return (
        Notification.objects.filter(
            requires_ack=True,
            acknowledged_at__isnull=True,
            subject_type=SubjectType.HANDOFF,
            subject_id__in=handoffs,
            recipient__clinic_membership__clinic=clinic,
        )
        .select_related("recipient")
        .order_by("created_at", "pk")
    )


def failed_emails(clinic: Clinic) -> QuerySet[Delivery]:
    """Emails that failed for good: to the clinic's staff, or about the clinic's handoffs."""
    handoffs = Handoff.objects.filter(clinic=clinic).values("pk")
    return (
        Delivery.objects.filter(status=Delivery.Status.FAILED)
        .filter(
            Q(notification__recipient__clinic_membership__clinic=clinic)
            | Q(
                notification__subject_type=SubjectType.HANDOFF,
                notification__subject_id__in=handoffs,
            )
        )
        .select_related("notification__recipient")
        .order_by("-failed_at", "-pk")
    )


def consents_expiring(clinic: Clinic) -> QuerySet[Consent]:
    today = clinic.today()
    return (
        Consent.objects.filter(
            patient__clinic=clinic,
            revoked_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + CONSENT_EXPIRING_BEFORE,
        )
        .select_related("patient", "gym")
        .order_by("expires_on", "pk")
    )


@login_required
@never_cache
@require_GET
def attention(request: HttpRequest) -> HttpResponse:
    _user, actor = admin_of(request)
    clinic = _clinic(actor)
    consents = list(consents_expiring(clinic)[:ATTENTION_LIMIT])
    record_access(
        request,
        action="list",
        object_type=SubjectType.PATIENT,
        object_ids=sorted({c.patient_id for c in consents}),
    )
    context = {
        "clinic": clinic,
        "urgent": list(unacknowledged_urgent(clinic)[:ATTENTION_LIMIT]),
        "failed": list(failed_emails(clinic)[:ATTENTION_LIMIT]),
        "consents": consents,
        "now": timezone.now(),
    }
    return render(request, "orgadmin/attention.html", context)


# --- The clinic's access log -------------------------------------------------------------------------


class AccessLogFilter(forms.Form):
    who = forms.CharField(max_length=254, required=False, label="Who (name or email)")
    patient = forms.CharField(max_length=200, required=False, label="Patient (name)")
    action = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any"),
            ("read", "Read"),
            ("list", "Listed"),
            ("create", "Created"),
            ("update", "Changed"),
        ],
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    address = forms.GenericIPAddressField(required=False, label="From address")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data


def _clinic_log(clinic: Clinic, data: dict[str, Any]) -> QuerySet[AccessLog]:
    patients = Patient.objects.filter(clinic=clinic)
    if data.get("patient"):
        words = data["patient"].split()
        for word in words:
            patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    handoffs = Handoff.objects.filter(patient__in=patients.values("pk")).values("pk")
    log = AccessLog.objects.filter(
        Q(object_type=SubjectType.PATIENT, object_id__in=patients.values("pk"))
        | Q(object_type=SubjectType.HANDOFF, object_id__in=handoffs)
    )
    if data.get("who"):
        log = log.filter(
            Q(actor__email__icontains=data["who"]) | Q(actor__name__icontains=data["who"])
        )
    if data.get("action"):
        log = log.filter(action=data["action"])
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    if data.get("since"):
        log = log.filter(at__gte=datetime.datetime.combine(data["since"], datetime.time(), zone))
    if data.get("until"):
        end = data["until"] + datetime.timedelta(days=1)
        log = log.filter(at__lt=datetime.datetime.combine(end, datetime.time(), zone))
    if data.get("address"):
        log = log.filter(client_address=data["address"])
    return log.select_related("actor").order_by("-at", "-pk")


def _subjects(rows: list[AccessLog]) -> dict[tuple[str, int], str]:
    """ "Alex Morgan" or "handoff 12 (Alex Morgan)" for each row's object, in two queries."""
    handoff_ids = {r.object_id for r in rows if r.object_type == "handoff"}
    handoffs = {
        h.pk: h for h in Handoff.objects.filter(pk__in=handoff_ids).select_related("patient")
    }
    patient_ids = {r.object_id for r in rows if r.object_type == "patient"}
    patients = {p.pk: p for p in Patient.objects.filter(pk__in=patient_ids)}
    names: dict[tuple[str, int], str] = {}
    for pk, handoff in handoffs.items():
        names[("handoff", pk)] = f"Handoff {pk} ({handoff.patient.name})"
    for pk, patient in patients.items():
        names[("patient", pk)] = patient.name
    return names


@login_required
@never_cache
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    _user, actor = admin_of(request)
    clinic = _clinic(actor)
    form = AccessLogFilter(request.GET or None)
    if request.GET and not form.is_valid():
        failed = {"form": form, "page": None, "clinic": clinic}
        return render(request, "orgadmin/access_log.html", failed, status=400)
    data = form.cleaned_data if form.is_bound else {}
    paginator = Paginator(_clinic_log(clinic, data), LOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = _subjects(rows)
    patient_ids = {r.object_id for r in rows if r.object_type == "patient"}
    record_access(
        request, action="list", object_type=SubjectType.PATIENT, object_ids=sorted(patient_ids)
    )
    entries = [{"row": r, "subject": names.get((r.object_type, r.object_id), "")} for r in rows]
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "entries": entries,
        "clinic": clinic,
        "query": query.urlencode(),
    }
    return render(request, "orgadmin/access_log.html", context)


# --- The gym's open load per trainer ----------------------------------------------------------------


@login_required
@never_cache
@require_GET
def load(request: HttpRequest) -> HttpResponse:
    user, actor = admin_of(request)
    gym = _gym(actor)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(gym.time_zone))
    trainers = (
        GymMembership.objects.filter(gym=gym, role=GymMembership.Role.TRAINER)
        .select_related("user")
        .annotate(
            open_handoffs=Count(
                "user__handoffs_received",
                filter=Q(
                    user__handoffs_received__gym=gym,
                    user__handoffs_received__status__in=Handoff.OPEN_STATUSES,
                ),
                distinct=True,
            ),
            new_packets=Count(
                "user__handoffs_received",
                filter=Q(
                    user__handoffs_received__gym=gym,
                    user__handoffs_received__status=Handoff.Status.SENT,
                ),
                distinct=True,
            ),
        )
        .order_by("user__name", "pk")
    )
    certified = set(
        Certification.objects.filter(trainer__gym=gym, expires_on__gte=today).values_list(
            "trainer_id", flat=True
        )
    )
    rows = [_load_row(member, member.pk in certified) for member in trainers]
    return render(request, "orgadmin/load.html", {"rows": rows, "gym": gym, "user": user})


def _load_row(member: GymMembership, certified: bool) -> dict[str, Any]:
    open_count: int = member.open_handoffs  # type: ignore[attr-defined]
    capacity = member.capacity
    if not member.user.is_active:
        note = "Deactivated"
    elif not certified:
        note = "No valid certification: no new packets"
    elif open_count >= capacity:
        note = "Full: no new packets"
    else:
        note = f"{capacity - open_count} places left"
    return {
        "member": member,
        "open": open_count,
        "new": member.new_packets,  # type: ignore[attr-defined]
        "capacity": capacity,
        "percent": min(100, round(100 * open_count / capacity)) if capacity else 100,
        "note": note,
    }
