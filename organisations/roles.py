"""Who a user is in Baton: their role and organisation, derived from memberships.

Roles come from memberships (and a patient login from its patient record), never from a flag
the user sets. ``actor_for`` caches the answer on the user object for the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from accounts.models import User
from accounts.types import AnyUser
from clinics.models import ClinicMembership, Patient
from gyms.models import GymMembership

Role = Literal["therapist", "trainer", "patient", "clinic_admin", "gym_admin"]
_CACHE_ATTR = "_baton_actor"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: Role | None
    clinic_membership: ClinicMembership | None = None
    gym_membership: GymMembership | None = None
    patient: Patient | None = None

    @property
    def is_admin(self) -> bool:
        membership = self.clinic_membership or self.gym_membership
        return bool(membership and membership.is_admin)

    @property
    def is_staff_member(self) -> bool:
        return self.clinic_membership is not None or self.gym_membership is not None

    @property
    def is_therapist(self) -> bool:
        return self.role == "therapist"

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer"

    @property
    def is_patient(self) -> bool:
        return self.role == "patient"

    @property
    def clinic_id(self) -> int | None:
        if self.clinic_membership:
            return self.clinic_membership.clinic_id
        return None

    @property
    def gym_id(self) -> int | None:
        return self.gym_membership.gym_id if self.gym_membership else None


NOBODY = Actor(user_id=None, role=None)


def actor_for(user: AnyUser) -> Actor:
    """The user's role and organisation. Anonymous and unaffiliated users get ``NOBODY``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    actor = _resolve(user)
    setattr(user, _CACHE_ATTR, actor)
    return actor


def role_name(user: User) -> str | None:
    """The role alone, for settings that name roles (``TWO_FACTOR_REQUIRED_ROLES``)."""
    return actor_for(user).role


def _resolve(user: User) -> Actor:
    """One query: the user's clinic membership, gym membership and patient record together;
    none when ``user`` was loaded with them (``USER_ROLE_RELATIONS``, as token auth does)."""
    if all(_loaded(user, name) for name in settings.USER_ROLE_RELATIONS):
        found: User | None = user
    else:
        found = (
            User.objects.select_related(*settings.USER_ROLE_RELATIONS).filter(pk=user.pk).first()
        )
    clinic = _related(found, "clinic_membership")
    if clinic is not None:
        role: Role = (
            "therapist" if clinic.role == ClinicMembership.Role.THERAPIST else "clinic_admin"
        )
        return Actor(user_id=user.pk, role=role, clinic_membership=clinic)
    gym = _related(found, "gym_membership")
    if gym is not None:
        role = "trainer" if gym.role == GymMembership.Role.TRAINER else "gym_admin"
        return Actor(user_id=user.pk, role=role, gym_membership=gym)
    patient = _related(found, "patient_record")
    if patient is None:
        return Actor(user_id=user.pk, role=None)
    return Actor(user_id=user.pk, role="patient", patient=patient)


def _loaded(instance: Any, path: str) -> bool:
    """Whether ``select_related(path)`` filled this instance's cache along the whole path."""
    for name in path.split("__"):
        if instance is None:
            return True  # a missing link ends the path: nothing further to load
        cache = instance._state.fields_cache
        if name not in cache:
            return False
        instance = cache[name]
    return True


def _related(user: User | None, name: str) -> Any:
    if user is None:
        return None
    try:
        return getattr(user, name)
    except ObjectDoesNotExist:
        return None
