"""Reads of clinics, their staff and their patients, scoped to the person asking.

Every view builds its queryset from one of these, so nobody reaches another clinic's patient by
changing an id. Knows nothing of gyms or handoffs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from clinics.models import Clinic, ClinicMembership, Patient

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def membership_of(user: User | AnonymousUser) -> ClinicMembership | None:
    """The user's place at a clinic (with the clinic), or ``None``."""
    if not user.is_authenticated:
        return None
    return ClinicMembership.objects.select_related("clinic").filter(user_id=user.pk).first()


def patient_record_of(user: User | AnonymousUser) -> Patient | None:
    """The patient record a portal login belongs to (with its clinic), or ``None``."""
    if not user.is_authenticated:
        return None
    return Patient.objects.select_related("clinic").filter(user_id=user.pk).first()


def _clinic_ids_of(user: User) -> QuerySet[ClinicMembership, int]:
    # A subquery, so scoped reads cost no query of their own.
    return ClinicMembership.objects.filter(user_id=user.pk).values_list("clinic_id", flat=True)


def patients_visible_to(user: User | AnonymousUser) -> QuerySet[Patient]:
    """A therapist's or clinic admin's own clinic's patients, newest first; anyone else: none."""
    if not user.is_authenticated or not user.is_active:
        return Patient.objects.none()
    return Patient.objects.filter(clinic_id__in=_clinic_ids_of(user)).order_by("-created_at", "-id")


def clinic_staff(user: User | AnonymousUser) -> QuerySet[ClinicMembership]:
    """The staff of the user's own clinic (the user included); anyone else: none."""
    if not user.is_authenticated or not user.is_active:
        return ClinicMembership.objects.none()
    return (
        ClinicMembership.objects.filter(clinic_id__in=_clinic_ids_of(user))
        .select_related("user", "clinic")
        .order_by("user__name", "pk")
    )


def clinic_admins(clinic: Clinic) -> QuerySet[ClinicMembership]:
    """Who manages a clinic (for notices such as an unacknowledged refer-back). Not scoped."""
    return ClinicMembership.objects.filter(
        clinic=clinic, is_admin=True, user__is_active=True
    ).select_related("user")
