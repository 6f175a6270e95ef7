"""The access log: who read which health record, when, from where (never what it said)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from audit.models import AccessLog
from core.net import client_address


def record_access(
    request: HttpRequest, *, action: str, object_type: str, object_ids: Iterable[int]
) -> int:
    """Write one append-only row per object read. Returns how many were written."""
    address = client_address(request)
    actor = request.user
    assert actor.is_authenticated, "audited views require a logged-in user"  # noqa: S101
    rows = [
        AccessLog(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            client_address=address,
        )
        for object_id in object_ids
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
