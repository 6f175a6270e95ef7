"""The handoff builder: a packet in steps, then consent, review and send (issue 13).

Steps: patient → clearance → program → restrictions → red flags and pain → trainer → consent →
review. An amendment walks clearance → … → red flags and pain → review. Every step's form posts
to itself; "Back" keeps what was typed without judging it, "Next" checks it and moves on. The
working copy lives in the session (``builder_state``) until the trainer is chosen, which creates
the draft; from then on each step also rewrites the draft through ``update_draft``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from clinics.selectors import patients_visible_to
from core.errors import Conflict, DomainError, Reason
from exercises.models import Exercise
from handoff import services
from handoff.forms import (
    ALWAYS_SYMPTOMS,
    OPTIONAL_SYMPTOMS,
    ChangeNoteForm,
    ClearanceForm,
    ConsentForm,
    LibrarySearchForm,
    PatientStepForm,
    ProgramItemForm,
    RestrictionForm,
    SafetyForm,
    TrainerForm,
)
from handoff.models import Handoff
from handoff.selectors import access_handoff, handoffs_visible_to
from handoff.services.consent import consent_request
from handoff.views import builder_state as bs
from handoff.views.common import audit_read, claim_once, release_once, therapist_of, user_of
from handoff.views.safety_hooks import check_packet, ranked_trainers
from handoff.vocabularies import ClearanceLevel

LIBRARY_RESULTS = 12
# Which step fixes each send refusal.
REFUSAL_STEPS = {
    "packet_incomplete": "clearance",
    "program_conflicts": "review",
    "consent_required": "consent",
    "partnership_inactive": "trainer",
    "trainer_unavailable": "trainer",
    "certification_expired": "trainer",
    "trainer_at_capacity": "trainer",
    "open_handoff_exists": "trainer",
}


# --- Starting ---------------------------------------------------------------------------------------


@login_required
def builder_start(request: HttpRequest) -> HttpResponse:
    actor = therapist_of(request)
    clinic = actor.clinic_membership.clinic  # type: ignore[union-attr]
    patient_id = None
    if request.GET.get("patient", "").isdigit():
        patient = patients_visible_to(request.user).filter(pk=int(request.GET["patient"])).first()
        patient_id = patient.pk if patient else None
    state = bs.new_state(
        patient_id=patient_id,
        red_flags=[c for c in clinic.default_red_flags if c not in dict(ALWAYS_SYMPTOMS)],
        pain_ceiling=clinic.default_pain_ceiling,
    )
    if patient_id:
        bs.mark_done(state, "patient")
    bid = bs.start(request, state)
    return redirect("handoff:builder_step", bid=bid, step="clearance" if patient_id else "patient")


@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    therapist_of(request)
    handoff = access_handoff(request.user, pk)
    if handoff.status != Handoff.Status.DRAFT:
        messages.info(request, "This handoff was sent: amend the packet to change it.")
        return redirect("handoff:detail", pk=handoff.pk)
    version = _current(handoff)
    audit_read(request, handoffs=[handoff.pk], patients=[handoff.patient_id])
    bid = bs.start(request, bs.state_from_version(version, mode="edit"))
    return redirect("handoff:builder_step", bid=bid, step=request.GET.get("step", "review"))


@login_required
def amend_start(request: HttpRequest, pk: int) -> HttpResponse:
    therapist_of(request)
    handoff = access_handoff(request.user, pk)
    if handoff.status == Handoff.Status.DRAFT:
        return redirect("handoff:draft_edit", pk=handoff.pk)
    if handoff.status not in Handoff.OPEN_STATUSES:
        messages.error(
            request,
            f"This handoff is {handoff.get_status_display().lower()}: it cannot be amended.",
        )
        return redirect("handoff:detail", pk=handoff.pk)
    audit_read(request, handoffs=[handoff.pk], patients=[handoff.patient_id])
    bid = bs.start(request, bs.state_from_version(_current(handoff), mode="amend"))
    return redirect("handoff:builder_step", bid=bid, step="clearance")


def _current(handoff: Handoff) -> Any:
    return handoff.versions.order_by("-number").prefetch_related("program", "restrictions").first()


# --- One step ---------------------------------------------------------------------------------------


@login_required
def builder_step(request: HttpRequest, bid: str, step: str) -> HttpResponse:
    actor = therapist_of(request)
    state = bs.load(request, bid)
    if step not in bs.steps_of(state):
        raise Http404("No such step.")
    ctx = Ctx(request, bid, state, step, actor.clinic_membership.clinic)  # type: ignore[union-attr]
    return STEP_VIEWS[step](ctx)


class Ctx:
    """One request to one step: the working copy, the draft if any, and how to move on."""

    def __init__(
        self, request: HttpRequest, bid: str, state: dict[str, Any], step: str, clinic: Any
    ) -> None:
        self.request, self.bid, self.state, self.step, self.clinic = (
            request,
            bid,
            state,
            step,
            clinic,
        )
        self.steps = bs.steps_of(state)
        self.post = request.POST if request.method == "POST" else None
        self.nav = request.POST.get("nav", "") if self.post is not None else ""
        self.op = request.POST.get("op", "") if self.post is not None else ""
        self.handoff = bs.draft_of(
            state,
            handoffs_visible_to(request.user).select_related("patient", "gym", "trainer", "clinic"),
        )
        if state["handoff_id"] is not None and self.handoff is None:
            bs.drop(request, bid)
            raise Http404("This draft no longer exists.")
        self.patient = (
            patients_visible_to(request.user).filter(pk=state["patient_id"]).first()
            if state["patient_id"]
            else None
        )
        if self.patient is not None:
            audit_read(request, patients=[self.patient.pk])
        if self.handoff is not None:
            audit_read(request, handoffs=[self.handoff.pk])

    @property
    def today(self) -> Any:
        return self.clinic.today()

    def save(self) -> None:
        bs.save(self.request, self.bid, self.state)

    def go(self, step: str) -> HttpResponse:
        return redirect("handoff:builder_step", bid=self.bid, step=step)

    def neighbour(self, offset: int) -> str:
        index = self.steps.index(self.step) + offset
        return self.steps[max(0, min(index, len(self.steps) - 1))]

    def moved(self) -> HttpResponse | None:
        """Back or a jump to another step (after the step saved what was typed)."""
        if self.nav == "back":
            return self.go(self.neighbour(-1))
        if self.nav.startswith("goto:") and self.nav[5:] in self.steps:
            return self.go(self.nav[5:])
        return None

    def done_and_next(self) -> HttpResponse:
        bs.mark_done(self.state, self.step)
        self.save()
        return self.moved() or self.go(self.neighbour(+1))

    def sync_draft(self) -> list[str]:
        """Rewrite the draft from the working copy; the service's refusals, if any."""
        if self.handoff is None or self.state["mode"] == "amend":
            return []
        try:
            services.update_draft(
                self.handoff, by=user_of(self.request), packet=bs.spec_of(self.state)
            )
        except ValidationError as exc:
            return [
                m
                for msgs in getattr(exc, "message_dict", {"": exc.messages}).values()
                for m in msgs
            ]
        except DomainError as exc:
            return [exc.detail]
        return []

    def render(
        self, template: str, context: dict[str, Any], *, errors: bool = False
    ) -> HttpResponse:
        title = "Amend the packet" if self.state["mode"] == "amend" else "New handoff"
        if self.state["mode"] == "edit":
            title = "Draft handoff"
        full = {
            "bid": self.bid,
            "state": self.state,
            "step": self.step,
            "step_title": bs.STEP_TITLES[self.step],
            "steps": [(s, bs.STEP_TITLES[s], s in self.state["done"]) for s in self.steps],
            "first": self.step == self.steps[0],
            "builder_title": title,
            "handoff": self.handoff,
            "patient": self.patient,
            "nav_active": reverse("handoff:builder_start") if self.state["mode"] == "new" else "",
            **context,
        }
        return render(
            self.request, f"handoff/builder/{template}", full, status=400 if errors else 200
        )


