"""API permissions that depend on the caller's role (clinic or gym staff)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from organisations.roles import actor_for


class IsStaffMember(BasePermission):
    message = "The exercise library is for clinic and gym staff."
    code = "staff_only"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return actor_for(request.user).is_staff_member
