"""The access log: who read which health record, when, from where (never what it said)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.http import HttpRequest
from django.utils import timezone

from audit.models import AccessLog
from core.net import client_address


def record_access(
    request: HttpRequest, *, action: str, object_type: str, object_ids: Iterable[int]
) -> int:
    """Write one append-only row per object read. Returns how many were written."""
    return record_accesses(request, action=action, objects={object_type: object_ids})


def record_accesses(
    request: HttpRequest, *, action: str, objects: Mapping[str, Iterable[int]]
) -> int:
    """One row per object read, of every type a response carries, in one INSERT (and so one
    transaction): a page of handoffs and their patients is a single write. Returns the count.
    """
    address = client_address(request)
    actor = request.user
    assert actor.is_authenticated, "audited views require a logged-in user"  # noqa: S101
    at = timezone.now()
    rows = [
        AccessLog(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            at=at,
            client_address=address,
        )
        for object_type, ids in objects.items()
        for object_id in ids
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)
    return len(rows)