# --- The steps -------------------------------------------------------------------------------------


def step_patient(ctx: Ctx) -> HttpResponse:
    patients = [
        (
            p.pk,
            f"{p.last_name}, {p.first_name}"
            + (f" ({p.date_of_birth:%d %b %Y})" if p.date_of_birth else ""),
        )
        for p in patients_visible_to(ctx.request.user).order_by("last_name", "first_name")[:1000]
    ]
    if ctx.handoff is not None:  # a draft's patient is fixed
        if ctx.post is not None:
            return ctx.done_and_next()
        return ctx.render("patient.html", {"form": None, "locked": True})
    form = PatientStepForm(
        ctx.post, patients=patients, initial={"patient": ctx.state["patient_id"]}
    )
    if ctx.post is not None:
        if form.is_valid():
            ctx.state["patient_id"] = form.cleaned_data["patient"]
            return ctx.done_and_next()
        return ctx.render("patient.html", {"form": form}, errors=True)
    new_patient = reverse("clinics:patient_create") + "?next=" + reverse("handoff:builder_start")
    return ctx.render("patient.html", {"form": form, "new_patient_url": new_patient})


def step_clearance(ctx: Ctx) -> HttpResponse:
    if ctx.post is not None:
        raw = {name: ctx.post.get(name, "") for name in bs.CLEARANCE_FIELDS}
        ctx.state["clearance"] = raw
        form = ClearanceForm(raw)
        if ctx.nav == "back" or ctx.nav.startswith("goto:"):
            ctx.save()
            return ctx.moved()  # type: ignore[return-value]
        if form.is_valid():
            problems = ctx.sync_draft()
            if not problems:
                return ctx.done_and_next()
            form.add_error(None, problems)
        ctx.save()
        return ctx.render("clearance.html", {"form": form}, errors=True)
    return ctx.render("clearance.html", {"form": ClearanceForm(initial=ctx.state["clearance"])})


