"""Who is calling an API view."""

from __future__ import annotations

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User


def caller(request: Request) -> User:
    """The logged-in user (``IsAuthenticated``, the default permission, lets only them in)."""
    if not isinstance(request.user, User):
        raise NotAuthenticated()
    return request.user
