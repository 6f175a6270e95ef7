"""API permissions that only the clinics app can answer."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from clinics.models import ClinicMembership
from clinics.selectors import membership_of


def is_therapist(user: object) -> bool:
    """A therapist at a clinic (an admin-only member of a clinic is not)."""
    membership = membership_of(user)  # type: ignore[arg-type]
    return membership is not None and membership.role == ClinicMembership.Role.THERAPIST


class IsTherapist(BasePermission):
    message = "Only a physical therapist can do this."
    code = "therapist_only"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_therapist(request.user)
