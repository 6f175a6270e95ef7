"""State changes for gyms: staff and certifications.

Verb-first, keyword-only, one transaction each. Refusals are ``core.errors.Forbidden`` (403)
and ``Conflict`` (409); bad values are Django ``ValidationError``s keyed by field (400).
Knows nothing of clinics.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.existing_accounts import tell_existing_account_holder
from accounts.models import User, normalize_email
from core.errors import Conflict, Forbidden
from gyms.models import Certification, Gym, GymMembership, Specialty
from notifications.services import ensure_preference

EMAIL_TAKEN = (
    "This email address cannot be used for a new login: it already belongs to someone in Baton. "
    "Use another address."
)


def _is_gym_admin(gym: Gym, user: User) -> bool:
    return GymMembership.objects.filter(gym=gym, user_id=user.pk, is_admin=True).exists()


def _clean_specialties(specialties: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(str(code) for code in specialties))
    unknown = [code for code in codes if code not in Specialty.values]
    if unknown:
        raise ValidationError({"specialties": [f"Unknown specialty: {', '.join(unknown)}."]})
    return codes


def invite_gym_staff(
    gym: Gym,
    *,
    email: str,
    name: str,
    role: str,
    specialties: Iterable[str] = (),
    capacity: int = 5,
    by: User,
) -> GymMembership | None:
    """Invite a trainer or an admin to the gym. Only an admin of that gym may.

    A login belongs to one organisation, so an address that already has a login is not
    invited: its holder is told by email, the caller answers as usual, and this returns ``None``.
    """
    from accounts.services import invite_user  # accounts may load after this module

    email = normalize_email(email)
    is_admin = role == GymMembership.Role.ADMIN
    membership = GymMembership(
        gym=gym,
        role=role,
        is_admin=is_admin,
        specialties=_clean_specialties(specialties),
        capacity=capacity,
    )
    membership.full_clean(exclude=["user"])
    with transaction.atomic():
        if not _is_gym_admin(gym, by):
            raise Forbidden(f"Only an admin of {gym.name} can invite its staff.")
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            # No oracle: the admin gets the usual answer; the address's owner is told.
            tell_existing_account_holder(existing, invited_by=by, where=gym.name)
            return None
        try:
            # A savepoint: a concurrent invitation of the same address loses here, not with a 500.
            with transaction.atomic():
                user, _invitation = invite_user(
                    email=email, name=name, purpose="staff", invited_by=by
                )
        except IntegrityError as exc:
            raise Conflict(EMAIL_TAKEN, code="email_taken") from exc
        membership.user = user
        membership.save()
        ensure_preference(user, time_zone=gym.time_zone)
    return membership


def add_certification(
    trainer: GymMembership,
    *,
    body: str,
    number: str,
    expires_on: datetime.date,
    by: User,
) -> Certification:
    """Record a trainer's certification. The trainer or an admin of their gym may."""
    if trainer.role != GymMembership.Role.TRAINER:
        raise Conflict("Only trainers hold certifications.", code="not_a_trainer")
    today = trainer.gym.today()
    if expires_on < today:
        raise ValidationError({"expires_on": ["This certification has already expired."]})
    certification = Certification(
        trainer=trainer, body=body, number=number.strip(), expires_on=expires_on
    )
    certification.full_clean(exclude=["trainer"], validate_unique=False)
    with transaction.atomic():
        if trainer.user_id != by.pk and not _is_gym_admin(trainer.gym, by):
            raise Forbidden("Only the trainer or an admin of their gym can add a certification.")
        duplicate = Certification.objects.filter(
            trainer=trainer, body=body, number=certification.number
        ).exists()
        if duplicate:
            raise Conflict("This certification is already recorded.", code="duplicate")
        try:
            with transaction.atomic():
                certification.save()
        except IntegrityError as exc:
            raise Conflict("This certification is already recorded.", code="duplicate") from exc
    return certification


def _require_gym_admin(gym: Gym, by: User, doing: str) -> None:
    if not _is_gym_admin(gym, by):
        raise Forbidden(f"Only an admin of {gym.name} can {doing}.")


def update_trainer(
    trainer: GymMembership, *, by: User, specialties: Iterable[str], capacity: int
) -> GymMembership:
    """An admin of the gym sets a trainer's specialties and how many open handoffs they take.

    Lowering the capacity below the trainer's open handoffs closes nothing: it only stops new
    packets from being sent to them until they are under it again.
    """
    if trainer.role != GymMembership.Role.TRAINER:
        raise Conflict("Only trainers have specialties and a capacity.", code="not_a_trainer")
    codes = _clean_specialties(specialties)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 0 <= capacity <= 100:
        raise ValidationError({"capacity": ["Capacity is a whole number from 0 to 100."]})
    with transaction.atomic():
        _require_gym_admin(trainer.gym, by, "change its trainers")
        GymMembership.objects.filter(pk=trainer.pk).update(specialties=codes, capacity=capacity)
    trainer.specialties, trainer.capacity = codes, capacity
    return trainer


def renew_certification(
    certification: Certification, *, by: User, expires_on: datetime.date, number: str = ""
) -> Certification:
    """Record a renewed certification: a new expiry date (and number, when it changed).

    The trainer or an admin of their gym may. A renewal ends in the future and later than the
    expiry it replaces.
    """
    trainer = certification.trainer
    today = trainer.gym.today()
    if expires_on <= today:
        raise ValidationError({"expires_on": ["A renewed certification expires after today."]})
    if expires_on <= certification.expires_on:
        raise ValidationError(
            {
                "expires_on": [
                    f"Give an expiry later than the current one ({certification.expires_on})."
                ]
            }
        )
    number = number.strip() or certification.number
    if len(number) > 64:
        raise ValidationError({"number": ["Ensure this value has at most 64 characters."]})
    with transaction.atomic():
        if trainer.user_id != by.pk and not _is_gym_admin(trainer.gym, by):
            raise Forbidden("Only the trainer or an admin of their gym can renew a certification.")
        clash = (
            Certification.objects.filter(trainer=trainer, body=certification.body, number=number)
            .exclude(pk=certification.pk)
            .exists()
        )
        if clash:
            raise Conflict("This certification is already recorded.", code="duplicate")
        Certification.objects.filter(pk=certification.pk).update(
            expires_on=expires_on, number=number
        )
    certification.expires_on, certification.number = expires_on, number
    return certification


def deactivate_gym_staff(membership: GymMembership, *, by: User) -> GymMembership:
    """An admin of the gym shuts a colleague's login out (their history stays)."""
    from accounts.services import deactivate_user  # accounts may load after this module

    with transaction.atomic():
        _require_gym_admin(membership.gym, by, "deactivate its staff")
        deactivate_user(membership.user, by=by)
    return membership
