"""Partnerships between clinics and gyms: the transitions (reads are in ``selectors``).

Lifecycle: proposed → active ↔ suspended → ended (terminal; a proposal may also be ended,
which withdraws or declines it). The other side's admin accepts a proposal. Each transition is a
conditional ``UPDATE … WHERE status IN (…)`` that must touch exactly one row, so two admins
acting at once cannot both win; the loser gets a 409 saying what happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden
from organisations.models import Partnership
from organisations.roles import actor_for
from organisations.selectors import partnership_between

if TYPE_CHECKING:
    from accounts.models import User
    from clinics.models import Clinic
    from gyms.models import Gym

Status = Partnership.Status
Side = Partnership.Side

# --- Who acts for which side ----------------------------------------------------------------


def _is_operator(user: User) -> bool:
    """The site operator (Django admin) may act for either side."""
    return bool(user.is_staff and user.has_perm("organisations.change_partnership"))


def _sides_of(user: User, *, clinic_id: int, gym_id: int) -> set[str]:
    actor = actor_for(user)
    if not actor.is_admin:
        return set()
    if actor.clinic_id == clinic_id:
        return {Side.CLINIC}
    if actor.gym_id == gym_id:
        return {Side.GYM}
    return set()


def _require_either_side(partnership: Partnership, by: User, doing: str) -> None:
    sides = _sides_of(by, clinic_id=partnership.clinic_id, gym_id=partnership.gym_id)
    if not sides and not _is_operator(by):
        raise Forbidden(f"Only an admin of the clinic or the gym can {doing} this partnership.")


# --- Transitions ------------------------------------------------------------------------------


def propose_partnership(
    *, clinic: Clinic, gym: Gym, by: User, side: str | None = None
) -> Partnership:
    """An admin of the clinic or of the gym proposes working together.

    ``side`` is only for the site operator, who belongs to neither side and says for whom they
    propose; an organisation's admin always proposes for their own side.
    """
    sides = _sides_of(by, clinic_id=clinic.pk, gym_id=gym.pk)
    if sides:
        side = sides.pop()
    elif not (_is_operator(by) and side in Side.values):
        raise Forbidden("Only an admin of the clinic or the gym can propose a partnership.")
    existing = partnership_between(clinic, gym)
    if existing is not None:
        raise Conflict(
            f"{clinic.name} and {gym.name} already have a partnership "
            f"({existing.get_status_display().lower()}).",
            code="partnership_exists",
        )
    try:
        with transaction.atomic():
            return Partnership.objects.create(
                clinic=clinic,
                gym=gym,
                status=Status.PROPOSED,
                proposed_by_side=side,
                proposed_by=by,
            )
    except IntegrityError as exc:  # a concurrent proposal for the same pair won
        raise Conflict(
            f"{clinic.name} and {gym.name} already have a partnership.", code="partnership_exists"
        ) from exc


def _transition(
    partnership: Partnership,
    *,
    allowed_from: tuple[str, ...],
    to: str,
    refusal: str,
    **changes: object,
) -> Partnership:
    with transaction.atomic():
        moved = Partnership.objects.filter(pk=partnership.pk, status__in=allowed_from).update(
            status=to, **changes
        )
        partnership.refresh_from_db()
        if moved != 1:
            raise Conflict(
                refusal.format(status=partnership.get_status_display().lower()),
                code="partnership_state",
            )
    return partnership


def accept_partnership(partnership: Partnership, *, by: User) -> Partnership:
    """The other side's admin accepts a proposal: proposed → active."""
    sides = _sides_of(by, clinic_id=partnership.clinic_id, gym_id=partnership.gym_id)
    other_side = Side.GYM if partnership.proposed_by_side == Side.CLINIC else Side.CLINIC
    if other_side not in sides and not _is_operator(by):
        raise Forbidden(
            f"Only an admin of the {other_side} can accept this proposal: "
            "the side that proposed it cannot accept it too."
        )
    return _transition(
        partnership,
        allowed_from=(Status.PROPOSED,),
        to=Status.ACTIVE,
        refusal="Only a proposed partnership can be accepted; this one is {status}.",
        activated_at=timezone.now(),
    )


def suspend_partnership(partnership: Partnership, *, by: User) -> Partnership:
    """Pause an active partnership: no new handoffs go across it. Active → suspended."""
    _require_either_side(partnership, by, "suspend")
    return _transition(
        partnership,
        allowed_from=(Status.ACTIVE,),
        to=Status.SUSPENDED,
        refusal="Only an active partnership can be suspended; this one is {status}.",
    )


def reactivate_partnership(partnership: Partnership, *, by: User) -> Partnership:
    """Resume a suspended partnership. Suspended → active."""
    _require_either_side(partnership, by, "reactivate")
    return _transition(
        partnership,
        allowed_from=(Status.SUSPENDED,),
        to=Status.ACTIVE,
        refusal="Only a suspended partnership can be reactivated; this one is {status}.",
        activated_at=timezone.now(),
    )


def end_partnership(partnership: Partnership, *, by: User) -> Partnership:
    """End a partnership for good (or withdraw or decline a proposal). Terminal."""
    _require_either_side(partnership, by, "end")
    return _transition(
        partnership,
        allowed_from=(Status.PROPOSED, Status.ACTIVE, Status.SUSPENDED),
        to=Status.ENDED,
        refusal="This partnership is already {status}.",
        ended_at=timezone.now(),
    )
