"""Errors that services raise and the API turns into responses.

Services speak in these terms; they never build HTTP responses. The API's exception handler
(``core.api.exception_handler``) maps them: ``Conflict`` → 409, ``Forbidden`` → 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reason:
    code: str
    detail: str
    # The safety checker's conflicts behind a ``program_conflicts`` reason (issue 12).
    conflicts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DomainError(Exception):
    """A rule of the domain refused the action. ``detail`` is a sentence a person can act on."""

    detail: str
    code: str = "conflict"
    reasons: list[Reason] = field(default_factory=list)
    # Conflicts with the packet's restrictions, for a refusal with code ``program_conflicts``.
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.detail


class Conflict(DomainError):
    """The action does not fit the object's current state (HTTP 409)."""


class Forbidden(DomainError):
    """The caller may see the object but may not act on it this way (HTTP 403)."""

    def __init__(self, detail: str, code: str = "forbidden") -> None:
        super().__init__(detail=detail, code=code)
