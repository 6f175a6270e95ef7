"""The handoff's pages: the list and the read-only page that emails and reminders link to.

Every page builds its queryset from the selectors (others get a 404) and audits the read.
Nothing here shows a date of birth, insurance or clinic-internal notes: the page is the same
for therapist, trainer and patient, so it carries only what all three may see.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import record_access
from core.subjects import SubjectType
from handoff.models import Handoff
from handoff.selectors import access_handoff, handoffs_visible_to
from handoff.vocabularies import ALWAYS_ESCALATE, Symptom
from organisations.roles import actor_for

LIST_LIMIT = 100


@login_required
def handoff_list(request: HttpRequest) -> HttpResponse:
    handoffs = list(
        handoffs_visible_to(request.user)
        .select_related("patient", "trainer", "gym", "clinic")
        .order_by("-created_at")[:LIST_LIMIT]
    )
    record_access(
        request, action="list", object_type=SubjectType.HANDOFF, object_ids=[h.pk for h in handoffs]
    )
    patients = sorted({h.patient_id for h in handoffs})
    record_access(request, action="list", object_type=SubjectType.PATIENT, object_ids=patients)
    context = {"handoffs": handoffs, "role": actor_for(request.user).role}
    return render(request, "handoff/list.html", context)


@login_required
def handoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = access_handoff(request.user, pk)
    version = (
        handoff.versions.newest_first()
        .prefetch_related("program__exercise", "restrictions")
        .first()
    )
    record_access(request, action="read", object_type=SubjectType.HANDOFF, object_ids=[handoff.pk])
    record_access(
        request, action="read", object_type=SubjectType.PATIENT, object_ids=[handoff.patient_id]
    )
    red_flags = []
    if version is not None:
        red_flags = [Symptom(code).label for code in version.red_flags]
    context = {
        "handoff": handoff,
        "version": version,
        "red_flags": red_flags,
        "always_escalate": sorted(Symptom(code).label for code in ALWAYS_ESCALATE),
        "events": handoff.events.select_related("actor").order_by("at", "id"),
        "is_open": handoff.status in Handoff.OPEN_STATUSES,
        "role": actor_for(request.user).role,
    }
    return render(request, "handoff/detail.html", context)
