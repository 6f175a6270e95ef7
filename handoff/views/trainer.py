"""The trainer's workspace: inbox, packet page and its actions, printable session sheet.

Thin views over the same selectors and services as the API. Only trainers reach these pages;
anyone else (and a trainer asking for a packet not addressed to them) gets a 404. Every page
that shows a packet or a patient is audited. A failed form is shown again with the errors next
to the fields (400); an action the handoff's state refuses is shown as a message with the
handoff as it now stands (409); a double submit does one thing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.errors import Conflict, DomainError
from handoff import services
from handoff import trainer_forms as tf
from handoff.charts import build_chart
from handoff.inbox import next_check_in_due, time_left, trainer_inbox
from handoff.models import Handoff, PacketVersion, PlanItem, ProgramItem
from handoff.selectors import access_handoff
from handoff.services import plan as plan_services
from handoff.views.common import audit_read
from handoff.vocabularies import ALWAYS_ESCALATE, URGENT_CARE_GUIDANCE, Symptom
from organisations.roles import actor_for

Status = Handoff.Status
ONCE_SECONDS = 24 * 3600
LOG_LIMIT = 60


def _trainer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not actor_for(user).is_trainer:
        raise Http404("These pages are for trainers.")
    return user


# Read with the handoff: the therapist's own phone, for the contact card (no query of its own).
_ALSO_READ = ("therapist__clinic_membership",)


def _access(user: User, pk: int) -> Handoff:
    return access_handoff(user, pk, also=_ALSO_READ)


def _handoff(request: HttpRequest, pk: int) -> Handoff:
    return _access(_trainer(request), pk)


def _audit_read(request: HttpRequest, handoff: Handoff) -> None:
    audit_read(request, handoffs=[handoff.pk], patients=[handoff.patient_id])


# --- Inbox ----------------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _trainer(request)
    box = trainer_inbox(user)
    audit_read(request, handoffs=box.handoff_ids, patients=box.patient_ids, action="list")
    return render(request, "trainer/inbox.html", {"inbox": box, "now": timezone.now()})


# --- The packet page ------------------------------------------------------------------------------

# Which forms the trainer may use in each state (the services enforce it again).
FORMS_BY_STATUS: dict[str, tuple[str, ...]] = {
    Status.SENT: ("accept", "decline", "message"),
    Status.ACCEPTED: (
        "acknowledge",
        "plan_add",
        "check_in",
        "refer_back",
        "message",
        "complete",
    ),
    Status.REFERRED_BACK: ("acknowledge", "check_in", "message", "complete"),
}


def _versions(handoff: Handoff) -> tuple[PacketVersion | None, PacketVersion | None]:
    """The latest version and, when the trainer has not acknowledged it, the one they know.

    Read newest first down to the one they know (one row when they are up to date), each with
    its program (the library exercise's instructions joined) and restrictions: three queries
    however many versions the handoff has, and plain index scans that plan in no time.
    """
    known = handoff.acknowledged_version if handoff.is_open else None
    program = ProgramItem.objects.select_related("exercise")
    newest = handoff.versions.newest_first().prefetch_related(
        Prefetch("program", program), "restrictions"
    )
    versions = list(newest.filter(number__gte=known)) if known is not None else []
    if not versions:  # nothing acknowledged yet (or a number that is not there): the latest
        versions = list(newest[:1])
    if not versions:
        return None, None
    latest = versions[0]
    if known is not None and known < latest.number:
        return latest, next((v for v in versions if v.number == known), None)
    return latest, None


def _symptom_labels(codes: list[str]) -> list[str]:
    return [Symptom(code).label for code in codes if code in Symptom.values]


def _therapist_contact(handoff: Handoff) -> dict[str, str]:
    membership = getattr(handoff.therapist, "clinic_membership", None)
    return {
        "name": handoff.therapist.name,
        "email": handoff.therapist.email,
        "phone": (membership.phone if membership else "") or handoff.clinic.phone,
        "clinic": handoff.clinic.name,
        "clinic_phone": handoff.clinic.phone,
        "clinic_email": handoff.clinic.email,
    }


def safety_context(version: PacketVersion | None) -> dict[str, Any]:
    """The limits a trainer must not miss, for the top of the packet page and the sheet."""
    if version is None:
        return {}
    packet_flags = [code for code in version.red_flags if code not in ALWAYS_ESCALATE]
    return {
        "restrictions": list(version.restrictions.all()),
        "red_flags": _symptom_labels(packet_flags),
        "always_escalate": sorted(Symptom(code).label for code in ALWAYS_ESCALATE),
        "pain_ceiling": version.pain_ceiling,
        "urgent_guidance": URGENT_CARE_GUIDANCE,
    }


def _forms(
    handoff: Handoff,
    latest: PacketVersion | None,
    bound: dict[str, forms.Form],
    today: object,
) -> dict[str, forms.Form]:
    allowed = FORMS_BY_STATUS.get(handoff.status, ())
    built: dict[str, forms.Form] = {}
    for name in allowed:
        if name in bound:
            built[name] = bound[name]
            continue
        initial: dict[str, Any] = {}
        if name == "acknowledge":
            if latest is None or (handoff.acknowledged_version or 0) >= latest.number:
                continue
            initial["number"] = latest.number
        if name == "check_in":
            initial["date"] = today
        if name == "plan_add":
            initial.update(sets=3, reps=10, per_week=2)
        built[name] = ACTIONS[name].form(handoff=handoff, initial=initial, prefix=name)
    return built


def _restriction_texts(version: PacketVersion | None) -> dict[int, str]:
    return {r.order: r.text for r in version.restrictions.all()} if version else {}


def _with_texts(conflicts: list[dict[str, Any]], texts: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {**c, "restriction_text": texts.get(int(c.get("restriction") or 0), "")} for c in conflicts
    ]


def _plan(handoff: Handoff, version: PacketVersion | None) -> list[dict[str, Any]]:
    """The trainer's plan items, each with its conflicts and the restriction each one breaks."""
    texts = _restriction_texts(version)
    items = handoff.plan_items.select_related("exception_answered_by").order_by("created_at", "id")
    return [{"item": item, "conflicts": _with_texts(item.conflicts, texts)} for item in items]


def _blocked(blocked: dict[str, Any] | None, version: PacketVersion | None) -> dict[str, Any]:
    if not blocked:
        return {}
    return {**blocked, "conflicts": _with_texts(blocked["conflicts"], _restriction_texts(version))}


# What the page shows of each row, and no more (the rows are only displayed). ``handoff``
# stays: the related manager links every row back to the handoff by it.
_LOG_SHOWN = ("handoff", "date", "completed", "pain", "difficulty", "symptoms", "note")
_CHECK_IN_SHOWN = ("handoff", "date", "sessions_attended", "progress", "symptoms", "note")
_MESSAGE_SHOWN = ("handoff", "body", "to_patient", "created_at", "author", "author__name")
_EVENT_SHOWN = ("handoff", "at", "action", "version", "note", "actor", "actor__name")


def _page(
    request: HttpRequest,
    handoff: Handoff,
    *,
    bound: dict[str, forms.Form] | None = None,
    blocked: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    latest, known = _versions(handoff)
    _audit_read(request, handoff)
    today = handoff.clinic.today()
    logs = list(handoff.session_logs.only(*_LOG_SHOWN).order_by("-date", "-id")[:LOG_LIMIT])
    check_ins = list(handoff.check_ins.only(*_CHECK_IN_SHOWN).order_by("-date", "-id"))
    context = {
        "handoff": handoff,
        "version": latest,
        "diff": services.diff_versions(known, latest) if known and latest else None,
        "known_version": known,
        "safety": safety_context(latest),
        "pt": _therapist_contact(handoff),
        "logs": logs,
        "chart": build_chart(
            logs,
            ceiling=latest.pain_ceiling if latest else 5,
            per_week=max((item.per_week for item in latest.program.all()), default=0)
            if latest
            else 0,
        ),
        "check_ins": check_ins,
        "next_check_in": next_check_in_due(
            handoff.accepted_at, check_ins[0].date if check_ins else None
        )
        if handoff.status == Status.ACCEPTED
        else None,
        "messages_list": handoff.messages.select_related("author")
        .only(*_MESSAGE_SHOWN)
        .order_by("created_at", "id"),
        "final_report": getattr(handoff, "final_report", None)
        if handoff.status == Status.COMPLETED
        else None,
        "events": handoff.events.select_related("actor").only(*_EVENT_SHOWN).order_by("at", "id"),
        "forms": _forms(handoff, latest, bound or {}, today),
        "time_left": time_left(handoff.respond_by) if handoff.respond_by else "",
        "plan": _plan(handoff, latest),
        "blocked": _blocked(blocked, latest),
        "once": secrets.token_urlsafe(16),
        "today": today,
    }
    return render(request, "trainer/packet.html", context, status=status)


@login_required
@never_cache
@require_GET
def packet(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _handoff(request, pk))


# --- Actions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type[tf.ActionForm]
    run: Callable[[Handoff, User, dict[str, Any]], object] | None
    done: str


def _add_plan_item(handoff: Handoff, user: User, form: forms.Form) -> PlanItem:
    assert isinstance(form, tf.PlanItemForm)  # noqa: S101 - the action's form
    return plan_services.add_plan_item(
        handoff,
        by=user,
        spec=plan_services.plan_item_spec(form.spec_data()),
        exception_reason=form.cleaned_data["exception_reason"],
    )


def _report(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("sessions_attended", "progress", "symptoms", "note")
    return {key: data[key] for key in keys}


ASKED = "The therapist was asked for an exception. The item waits for their answer."
ACTIONS: dict[str, Action] = {
    "accept": Action(
        tf.AcceptForm,
        lambda h, u, d: services.accept_handoff(h, by=u),
        "You accepted the packet. The therapist and the patient have been told.",
    ),
    "decline": Action(
        tf.DeclineForm,
        lambda h, u, d: services.decline_handoff(h, by=u, reason=d["reason"]),
        "You declined the packet. The therapist has been told.",
    ),
    "acknowledge": Action(
        tf.AcknowledgeForm,
        lambda h, u, d: services.acknowledge_version(h, by=u, number=d["number"]),
        "You acknowledged the new version. Train to these limits from now on.",
    ),
    "check_in": Action(
        tf.CheckInForm,
        lambda h, u, d: services.add_check_in(
            h,
            by=u,
            date=d["date"],
            sessions_attended=d["sessions_attended"],
            progress=d["progress"],
            symptoms=d["symptoms"],
            note=d["note"],
        ),
        "Your check-in was sent to the therapist.",
    ),
    "refer_back": Action(
        tf.ReferBackForm,
        lambda h, u, d: services.refer_back(h, by=u, reason=d["reason"], symptoms=d["symptoms"]),
        "The patient was referred back. The therapist has been told at once; stop training "
        "until they resume the handoff.",
    ),
    "message": Action(
        tf.MessageForm,
        lambda h, u, d: services.post_message(h, by=u, body=d["body"]),
        "Your message was sent to the therapist.",
    ),
    "plan_add": Action(
        tf.PlanItemForm,
        None,  # needs the form itself: _add_plan_item
        "The item is in your plan.",
    ),
    "plan_remove": Action(
        tf.PlanItemRefForm,
        lambda h, u, d: plan_services.remove_plan_item(h, item_id=d["item"], by=u),
        "The item was removed from your plan.",
    ),
    "plan_exception": Action(
        tf.PlanExceptionForm,
        lambda h, u, d: plan_services.request_exception(
            h, item_id=d["item"], by=u, reason=d["reason"]
        ),
        ASKED,
    ),
    "complete": Action(
        tf.CompleteForm,
        lambda h, u, d: services.complete_handoff(h, by=u, final_report=_report(d)),
        "The handoff is completed and your final report was sent to the therapist.",
    ),
}

# Errors the services key by a name that is not a field of the form.
_FIELD_ALIASES = {"final_report": None, "packet": None}


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, errors in by_field.items():
        field = _FIELD_ALIASES.get(str(name), name)
        form.add_error(field if field in form.fields else None, errors)


def _once_key(user: User, token: str) -> str:
    return f"trainer-form-once:{user.pk}:{token}"


@login_required
@never_cache
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action.")
    user = _trainer(request)
    handoff = _access(user, pk)
    form = spec.form(request.POST, prefix=action)
    if not form.is_valid():
        return _page(request, handoff, bound={action: form}, status=400)
    key = _once_key(user, form.cleaned_data["once"])
    if not cache.add(key, 1, ONCE_SECONDS):
        messages.info(request, "That was already done; nothing was sent twice.")
        return redirect("trainer:packet", pk=handoff.pk)
    # The action applies to the state the trainer saw (decision 0007).
    handoff.status = form.cleaned_data["seen"]
    try:
        if spec.run is None:
            result: object = _add_plan_item(handoff, user, form)
        else:
            result = spec.run(handoff, user, form.cleaned_data)
    except ValidationError as exc:
        cache.delete(key)
        _add_errors(form, exc)
        return _page(request, _access(user, pk), bound={action: form}, status=400)
    except Conflict as exc:
        cache.delete(key)
        if exc.code != "program_conflicts":
            return _refused(request, user, pk, exc)
        blocked = {"conflicts": exc.conflicts, "detail": exc.detail}
        _suggest_reason(form)
        return _page(request, _access(user, pk), bound={action: form}, blocked=blocked, status=409)
    except DomainError as exc:
        cache.delete(key)
        return _refused(request, user, pk, exc)
    asked = isinstance(result, PlanItem) and result.status == PlanItem.Status.AWAITING_EXCEPTION
    messages.success(request, ASKED if asked else spec.done)
    if action == "refer_back" and set(form.cleaned_data["symptoms"]) & ALWAYS_ESCALATE:
        messages.error(request, URGENT_CARE_GUIDANCE)
    if action == "decline":
        return redirect("trainer:home")
    return redirect("trainer:packet", pk=handoff.pk)


def _suggest_reason(form: forms.Form) -> None:
    """One click to ask for the exception: a reason the trainer may keep or change."""
    key = f"{form.prefix}-exception_reason"
    if isinstance(form.data, QueryDict) and not form.data.get(key, "").strip():
        data = form.data.copy()
        name = form.cleaned_data.get("name") or "this exercise"
        data[key] = f"Please allow {name}: I will supervise it and stop if pain passes the ceiling."
        form.data = data


def _refused(request: HttpRequest, user: User, pk: int, exc: DomainError) -> HttpResponse:
    """The state refused the action: say why and show the handoff as it now stands."""
    messages.error(request, exc.detail)
    try:
        current = _access(user, pk)
    except Http404:  # e.g. revoked meanwhile: the packet is no longer the trainer's to read
        return redirect("trainer:home")
    return _page(request, current, status=409)


# --- The printable session sheet -------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def session_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = _handoff(request, pk)
    latest, _known = _versions(handoff)
    _audit_read(request, handoff)
    context = {
        "handoff": handoff,
        "version": latest,
        "safety": safety_context(latest),
        "pt": _therapist_contact(handoff),
        "today": handoff.clinic.today(),
        # Only what the trainer may do today: items waiting for or refused an exception stay off.
        "plan_items": handoff.plan_items.filter(status=PlanItem.Status.ACTIVE).order_by(
            "created_at", "id"
        ),
    }
    return render(request, "trainer/sheet.html", context)