def _prefixed(row: dict[str, str], prefix: str) -> dict[str, str]:
    return {f"{prefix}-{name}": value for name, value in row.items()}


def _item_forms(rows: list[dict[str, str]], *, bound: bool) -> list[ProgramItemForm]:
    return [
        ProgramItemForm(
            _prefixed(row, f"item-{i}") if bound else None, initial=row, prefix=f"item-{i}"
        )
        for i, row in enumerate(rows)
    ]


def _library(search: dict[str, str]) -> list[Exercise]:
    form = LibrarySearchForm(search)
    if not search or not form.is_valid() or not any(form.cleaned_data.values()):
        return []
    exercises = Exercise.objects.all()
    data = form.cleaned_data
    for word in data["q"].split():
        exercises = exercises.filter(name__icontains=word)
    if data["region"]:
        exercises = exercises.filter(body_regions__icontains=f'"{data["region"]}"')
    if data["pattern"]:
        exercises = exercises.filter(patterns__icontains=f'"{data["pattern"]}"')
    return list(exercises.order_by("name")[:LIBRARY_RESULTS])


def _apply_item_op(op: str, rows: list[dict[str, str]], empty: dict[str, str]) -> str:
    """Add, remove or move a row; returns a sentence saying what happened, for the page."""
    verb, _, arg = op.partition(":")
    if verb == "add_free" and len(rows) < bs.MAX_ITEMS:
        rows.append(dict(empty))
        return "A new item was added at the end."
    if verb == "add" and arg.isdigit() and len(rows) < bs.MAX_ITEMS:
        exercise = Exercise.objects.filter(pk=int(arg)).first()
        if exercise is not None:
            rows.append({**empty, "exercise": str(exercise.pk), "name": exercise.name})
            return f"{exercise.name} was added at the end."
    if arg.isdigit() and int(arg) < len(rows):
        i = int(arg)
        if verb == "remove":
            gone = rows.pop(i)
            return f"{gone.get('name') or gone.get('text') or 'The item'} was removed."
        if verb == "up" and i > 0:
            rows[i - 1], rows[i] = rows[i], rows[i - 1]
            return f"{rows[i - 1].get('name') or 'The item'} moved up."
        if verb == "down" and i < len(rows) - 1:
            rows[i + 1], rows[i] = rows[i], rows[i + 1]
            return f"{rows[i + 1].get('name') or 'The item'} moved down."
    return ""


