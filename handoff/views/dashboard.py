"""The therapist's dashboard: the clinic's handoffs by status and what needs attention."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from handoff.attention import DASHBOARD_SHOWN, LIMIT_PER_KIND, needs_attention
from handoff.models import Handoff
from handoff.selectors import handoffs_visible_to
from handoff.views.common import audit_read, therapist_of, user_of

STATUS_ORDER = [s for s, _ in Handoff.Status.choices]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = therapist_of(request)
    clinic = actor.clinic_membership.clinic  # type: ignore[union-attr]
    handoffs = handoffs_visible_to(request.user)
    counts = dict(
        handoffs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    tiles = [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in Handoff.Status.choices
    ]
    show_all = request.GET.get("attention") == "all"
    attention = needs_attention(
        user_of(request),
        handoffs,
        today=clinic.today(),
        first=None if show_all else DASHBOARD_SHOWN,
    )
    audit_read(
        request,
        action="list",
        handoffs=[a.handoff_id for a in attention.entries],
        patients=[a.patient_id for a in attention.entries],
    )
    context = {
        "tiles": tiles,
        "attention": attention,
        "show_all": show_all,
        "per_kind": LIMIT_PER_KIND,
        "total": sum(counts.values()),
    }
    return render(request, "handoff/dashboard.html", context)
