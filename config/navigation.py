"""What the page frame shows a signed-in person: their organisation, their links, their unread count.

Links are listed per role and shown only when their page exists (``reverse`` succeeds), so a role's
pages can arrive one app at a time without a dead link in the header. A link appears only for the
roles that may follow it (issue 13: no "Staff" link for a therapist who would get a 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from organisations.roles import Actor, actor_for

# (label, url name) per role, in the order they appear. The first that exists is the role's home.
NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "therapist": (
        ("Dashboard", "dashboard"),
        ("Patients", "clinics:patient_list"),
        ("Handoffs", "handoff:list"),
        ("New handoff", "handoff:builder_start"),
    ),
    "trainer": (
        ("My clients", "trainer:home"),
        ("Handoffs", "handoff:list"),
    ),
    "patient": (
        ("My plan", "portal:home"),
        ("My handoffs", "handoff:list"),
    ),
    "clinic_admin": (
        ("Clinic", "orgadmin:home"),
        ("Staff", "staff"),
    ),
    "gym_admin": (
        ("Gym", "orgadmin:home"),
        ("Staff", "staff"),
    ),
}


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


def _resolve(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def nav_links(actor: Actor) -> list[NavLink]:
    links = []
    for label, name in NAV.get(actor.role or "", ()):
        url = _resolve(name)
        if url is not None:
            links.append(NavLink(label, url))
    return links


def home_url(actor: Actor) -> str | None:
    """Where this person lands after logging in: the first page of their role that exists."""
    links = nav_links(actor)
    return links[0].url if links else None


def organisation_name(actor: Actor) -> str:
    if actor.clinic_membership is not None:
        return actor.clinic_membership.clinic.name
    if actor.gym_membership is not None:
        return actor.gym_membership.gym.name
    if actor.patient is not None:
        return actor.patient.clinic.name
    return ""


def frame(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the header's organisation, links and unread count (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_for(user)
    current = request.path
    links = nav_links(actor)
    active = max((link.url for link in links if current.startswith(link.url)), key=len, default="")
    return {
        "actor": actor,
        "nav_links": links,
        "nav_active": active,
        "organisation_name": organisation_name(actor),
        **unread(user),
    }


# The badge counts unread notifications up to this many and then says "99+": a trainer who never
# reads them must not make every page count thousands of rows.
UNREAD_CAP = 100


def unread(user: Any) -> dict[str, Any]:
    """``unread_count`` (at most ``UNREAD_CAP``) and ``unread_label`` for the header's badge."""
    from notifications.models import Notification

    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    count = mine[:UNREAD_CAP].count()  # COUNT(*) over a LIMIT: never more rows than the cap
    label = f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)
    return {"unread_count": count, "unread_label": label}
