"""What the handoff pages share: the therapist gate, auditing and turning refusals into messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from accounts.models import User
from audit.services import record_access
from core.subjects import SubjectType
from organisations.roles import Actor, actor_for

ONCE_SECONDS = 60 * 60


def user_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def therapist_of(request: HttpRequest) -> Actor:
    """The therapist's actor; anyone else gets a 404 (the page is not theirs to know of)."""
    actor = actor_for(request.user)
    if not actor.is_therapist or actor.clinic_membership is None:
        raise Http404("No such page.")
    return actor


def audit_read(
    request: HttpRequest,
    *,
    handoffs: Iterable[int] = (),
    patients: Iterable[int] = (),
    action: str = "read",
) -> None:
    handoff_ids = sorted(set(handoffs))
    patient_ids = sorted(set(patients))
    if handoff_ids:
        record_access(
            request, action=action, object_type=SubjectType.HANDOFF, object_ids=handoff_ids
        )
    if patient_ids:
        record_access(
            request, action=action, object_type=SubjectType.PATIENT, object_ids=patient_ids
        )


def claim_once(key: str) -> bool:
    """True the first time ``key`` is claimed within the hour: a replayed form does nothing.

    The cache's ``add`` is atomic (Redis ``SET NX`` in production), so two clicks racing each
    other cannot both win.
    """
    return bool(cache.add(f"baton:once:{key}", 1, ONCE_SECONDS))


def release_once(key: str) -> None:
    cache.delete(f"baton:once:{key}")


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}