def _after_op(ctx: Ctx, status: str, anchor: str) -> HttpResponse:
    """Post, redirect, get: a reload never repeats an add, a move or a removal."""
    if status:
        messages.info(ctx.request, status)
    return redirect(reverse("handoff:builder_step", args=[ctx.bid, ctx.step]) + anchor)


def step_program(ctx: Ctx) -> HttpResponse:
    rows = ctx.state["program"]
    if ctx.post is not None:
        rows = bs.rows_from_post(ctx.post, "item", bs.ITEM_FIELDS)
        ctx.state["program"] = rows
        ctx.state["search"] = {
            k: ctx.post.get(f"library-{k}", "")[:100] for k in ("q", "region", "pattern")
        }
        empty = dict.fromkeys(bs.ITEM_FIELDS, "") | {"sets": "3", "reps": "10", "per_week": "3"}
        if ctx.op:
            status = _apply_item_op(ctx.op, rows, empty) if ctx.op != "search" else ""
            ctx.save()
            return _after_op(
                ctx, status, "#library-title" if ctx.op == "search" else "#program-title"
            )
        elif ctx.nav == "back" or ctx.nav.startswith("goto:"):
            ctx.save()
            return ctx.moved()  # type: ignore[return-value]
        else:
            forms = _item_forms(rows, bound=True)
            if all(f.is_valid() for f in forms) and forms:
                problems = ctx.sync_draft()
                if not problems:
                    return ctx.done_and_next()
                messages.error(ctx.request, " ".join(problems))
            ctx.save()
            return ctx.render(
                "program.html",
                {
                    "forms": forms,
                    "no_items": not forms,
                    "search": LibrarySearchForm(initial=ctx.state["search"], prefix="library"),
                    "results": _library(ctx.state["search"]),
                },
                errors=True,
            )
    context = {
        "forms": _item_forms(rows, bound=False),
        "search": LibrarySearchForm(initial=ctx.state["search"], prefix="library"),
        "results": _library(ctx.state["search"]),
        "searched": any(ctx.state["search"].values()),
    }
    return ctx.render("program.html", context)


def step_restrictions(ctx: Ctx) -> HttpResponse:
    day = bs.cleared_on(ctx.state)
    if ctx.post is not None:
        rows = bs.rows_from_post(ctx.post, "restriction", bs.RESTRICTION_FIELDS)
        ctx.state["restrictions"] = rows
        empty = dict.fromkeys(bs.RESTRICTION_FIELDS, "")
        if ctx.op:
            status = _apply_item_op(ctx.op.replace("add_restriction", "add_free"), rows, empty)
            ctx.save()
            return _after_op(ctx, status, "#restrictions-title")
        elif ctx.nav == "back" or ctx.nav.startswith("goto:"):
            ctx.save()
            return ctx.moved()  # type: ignore[return-value]
        else:
            forms = [
                RestrictionForm(
                    _prefixed(r, f"restriction-{i}"), cleared_on=day, prefix=f"restriction-{i}"
                )
                for i, r in enumerate(rows)
            ]
            if all(f.is_valid() for f in forms):
                problems = ctx.sync_draft()
                if not problems:
                    return ctx.done_and_next()
                messages.error(ctx.request, " ".join(problems))
            ctx.save()
            return ctx.render("restrictions.html", {"forms": forms, "cleared_on": day}, errors=True)
    forms = [
        RestrictionForm(initial=r, cleared_on=day, prefix=f"restriction-{i}")
        for i, r in enumerate(ctx.state["restrictions"])
    ]
    return ctx.render("restrictions.html", {"forms": forms, "cleared_on": day})


