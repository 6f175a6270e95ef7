"""The patient's pages: home, my plan, progress, who read my plan, the handout, reminders.

Thin views: a scoped read (``portal.selectors``: 404 for anything not the patient's own), an
access-log row for every page about the plan, one service for a write, a render. Pages carry
health information, so none of them may be cached (``never_cache``; the middleware agrees).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import ValidationError

from accounts.models import User
from audit.models import AccessLog
from audit.services import record_access
from handoff import services
from handoff.charts import MAX_SESSIONS, build_chart
from handoff.models import Handoff
from handoff.models.plan import PlanItem
from notifications.services import ensure_preference, update_preferences
from organisations.roles import actor_for
from portal import plain, selectors
from portal.api import handout_response, parse_paper
from portal.forms import RemindersForm
from portal.handout import contacts
from portal.progress import progress_for

View = Callable[..., HttpResponse]


def patient_page(view: View) -> View:
    """Logged in, a patient, and never cached; anyone else gets 404 (or the login page)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        selectors.patient_of(me(request))
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapped))


def me(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404(selectors.NOT_FOUND)
    return user


def posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one, so a bare submit is validated), else None."""
    return request.POST if request.method == "POST" else None


def audit(request: HttpRequest, handoff: Handoff, action: str = "read") -> None:
    record_access(request, action=action, object_type="handoff", object_ids=[handoff.pk])
    record_access(request, action=action, object_type="patient", object_ids=[handoff.patient_id])


# --- Home ------------------------------------------------------------------------------------------


@login_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the plan when there is one to follow; otherwise the list."""
    if actor_for(me(request)).patient is None:
        return redirect("home")  # staff have their own pages
    handoffs = list(selectors.my_handoffs(me(request)))
    requests = list(selectors.consent_requests(me(request)))
    current = [h for h in handoffs if h.status in Handoff.OPEN_STATUSES]
    if len(current) == 1 and not requests:
        return redirect("portal:plan", current[0].pk)
    record_access(
        request, action="list", object_type="handoff", object_ids=[h.pk for h in handoffs]
    )
    context = {"handoffs": handoffs, "requests": requests}
    return render(request, "portal/home.html", context)


# --- My plan ---------------------------------------------------------------------------------------


def plan_context(handoff: Handoff) -> dict[str, Any]:
    version = selectors.latest_version(handoff)
    if version is None:
        raise Http404(selectors.NOT_FOUND)
    previous = selectors.previous_version(handoff, version)
    changes = (
        plain.changes_in_words(services.diff_versions(previous, version), version.change_note)
        if previous is not None
        else []
    )
    restrictions = [
        {"sentence": plain.restriction_sentence(r), "text": r.text, "review_on": r.review_on}
        for r in version.restrictions.all()
    ]
    return {
        "handoff": handoff,
        "version": version,
        "program": [
            {"item": i, "dose": plain.dose(i), "often": plain.times_a_week(i.per_week)}
            for i in version.program.all()
        ],
        "restrictions": restrictions,
        "pain_explained": plain.pain_ceiling_explained(version.pain_ceiling),
        "stop_symptoms": plain.stop_rule_symptoms(version),
        "urgent_symptoms": plain.urgent_symptoms(),
        "urgent_care": plain.URGENT_CARE,
        "changes": changes,
        "contacts": contacts(handoff),
        "can_log": handoff.status in (Handoff.Status.ACCEPTED, Handoff.Status.REFERRED_BACK),
        # The trainer's gym program (issue 12): only items that passed the restriction checks or
        # hold the PT's exception; a suspended or refused item is not the patient's to follow.
        "trainer_plan": list(handoff.plan_items.filter(status=PlanItem.Status.ACTIVE)),
    }


@patient_page
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = selectors.my_handoff(me(request), pk)
    context = plan_context(handoff)
    audit(request, handoff)
    return render(request, "portal/plan.html", context)


@patient_page
def handout(request: HttpRequest, pk: int) -> HttpResponse:
    """The download button: the same PDF as ``GET /api/v1/handoffs/{id}/handout.pdf``."""
    handoff = selectors.my_handoff(me(request), pk)
    try:
        paper = parse_paper(request.GET.get("paper"))
    except ValidationError:  # a bad ?paper= on a page falls back to the clinic's paper
        paper = None
    response = handout_response(handoff, paper=paper)
    audit(request, handoff, action="handout")
    return response


