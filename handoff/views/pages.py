"""The handoff list, the handoff page, its actions and its access log.

Every page builds its queryset from the selectors (others get a 404) and audits the read. The
therapist's page shows the whole case and the actions its state allows; the trainer and the
patient see the packet and timeline (their own pages live with their apps). Nothing here shows a
date of birth, insurance or clinic-internal notes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.models import AccessLog
from core.errors import Conflict, DomainError
from core.subjects import SubjectType
from handoff import services
from handoff.charts import build_chart
from handoff.forms import MessageForm, ReasonForm, ReassignForm, ResumeForm
from handoff.models import Handoff, HandoffEvent
from handoff.selectors import access_handoff, handoffs_visible_to, trainers_available_to
from handoff.services import checks
from handoff.services import plan as plan_services
from handoff.services.packets import diff_versions
from handoff.views.common import audit_read, user_of
from handoff.vocabularies import ALWAYS_ESCALATE, Symptom
from notifications.services import acknowledge_subject
from organisations.roles import actor_for

PAGE_SIZE = 25
Status = Handoff.Status

NEXT_STEP = {
    Status.DRAFT: "Finish the packet, record consent and send it.",
    Status.SENT: "Waiting for {trainer} to accept or decline, by {respond_by}.",
    Status.ACCEPTED: "{trainer} is training {patient}. Check-ins and session logs appear below.",
    Status.REFERRED_BACK: "Training is paused. Review the case, amend the packet if needed, then resume or withdraw.",
    Status.DECLINED: "{trainer} declined. Reassign it to another trainer, or leave it closed.",
    Status.EXPIRED: "{trainer} did not answer in time. Reassign it to another trainer, or leave it closed.",
    Status.WITHDRAWN: "Closed: withdrawn.",
    Status.COMPLETED: "Closed: the program with the trainer is finished.",
    Status.REVOKED: "Closed: the patient's consent was revoked or expired.",
}


# --- The list -----------------------------------------------------------------------------------------


@login_required
def handoff_list(request: HttpRequest) -> HttpResponse:
    handoffs = handoffs_visible_to(request.user).select_related(
        "patient", "trainer", "gym", "clinic"
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        handoffs = handoffs.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    for word in query.split():
        handoffs = handoffs.filter(
            Q(patient__first_name__icontains=word) | Q(patient__last_name__icontains=word)
        )
    page = Paginator(handoffs.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_read(
        request, action="list", handoffs=[h.pk for h in page], patients=[h.patient_id for h in page]
    )
    context = {
        "page_obj": page,
        "status": status,
        "query": query,
        "statuses": Status.choices,
        "role": actor_for(request.user).role,
    }
    return render(request, "handoff/list.html", context)


# --- The handoff page ---------------------------------------------------------------------------------


def _labels(codes: list[str]) -> list[str]:
    return [Symptom(c).label for c in codes if c in Symptom.values]


def _versions(handoff: Handoff) -> list[Any]:
    return list(
        handoff.versions.order_by("number")
        .select_related("created_by")
        .prefetch_related("program__exercise", "restrictions")
    )


def _diff(request: HttpRequest, versions: list[Any]) -> dict[str, Any] | None:
    if len(versions) < 2:
        return None
    by_number = {v.number: v for v in versions}
    try:
        old = int(request.GET.get("from", versions[-2].number))
        new = int(request.GET.get("to", versions[-1].number))
    except ValueError:
        old, new = versions[-2].number, versions[-1].number
    if old not in by_number or new not in by_number or old == new:
        old, new = versions[-2].number, versions[-1].number
    changes = diff_versions(by_number[old], by_number[new])
    changes["red_flags"] = {k: _labels(v) for k, v in changes["red_flags"].items()}
    empty = not any(
        [
            *(
                changes[p][k]
                for p in ("program", "restrictions")
                for k in ("added", "removed", "changed")
            ),
            *changes["red_flags"].values(),
            changes["fields"],
        ]
    )
    return {
        "from": old,
        "to": new,
        "changes": changes,
        "empty": empty,
        "numbers": sorted(by_number),
    }


def _allowed(handoff: Handoff, party: str | None) -> list[str]:
    """The actions the state allows the viewer, and nothing else."""
    if party != "therapist":
        return []
    status = handoff.status
    allowed = []
    if status == Status.DRAFT:
        allowed += ["edit", "discard"]
    if status in Handoff.OPEN_STATUSES:
        allowed += ["amend", "withdraw", "message"]
    if status == Status.REFERRED_BACK:
        allowed += ["resume"]
    if status in (Status.ACCEPTED, Status.REFERRED_BACK):
        allowed += ["complete"]
    if (
        status in (Status.DECLINED, Status.EXPIRED)
        and not Handoff.objects.filter(reassigned_from=handoff).exists()
    ):
        allowed += ["reassign"]
    return allowed


def _page_context(request: HttpRequest, handoff: Handoff, **forms: Any) -> dict[str, Any]:
    party = services.party_of(handoff, user_of(request))
    versions = _versions(handoff)
    version = versions[-1] if versions else None
    allowed = _allowed(handoff, party)
    staff = party in ("therapist", "trainer")
    message_filter = {} if staff else {"to_patient": True}
    logs = list(handoff.session_logs.order_by("date", "id")) if party else []
    per_week = max((i.per_week for i in version.program.all()), default=0) if version else 0
    context: dict[str, Any] = {
        "handoff": handoff,
        "party": party,
        "version": version,
        "versions": versions,
        "red_flags": _labels(version.red_flags) if version else [],
        "override_notes": checks.override_notes(version) if version and version.overrides else [],
        "always_escalate": sorted(Symptom(code).label for code in ALWAYS_ESCALATE),
        "events": _collapsed(handoff.events.select_related("actor").order_by("at", "id")),
        "next_step": NEXT_STEP[Status(handoff.status)].format(
            trainer=handoff.trainer.name,
            patient=handoff.patient.first_name,
            respond_by=f"{handoff.respond_by:%d %b %Y}" if handoff.respond_by else "",
        ),
        "allowed": allowed,
        "diff": _diff(request, versions) if party == "therapist" else None,
        "messages_list": handoff.messages.filter(**message_filter)
        .select_related("author")
        .order_by("created_at", "id"),
        "check_ins": handoff.check_ins.select_related("author").order_by("-date", "-id")
        if staff
        else [],
        "final_report": getattr(handoff, "final_report", None) if staff else None,
        "red_flag_reports": handoff.red_flag_reports.select_related("reported_by")
        if party == "therapist"
        else [],
        "logs": list(reversed(logs)),
        "chart": build_chart(
            logs, ceiling=version.pain_ceiling if version else 5, per_week=per_week
        ),
        "plan_items": handoff.plan_items.all() if staff else [],
        "urgent_unacknowledged": party == "therapist"
        and handoff.status == Status.REFERRED_BACK
        and user_of(request)
        .notifications.filter(
            subject_type=SubjectType.HANDOFF,
            subject_id=handoff.pk,
            requires_ack=True,
            acknowledged_at__isnull=True,
        )
        .exists(),
        "successor": Handoff.objects.filter(reassigned_from=handoff).first()
        if party == "therapist"
        else None,
        "forms": {
            "withdraw": forms.get("withdraw") or ReasonForm(prefix="withdraw"),
            "resume": forms.get("resume") or ResumeForm(prefix="resume"),
            "message": forms.get("message") or MessageForm(prefix="message"),
            "reassign": forms.get("reassign")
            or (
                ReassignForm(prefix="reassign", trainers=_trainers(request, handoff))
                if "reassign" in allowed
                else None
            ),
            "exception": forms.get("exception"),
        },
        "error_action": forms.get("error_action", ""),
    }
    return context


def _collapsed(events: Any) -> list[HandoffEvent]:
    """Consecutive draft edits (one per builder step) read as one entry in the timeline."""
    shown: list[HandoffEvent] = []
    for event in events:
        edited = HandoffEvent.Action.EDITED
        if shown and event.action == edited and shown[-1].action == edited:
            shown[-1] = event
        else:
            shown.append(event)
    return shown


def _trainers(request: HttpRequest, handoff: Handoff) -> list[tuple[int, str]]:
    return [
        (m.user_id, f"{m.user.name} · {m.gym.name}")
        for m in trainers_available_to(request.user).select_related("user", "gym")
        if m.user_id != handoff.trainer_id
    ]


@login_required
def handoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = access_handoff(request.user, pk)
    if services.party_of(handoff, user_of(request)) == "trainer":
        # Emails link every party to /handoffs/<id>/; the trainer works on their packet page.
        return redirect("trainer:packet", pk=handoff.pk)
    audit_read(request, handoffs=[handoff.pk], patients=[handoff.patient_id])
    return render(request, "handoff/detail.html", _page_context(request, handoff))


# --- Actions -------------------------------------------------------------------------------------------

FORMS = {"withdraw": ReasonForm, "resume": ResumeForm, "message": MessageForm}


@login_required
@require_POST
def handoff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handoff = access_handoff(request.user, pk)
    party = services.party_of(handoff, user_of(request))
    if action not in ACTIONS or action not in [
        *_allowed(handoff, party),
        "acknowledge",
        "exception",
    ]:
        return _refused(request, handoff, "This action is not available for this handoff any more.")
    seen = request.POST.get("seen_status", "")
    if seen in Status.values:
        handoff.status = seen  # the action applies to the state the therapist saw (lock compares)
    try:
        return ACTIONS[action](request, handoff)
    except Conflict as exc:
        return _refused(request, handoff, exc.detail)
    except DomainError as exc:
        return _refused(request, handoff, exc.detail)


def _refused(request: HttpRequest, handoff: Handoff, detail: str) -> HttpResponse:
    handoff.refresh_from_db()
    messages.error(request, f"{detail} The page shows the handoff as it is now.")
    return redirect("handoff:detail", pk=handoff.pk)


def _invalid(request: HttpRequest, handoff: Handoff, action: str, form: Any) -> HttpResponse:
    handoff.refresh_from_db()
    audit_read(request, handoffs=[handoff.pk], patients=[handoff.patient_id])
    context = _page_context(request, handoff, **{action: form, "error_action": action})
    return render(request, "handoff/detail.html", context, status=400)


def _with_form(action: str, run: Any) -> Any:
    def act(request: HttpRequest, handoff: Handoff) -> HttpResponse:
        form: Any
        if action == "reassign":
            form = ReassignForm(request.POST, prefix=action, trainers=_trainers(request, handoff))
        else:
            form = FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            return _invalid(request, handoff, action, form)
        try:
            return run(request, handoff, form.cleaned_data)
        except ValidationError as exc:
            for field, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, msgs)
            return _invalid(request, handoff, action, form)

    return act


def _withdraw(request: HttpRequest, handoff: Handoff, data: dict[str, Any]) -> HttpResponse:
    services.withdraw_handoff(handoff, by=user_of(request), reason=data["reason"])
    messages.success(request, "The handoff was withdrawn. The trainer and the patient were told.")
    return redirect("handoff:detail", pk=handoff.pk)


def _resume(request: HttpRequest, handoff: Handoff, data: dict[str, Any]) -> HttpResponse:
    services.resume_handoff(handoff, by=user_of(request), note=data["note"])
    messages.success(request, "Training can resume. The trainer and the patient were told.")
    return redirect("handoff:detail", pk=handoff.pk)


def _message(request: HttpRequest, handoff: Handoff, data: dict[str, Any]) -> HttpResponse:
    services.post_message(
        handoff, by=user_of(request), body=data["body"], to_patient=data["to_patient"]
    )
    messages.success(request, "Message sent.")
    return redirect(reverse("handoff:detail", args=[handoff.pk]) + "#messages")


def _reassign(request: HttpRequest, handoff: Handoff, data: dict[str, Any]) -> HttpResponse:
    trainer = next(
        (
            m.user
            for m in trainers_available_to(request.user).select_related("user")
            if m.user_id == data["trainer"]
        ),
        None,
    )
    if trainer is None:
        raise ValidationError({"trainer": ["Choose one of the trainers listed."]})
    successor = services.reassign_handoff(handoff, by=user_of(request), trainer=trainer)
    messages.success(
        request,
        f"A new draft to {trainer.name} was made from this packet. Record consent for their gym and send it.",
    )
    return redirect("handoff:draft_edit", pk=successor.pk)


def _complete(request: HttpRequest, handoff: Handoff) -> HttpResponse:
    services.complete_handoff(handoff, by=user_of(request))
    messages.success(request, "The handoff is completed.")
    return redirect("handoff:detail", pk=handoff.pk)


def _discard(request: HttpRequest, handoff: Handoff) -> HttpResponse:
    services.discard_draft(handoff, by=user_of(request))
    messages.success(request, "The draft was discarded.")
    return redirect("dashboard")


def _acknowledge(request: HttpRequest, handoff: Handoff) -> HttpResponse:
    count = acknowledge_subject(
        recipient=user_of(request), subject_type=SubjectType.HANDOFF, subject_id=handoff.pk
    )
    if count:
        messages.success(request, "Acknowledged: the reminders about this refer-back have stopped.")
    return redirect("handoff:detail", pk=handoff.pk)


def _exception(request: HttpRequest, handoff: Handoff) -> HttpResponse:
    if services.party_of(handoff, user_of(request)) != "therapist":
        raise Http404("No such action.")
    try:
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        raise Http404("No such plan item.") from None
    note = request.POST.get("note", "").strip()[:1000]
    answer = request.POST.get("answer")
    try:
        if answer == "grant":
            plan_services.grant_exception(handoff, item_id=item_id, by=user_of(request), note=note)
            messages.success(request, "Exception granted. The trainer was told.")
        elif answer == "refuse":
            plan_services.refuse_exception(handoff, item_id=item_id, by=user_of(request), note=note)
            messages.success(request, "Exception refused. The trainer was told.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("handoff:detail", args=[handoff.pk]) + "#plan")


ACTIONS = {
    "withdraw": _with_form("withdraw", _withdraw),
    "resume": _with_form("resume", _resume),
    "message": _with_form("message", _message),
    "reassign": _with_form("reassign", _reassign),
    "complete": _complete,
    "discard": _discard,
    "acknowledge": _acknowledge,
    "exception": _exception,
}


# --- The access log ----------------------------------------------------------------------------------


@login_required
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = access_handoff(request.user, pk)
    if services.party_of(handoff, user_of(request)) != "therapist":
        raise Http404("No such page.")
    entries = (
        AccessLog.objects.filter(
            Q(object_type=SubjectType.HANDOFF, object_id=handoff.pk)
            | Q(object_type=SubjectType.PATIENT, object_id=handoff.patient_id)
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "handoff/access_log.html", {"handoff": handoff, "page_obj": page})


# --- The patient page's panel (registered in handoff.apps) ---------------------------------------


def patient_panel(request: HttpRequest, patient: Any) -> tuple[str, dict[str, Any]]:
    handoffs = list(
        handoffs_visible_to(request.user)
        .filter(patient=patient)
        .select_related("trainer", "gym")
        .order_by("-created_at")
    )
    audit_read(request, handoffs=[h.pk for h in handoffs], action="list")
    consents = list(patient.consents.select_related("gym", "trainer").order_by("-granted_at"))
    return "handoff/patient_panel.html", {
        "handoffs": handoffs,
        "consents": consents,
        "today": patient.clinic.today(),
    }


__all__ = [
    "HandoffEvent",
    "access_log",
    "handoff_action",
    "handoff_detail",
    "handoff_list",
    "patient_panel",
]