def step_safety(ctx: Ctx) -> HttpResponse:
    initial = {"red_flags": ctx.state["red_flags"], "pain_ceiling": ctx.state["pain_ceiling"]}
    if ctx.post is not None:
        form = SafetyForm(ctx.post)
        optional = {code for code, _ in OPTIONAL_SYMPTOMS}
        ctx.state["red_flags"] = [c for c in ctx.post.getlist("red_flags") if c in optional]
        ctx.state["pain_ceiling"] = ctx.post.get("pain_ceiling", "")[:3]
        if ctx.nav == "back" or ctx.nav.startswith("goto:"):
            ctx.save()
            return ctx.moved()  # type: ignore[return-value]
        if form.is_valid():
            problems = ctx.sync_draft()
            if not problems:
                return ctx.done_and_next()
            form.add_error(None, problems)
        ctx.save()
        return ctx.render("safety.html", {"form": form, "always": ALWAYS_SYMPTOMS}, errors=True)
    return ctx.render(
        "safety.html", {"form": SafetyForm(initial=initial), "always": ALWAYS_SYMPTOMS}
    )


def step_trainer(ctx: Ctx) -> HttpResponse:
    spec = bs.spec_of(ctx.state)
    ranked = ranked_trainers(ctx.request.user, handoff=ctx.handoff, spec=spec)
    choices = [(m.user_id, m.user.name) for m in ranked]
    current = ctx.state["trainer_id"]
    if current is not None and current not in dict(choices) and ctx.handoff is not None:
        choices.append((current, ctx.handoff.trainer.name))
    form = TrainerForm(ctx.post, trainers=choices, initial={"trainer": current})
    context: dict[str, Any] = {"form": form, "ranked": ranked, "current": current}
    if ctx.post is None:
        return ctx.render("trainer.html", context)
    if ctx.nav == "back" or ctx.nav.startswith("goto:"):
        return ctx.moved()  # type: ignore[return-value]
    if not form.is_valid():
        return ctx.render("trainer.html", context, errors=True)
    trainer = next((m.user for m in ranked if m.user_id == form.cleaned_data["trainer"]), None)
    if (
        trainer is None
        and ctx.handoff is not None
        and form.cleaned_data["trainer"] == ctx.handoff.trainer_id
    ):
        trainer = ctx.handoff.trainer
    try:
        _address(ctx, trainer, spec)
    except ValidationError as exc:
        for msgs in getattr(exc, "message_dict", {"trainer": exc.messages}).values():
            for message in msgs:
                form.add_error("trainer", message)
        return ctx.render("trainer.html", context, errors=True)
    except DomainError as exc:
        form.add_error("trainer", exc.detail)
        return ctx.render("trainer.html", context, errors=True)
    return ctx.done_and_next()


def _address(ctx: Ctx, trainer: Any, spec: Any) -> None:
    """The trainer creates the draft (once, however many times the form is sent)."""
    if ctx.handoff is not None:
        services.update_draft(ctx.handoff, by=user_of(ctx.request), trainer=trainer, packet=spec)
        ctx.state["trainer_id"] = trainer.pk
        return
    if ctx.patient is None:
        raise Conflict("Choose the patient first.", code="patient_required")
    key = f"builder:{ctx.bid}:create"
    if not claim_once(key):
        raise Conflict(
            "This draft is being created already: wait a moment and reload.", code="busy"
        )
    try:
        handoff = services.create_handoff(
            patient=ctx.patient, trainer=trainer, packet=spec, by=user_of(ctx.request)
        )
    except Exception:
        release_once(key)
        raise
    ctx.state["handoff_id"] = handoff.pk
    ctx.state["trainer_id"] = trainer.pk
    ctx.handoff = handoff


