"""The notifications page (mark read, acknowledge urgent notices) and the preferences page.

A person sees only their own notifications (``notifications_visible_to``); another person's id
is a 404. Notices held back by quiet hours say when their email will go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import services
from notifications.forms import PreferencesForm
from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.selectors import access_notification, notifications_visible_to

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notices = notifications_visible_to(_user(request)).prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("-created_at"), to_attr="emails")
    )
    if request.GET.get("show") == "unread":
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for notice in page:
        notice.email_note = _email_note(notice, now)  # type: ignore[attr-defined]
    context = {"page_obj": page, "show": request.GET.get("show", "all")}
    return render(request, "notifications/list.html", context)


def _email_note(notice: Notification, now) -> str:
    """What happened to the email: held by quiet hours, sent, or not delivered."""
    emails = getattr(notice, "emails", [])
    if not emails:
        return ""
    email = emails[0]
    if email.status == Delivery.Status.PENDING and email.next_attempt_at > now:
        local = timezone.localtime(email.next_attempt_at)
        day = "" if local.date() == timezone.localdate(now) else f" {local:%a %d %b}"
        return f"Held by your quiet hours: email at {local:%H:%M}{day}."
    if email.status == Delivery.Status.FAILED:
        return "The email could not be delivered."
    if email.status == Delivery.Status.SENT:
        return "Emailed."
    return ""


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notification(_user(request), pk)
    services.mark_read(notice, by=_user(request))
    return _back(request)


@login_required
@require_POST
def notification_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notification(_user(request), pk)
    services.acknowledge(notice, by=_user(request))
    messages.success(request, f"Acknowledged: {notice.title}. Reminders about it have stopped.")
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    count = (
        notifications_visible_to(_user(request)).filter(read_at__isnull=True).update(read_at=now)
    )
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return _back(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref = services.preference_for(_user(request))
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            chosen = set(data["email_kinds"])
            start, end = data["quiet_start"], data["quiet_end"]
            services.update_preferences(
                _user(request),
                time_zone=data["time_zone"],
                quiet_hours=(start, end) if start is not None else None,
                nudge_hour=data["nudge_hour"],
                email={kind: kind in chosen for kind in Kind.values},
            )
            messages.success(request, "Your preferences are saved.")
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(initial=PreferencesForm.initial_for(pref))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