# --- Progress --------------------------------------------------------------------------------------


@patient_page
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = selectors.my_handoff(me(request), pk)
    version = selectors.latest_version(handoff)
    if version is None:
        raise Http404(selectors.NOT_FOUND)
    today = handoff.clinic.today()
    logs = list(handoff.session_logs.order_by("-date", "-id")[:20])
    record_access(
        request, action="list", object_type="session_log", object_ids=[log.pk for log in logs]
    )
    audit(request, handoff)
    per_week = max((item.per_week for item in version.program.all()), default=0)
    chart_logs = handoff.session_logs.order_by("-date", "-id")[:MAX_SESSIONS]
    context = {
        "handoff": handoff,
        "progress": progress_for(handoff, version, today=today),
        "chart": build_chart(list(chart_logs), ceiling=version.pain_ceiling, per_week=per_week),
        "logs": logs,
    }
    return render(request, "portal/progress.html", context)


# --- Who read my plan ------------------------------------------------------------------------------

_ACTIONS = {
    "read": "opened your plan",
    "list": "saw your name in their list",
    "handout": "downloaded your printable plan",
    "consent": "looked at your consent",
    "revoke": "recorded that you revoked your consent",
}


def _who(user: User, handoffs: list[Handoff]) -> str:
    for handoff in handoffs:
        if user.pk == handoff.trainer_id:
            return f"{user.name}, your trainer at {handoff.gym.name}"
        if user.pk == handoff.therapist_id:
            return f"{user.name}, your physical therapist at {handoff.clinic.name}"
    actor = actor_for(user)
    if actor.clinic_membership is not None:
        return f"{user.name}, staff at {actor.clinic_membership.clinic.name}"
    if actor.gym_membership is not None:
        return f"{user.name}, staff at {actor.gym_membership.gym.name}"
    return user.name or "A Baton operator"


def access_lines(rows: list[AccessLog], handoffs: list[Handoff], zone: str) -> list[str]:
    """One sentence per person, action and minute: "Sam Lee, your trainer at Iron Oak
    Strength, opened your plan on 3 December at 7:40"."""
    tz = zoneinfo.ZoneInfo(zone)
    seen: set[tuple[int, str, str]] = set()
    people: dict[int, str] = {}
    lines = []
    for row in rows:
        when = plain.moment(timezone.localtime(row.at, tz))
        action = _ACTIONS.get(row.action, "updated your plan")
        key = (row.actor_id, action, when)
        if key in seen:
            continue
        seen.add(key)
        if row.actor_id not in people:
            people[row.actor_id] = _who(row.actor, handoffs)
        lines.append(f"{people[row.actor_id]}, {action} on {when}.")
    return lines


@patient_page
def access(request: HttpRequest) -> HttpResponse:
    patient = selectors.patient_of(me(request))
    handoffs = list(selectors.my_handoffs(me(request))) + list(
        selectors.consent_requests(me(request))
    )
    rows = selectors.reads_of(patient, handoffs)
    lines = access_lines(rows, handoffs, patient.clinic.time_zone)
    return render(request, "portal/access.html", {"lines": lines[:100]})


# --- Reminders --------------------------------------------------------------------------------------


@patient_page
def reminders(request: HttpRequest) -> HttpResponse:
    """When the "keep up your program" reminder may reach me (DESIGN §6)."""
    user = me(request)
    patient = selectors.patient_of(user)
    pref = ensure_preference(user, time_zone=patient.clinic.time_zone)
    initial = {
        "nudge_hour": pref.nudge_hour,
        "quiet": pref.quiet_start is not None,
        "quiet_start": pref.quiet_start,
        "quiet_end": pref.quiet_end,
    }
    form = RemindersForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quiet = (data["quiet_start"], data["quiet_end"]) if data["quiet"] else None
        update_preferences(user, nudge_hour=data["nudge_hour"], quiet_hours=quiet)
        messages.success(request, "Saved. Your reminders will follow these times.")
        return redirect("portal:reminders")
    return render(request, "portal/reminders.html", {"form": form, "zone": pref.time_zone})