def step_consent(ctx: Ctx) -> HttpResponse:
    if ctx.handoff is None:
        messages.info(ctx.request, "Choose the trainer first: consent is given to their gym.")
        return ctx.go("trainer")
    handoff = ctx.handoff
    covering = services.consent_covering(handoff, today=ctx.today)
    form = ConsentForm(ctx.post, today=ctx.today, initial={"signed_on": ctx.today})
    context: dict[str, Any] = {"form": form, "covering": covering}
    try:
        context["request_text"] = consent_request(handoff)["authorization_text"]
    except DomainError as exc:
        context["form_problem"] = exc.detail
    if ctx.post is None:
        return ctx.render("consent.html", context)
    if ctx.nav == "back" or ctx.nav.startswith("goto:") or ctx.op != "record":
        return ctx.moved() or ctx.done_and_next()
    if covering is not None:  # a second click on "Record": the first one did it
        return ctx.done_and_next()
    if not form.is_valid():
        return ctx.render("consent.html", context, errors=True)
    try:
        services.record_consent(
            handoff,
            by=user_of(ctx.request),
            signed_on=form.cleaned_data["signed_on"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except ValidationError as exc:
        for field, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
            form.add_error(field if field in form.fields else None, msgs)
        return ctx.render("consent.html", context, errors=True)
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return ctx.render("consent.html", context, errors=True)
    messages.success(ctx.request, f"Consent recorded for {handoff.gym.name}.")
    return ctx.done_and_next()


# --- Review and send ------------------------------------------------------------------------------------


def _preview(ctx: Ctx) -> dict[str, Any]:
    spec = bs.spec_of(ctx.state)
    check = check_packet(spec, today=ctx.today)
    names = [i.name for i in spec.program]
    texts = [r.text for r in spec.restrictions]
    overridden = {(o.item, o.restriction): o.reason for o in spec.overrides}
    items = []
    for position, item in enumerate(spec.program, start=1):
        conflicts = [
            {
                "conflict": c,
                "key": bs.override_key(item.name, texts[c.restriction - 1]),
                "reason": overridden.get((position, c.restriction), ""),
                "restriction": texts[c.restriction - 1],
            }
            for c in check.for_item(position)
        ]
        items.append({"item": item, "position": position, "conflicts": conflicts})
    exercises = Exercise.objects.in_bulk({i.exercise for i in spec.program if i.exercise})
    return {
        "spec": spec,
        "items": items,
        "check": check,
        "exercises": exercises,
        "names": names,
        "clearance_label": ClearanceLevel(spec.clearance.level).label if spec.clearance else "",
        "unresolved": [c for c in check.blocks if (c.item, c.restriction) not in overridden],
        "always": ALWAYS_SYMPTOMS,
        "red_flag_labels": [label for code, label in OPTIONAL_SYMPTOMS if code in spec.red_flags],
    }


def _refusals(ctx: Ctx) -> list[dict[str, str]]:
    """What would stop a send now (read in a transaction: the service locks as it checks)."""
    if ctx.handoff is None or ctx.state["mode"] == "amend":
        return []
    version = _current(ctx.handoff)
    with transaction.atomic():
        return _rows(services.send_refusals(ctx.handoff, version, today=ctx.today))


def _rows(reasons: list[Reason]) -> list[dict[str, str]]:
    """Each refusal with the step that fixes it."""
    rows = []
    for reason in reasons:
        step = REFUSAL_STEPS.get(reason.code, "")
        rows.append(
            {
                "code": reason.code,
                "detail": reason.detail,
                "step": step,
                "step_title": bs.STEP_TITLES.get(step, ""),
            }
        )
    return rows


def _save_overrides(ctx: Ctx) -> None:
    for key in ctx.request.POST:
        if key.startswith("override:"):
            reason = ctx.request.POST.get(key, "").strip()[:500]
            if reason:
                ctx.state["overrides"][key[9:]] = reason
            else:
                ctx.state["overrides"].pop(key[9:], None)


def step_review(ctx: Ctx) -> HttpResponse:
    change_form = ChangeNoteForm(ctx.post if ctx.state["mode"] == "amend" else None)
    if ctx.post is not None:
        _save_overrides(ctx)
        ctx.save()
        problems = ctx.sync_draft()
        if ctx.nav:
            return ctx.moved() or ctx.go("review")
        if problems:
            messages.error(ctx.request, " ".join(problems))
        elif ctx.op == "send":
            return _send(ctx)
        elif ctx.op == "amend":
            return _amend(ctx, change_form)
        elif ctx.op == "save":
            messages.success(ctx.request, "Override reasons saved.")
            return ctx.go("review")
    context = {**_preview(ctx), "refusals": _refusals(ctx), "change_form": change_form}
    return ctx.render("review.html", context, errors=bool(ctx.post) and bool(change_form.errors))


def _send(ctx: Ctx) -> HttpResponse:
    handoff = ctx.handoff
    if handoff is None:
        return ctx.go("trainer")
    try:
        services.send_handoff(handoff, by=user_of(ctx.request))
    except Conflict as exc:
        handoff.refresh_from_db()
        if handoff.status == Handoff.Status.SENT:  # a double click: the first one sent it
            bs.drop(ctx.request, ctx.bid)
            messages.info(ctx.request, "This handoff was already sent.")
            return redirect("handoff:detail", pk=handoff.pk)
        context = {
            **_preview(ctx),
            "refusals": _rows(exc.reasons or [Reason(exc.code, exc.detail)]),
            "refused": True,
            "change_form": None,
        }
        return ctx.render("review.html", context, errors=True)
    bs.drop(ctx.request, ctx.bid)
    messages.success(
        ctx.request,
        f"Sent to {handoff.trainer.name} at {handoff.gym.name}. They have {_days()} days to answer.",
    )
    return redirect("handoff:detail", pk=handoff.pk)


def _days() -> int:
    from django.conf import settings

    return int(settings.HANDOFF_RESPONSE_DAYS)


def _amend(ctx: Ctx, change_form: ChangeNoteForm) -> HttpResponse:
    handoff = get_object_or_404(handoffs_visible_to(ctx.request.user), pk=ctx.state["handoff_id"])
    if not change_form.is_valid():
        context = {**_preview(ctx), "refusals": [], "change_form": change_form}
        return ctx.render("review.html", context, errors=True)
    try:
        version = services.amend_packet(
            handoff,
            by=user_of(ctx.request),
            packet=bs.spec_of(ctx.state),
            change_note=change_form.cleaned_data["change_note"],
            based_on=ctx.state["base_version"],
        )
    except (Conflict, ValidationError) as exc:
        if isinstance(exc, Conflict) and exc.code == "changed_meanwhile":
            bs.drop(ctx.request, ctx.bid)
            messages.error(ctx.request, exc.detail)
            return redirect("handoff:detail", pk=handoff.pk)
        detail = exc.detail if isinstance(exc, Conflict) else " ".join(exc.messages)
        context = {
            **_preview(ctx),
            "refusals": _rows([Reason(getattr(exc, "code", "invalid"), detail)]),
            "refused": True,
            "change_form": change_form,
        }
        return ctx.render("review.html", context, errors=True)
    bs.drop(ctx.request, ctx.bid)
    messages.success(
        ctx.request,
        f"Version {version.number} saved and sent to {handoff.trainer.name} to acknowledge.",
    )
    return redirect(
        reverse("handoff:detail", args=[handoff.pk])
        + f"?from={version.number - 1}&to={version.number}#diff"
    )


STEP_VIEWS = {
    "patient": step_patient,
    "clearance": step_clearance,
    "program": step_program,
    "restrictions": step_restrictions,
    "safety": step_safety,
    "trainer": step_trainer,
    "consent": step_consent,
    "review": step_review,
}
