"""The access log: who read which health record, when, from where (never what it said)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection
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
    pairs = [(object_type, object_id) for object_type, ids in objects.items() for object_id in ids]
    if not pairs:
        return 0
    if connection.vendor == "postgresql":
        # One statement whose text never changes (so it is prepared once per connection), no
        # model per row, and no BEGIN/COMMIT around it: on its own it is its own transaction.
        # bulk_create would cost three round trips and a model instance per row.
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_ROWS,
                [
                    actor.pk,
                    action,
                    at,
                    address,
                    [object_type for object_type, _ in pairs],
                    [object_id for _, object_id in pairs],
                ],
            )
        return len(pairs)
    AccessLog.objects.bulk_create(
        AccessLog(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            at=at,
            client_address=address,
        )
        for object_type, object_id in pairs
    )
    return len(pairs)


_INSERT_ROWS = (
    f"INSERT INTO {AccessLog._meta.db_table} "  # noqa: S608 - the table's own name
    "(actor_id, action, object_type, object_id, at, client_address) "
    "SELECT %s::bigint, %s::varchar, t, i, %s::timestamptz, %s::inet "
    "FROM UNNEST(%s::varchar[], %s::bigint[]) AS v(t, i)"
)
