"""The access log: who read which health record, when, from where (never what it said)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from accounts.net import client_address
from handoff.models import AccessLog


def record_access(
    request: HttpRequest, *, action: str, object_type: str, object_ids: Iterable[int]
) -> int:
    """Write one append-only row per object read. Returns how many were written."""
    address = client_address(request)
    rows = [
        AccessLog(
            actor=request.user,
            action=action,
            object_type=object_type,
            object_id=object_id,
            client_address=address,
        )
        for object_id in object_ids
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
