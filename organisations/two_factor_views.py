"""An organisation's admin resets a colleague's two-factor sign-in (a lost phone): ``/staff/``.

Only members of the admin's own clinic or gym can be reset; anyone else's id is a 404, as is the
page for someone who is not an admin. The admin is expected to check who is asking first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.otp import reset_two_factor
from clinics.selectors import clinic_staff
from core.errors import DomainError
from gyms.selectors import gym_staff
from organisations.roles import actor_for


def colleague_of_admin(admin: User, user_id: int) -> User:
    """A member of the admin's own organisation, or 404."""
    actor = actor_for(admin)
    if not actor.is_admin:
        raise Http404("Only an organisation's admins manage its staff.")
    members = clinic_staff(admin) if actor.clinic_membership else gym_staff(admin)
    member = members.filter(user_id=user_id).first()
    if member is None:
        raise Http404("No such colleague.")
    return member.user


@require_POST
@csrf_protect
@login_required
def staff_reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = request.user
    assert isinstance(admin, User)  # noqa: S101 - login_required
    colleague = colleague_of_admin(admin, user_id)
    try:
        reset_two_factor(colleague, by=admin)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            f"Two-factor sign-in of {colleague.email} is reset: they set up a new app at their "
            "next login.",
        )
    return redirect("staff")
