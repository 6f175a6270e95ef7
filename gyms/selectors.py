"""Reads of gyms, their trainers and certifications, scoped to the person asking.

Knows nothing of clinics: which gyms a clinic may hand off to is the handoff app's question
(``handoff.selectors.trainers_available_to``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from gyms.models import Certification, Gym, GymMembership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def membership_of(user: User | AnonymousUser) -> GymMembership | None:
    """The user's place at a gym (with the gym), or ``None``."""
    if not user.is_authenticated:
        return None
    return GymMembership.objects.select_related("gym").filter(user_id=user.pk).first()


def gym_staff(user: User | AnonymousUser) -> QuerySet[GymMembership]:
    """The staff of the user's own gym (the user included); anyone else: none."""
    if not user.is_authenticated or not user.is_active:
        return GymMembership.objects.none()
    gym_ids = GymMembership.objects.filter(user_id=user.pk).values_list("gym_id", flat=True)
    return (
        GymMembership.objects.filter(gym_id__in=gym_ids)
        .select_related("user", "gym")
        .order_by("user__name", "pk")
    )


def gym_admins(gym: Gym) -> QuerySet[GymMembership]:
    """Who manages a gym (for notices such as an expiring certification). Not scoped."""
    return GymMembership.objects.filter(
        gym=gym, is_admin=True, user__is_active=True
    ).select_related("user")


def certified_trainers(*, on: datetime.date) -> QuerySet[GymMembership]:
    """Active trainers holding at least one certification valid on ``on``. Not scoped: callers
    narrow it to the gyms the asker may use."""
    valid = Certification.objects.filter(trainer_id=OuterRef("pk"), expires_on__gte=on)
    return GymMembership.objects.filter(
        Exists(valid), role=GymMembership.Role.TRAINER, user__is_active=True
    )
