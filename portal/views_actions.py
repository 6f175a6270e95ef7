"""What the patient does in the portal: log a session, write a message, give or revoke consent,
and get in through the invitation link.

Each write is one call to the same service the API uses (``handoff.services``,
``accounts.services``). A refused action (409) is shown as a message with the state as it is
now; a field the service refuses (400) is shown next to that field with the input kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.errors import InvitationUnusable
from accounts.forms import AcceptInvitationForm
from accounts.middleware import start_session_clock
from accounts.selectors import invitation_from_token
from accounts.services import accept_invitation
from audit.services import record_access
from core.errors import DomainError
from handoff import services
from handoff.api.handoffs_activity import consent_body
from handoff.models import Handoff, RedFlagReport
from handoff.vocabularies import Symptom
from portal import plain, selectors
from portal.forms import GrantConsentForm, MessageForm, RevokeConsentForm, SessionLogForm
from portal.handout import contacts
from portal.services import ask_for_new_invitation
from portal.views import audit, me, patient_page, posted

TRAINING = (Handoff.Status.ACCEPTED, Handoff.Status.REFERRED_BACK)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's field errors next to the fields (the rest at the top)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Log a session ---------------------------------------------------------------------------------


@patient_page
def log_session(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = selectors.my_handoff(me(request), pk)
    version = selectors.latest_version(handoff)
    assert version is not None  # noqa: S101 - a sent handoff always has a version
    choices = plain.symptom_choices(version)
    form = SessionLogForm(
        posted(request),
        symptoms=[(code, label) for code, label, _ in choices],
        today=handoff.clinic.today(),
    )
    if request.method == "POST" and form.is_valid():
        earlier = _sent_before(request, handoff, form.cleaned_data["nonce"])
        if earlier is not None:
            return redirect("portal:logged", handoff.pk, earlier)
        try:
            log = services.log_session(handoff, by=me(request), **form.service_arguments())
        except ValidationError as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect("portal:plan", handoff.pk)
        else:
            record_access(request, action="create", object_type="session_log", object_ids=[log.pk])
            _remember_sent(request, form.cleaned_data["nonce"], log.pk)
            return redirect("portal:logged", handoff.pk, log.pk)
    audit(request, handoff)
    context = {
        "handoff": handoff,
        "version": version,
        "form": form,
        "urgent_codes": [code for code, _, urgent in choices if urgent],
        "can_log": handoff.status in TRAINING,
        "pain_explained": plain.pain_ceiling_explained(version.pain_ceiling),
    }
    return render(request, "portal/log_session.html", context, status=400 if form.errors else 200)


SENT_KEY = "portal_sent_logs"


def _sent_before(request: HttpRequest, handoff: Handoff, nonce: str) -> int | None:
    log_id = request.session.get(SENT_KEY, {}).get(nonce) if nonce else None
    if log_id is not None and handoff.session_logs.filter(pk=log_id).exists():
        return int(log_id)
    return None


def _remember_sent(request: HttpRequest, nonce: str, log_id: int) -> None:
    if not nonce:
        return
    sent = dict(list(request.session.get(SENT_KEY, {}).items())[-19:])  # the last 20 are enough
    sent[nonce] = log_id
    request.session[SENT_KEY] = sent


@patient_page
def logged(request: HttpRequest, pk: int, log_id: int) -> HttpResponse:
    """After a session is saved: "well done", or at once the pause message."""
    handoff = selectors.my_handoff(me(request), pk)
    log = selectors.my_session_log(handoff, log_id)
    report = RedFlagReport.objects.filter(handoff=handoff, session_log=log).first()
    record_access(request, action="read", object_type="session_log", object_ids=[log.pk])
    version = selectors.latest_version(handoff)
    context = {
        "handoff": handoff,
        "log": log,
        "report": report,
        "symptoms": [Symptom(c).label for c in (report.symptoms if report else [])],
        "ceiling": version.pain_ceiling if version else None,
        "urgent_care": plain.URGENT_CARE,
        "contacts": contacts(handoff),
    }
    return render(request, "portal/logged.html", context)


# --- Messages ---------------------------------------------------------------------------------------


@patient_page
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = selectors.my_handoff(me(request), pk)
    form = MessageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.post_message(handoff, by=me(request), body=form.cleaned_data["body"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect("portal:messages", handoff.pk)
        else:
            messages.success(request, "Sent. Your physical therapist and your trainer can read it.")
            return redirect("portal:messages", handoff.pk)
    thread = list(
        handoff.messages.filter(to_patient=True).select_related("author").order_by("created_at")
    )
    record_access(request, action="list", object_type="message", object_ids=[m.pk for m in thread])
    context = {
        "handoff": handoff,
        "thread": thread,
        "form": form,
        "can_write": handoff.status in Handoff.OPEN_STATUSES,
    }
    return render(request, "portal/messages.html", context, status=400 if form.errors else 200)


# --- My consent --------------------------------------------------------------------------------------


def _consent_context(request: HttpRequest, handoff: Handoff) -> dict[str, Any]:
    body = consent_body(handoff)
    elements = body["elements"]
    return {
        "handoff": handoff,
        "consent": body,
        "what": elements.get("information", ""),
        "purpose": elements.get("purpose", ""),
        "recipient": elements.get("recipient", ""),
        "discloser": elements.get("discloser", ""),
        "can_grant": body["state"] != "active" and handoff.status not in Handoff.TERMINAL_STATUSES,
        "can_revoke": body["state"] == "active",
    }


@patient_page
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """What is shared, with whom, for what, until when; and signing it in the portal."""
    handoff = selectors.my_consent_request(me(request), pk)
    form = GrantConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_consent(handoff, by=me(request))
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request, f"Thank you. You agreed to share your plan with {handoff.gym.name}."
            )
        return redirect("portal:consent", handoff.pk)
    try:
        context = _consent_context(request, handoff)
    except DomainError as exc:  # the clinic's form is incomplete
        messages.error(request, exc.detail)
        return redirect("portal:home")
    record_access(request, action="consent", object_type="patient", object_ids=[handoff.patient_id])
    context["form"] = form
    return render(request, "portal/consent.html", context, status=400 if form.errors else 200)


@patient_page
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first; on yes, revoke at once: the trainer loses access immediately."""
    handoff = selectors.my_consent_request(me(request), pk)
    form = RevokeConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_consent(handoff, by=me(request), note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                f"Done. {handoff.gym.name} can no longer see your plan. "
                "Your physical therapist has been told.",
            )
        return redirect("portal:consent", handoff.pk)
    record_access(request, action="consent", object_type="patient", object_ids=[handoff.patient_id])
    return render(request, "portal/revoke.html", {"handoff": handoff, "form": form})


# --- Getting in --------------------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: choose a password, and land on the plan, already logged in."""
    try:
        invitation = invitation_from_token(token)
    except InvitationUnusable as exc:
        return _link_gone(request, token, exc)
    form = AcceptInvitationForm(posted(request), initial={"name": invitation.user.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                token, password=form.cleaned_data["password1"], name=form.cleaned_data["name"]
            )
        except InvitationUnusable as exc:
            return _link_gone(request, token, exc)
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            start_session_clock(request)
            messages.success(request, "Welcome. Your password is set; this is your plan.")
            return redirect("portal:home")
    context = {"form": form, "email": invitation.user.email}
    return render(request, "portal/welcome.html", context, status=400 if form.errors else 200)


def _link_gone(request: HttpRequest, token: str, exc: InvitationUnusable) -> HttpResponse:
    context = {"detail": exc.detail, "code": exc.code, "token": token}
    return render(request, "portal/welcome_gone.html", context, status=410)


@require_POST
@csrf_protect
@never_cache
def ask_for_new_link(request: HttpRequest, token: str) -> HttpResponse:
    """Always the same answer, whatever the link was: it reveals nothing."""
    ask_for_new_invitation(token)
    return render(request, "portal/welcome_asked.html")
