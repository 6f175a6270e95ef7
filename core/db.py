"""Database helpers that know PostgreSQL's prepared statements (config.settings, issue 16).

Baton's queries are prepared statements on PostgreSQL, and PostgreSQL may run one with a
*generic* plan: one made without looking at the parameter values. That plan is what saves the
planning of the many-join reads, but it cannot use a partial index whose predicate names a
parameter (``WHERE status = 'pending'`` against ``status = $1``), and with a ``LIMIT`` it may
bet on a sequential scan finding a row early. For the sweep's "anything due?" reads over a
million future reminders that bet loses: 100 ms instead of 0.1 ms.

``plans_for_these_values()`` makes PostgreSQL plan each statement for its actual values
(``plan_cache_mode = force_custom_plan``) for the duration of a block. Use it where a query
leans on a partial index or a selective range and runs rarely enough that planning is cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

_DEPTH = "_baton_custom_plans"


@contextmanager
def plans_for_these_values() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    depth = getattr(connection, _DEPTH, 0)
    if depth == 0:
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
    setattr(connection, _DEPTH, depth + 1)
    try:
        yield
    finally:
        setattr(connection, _DEPTH, depth)
        if depth == 0:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET plan_cache_mode")
            except DatabaseError:
                # A broken connection is closed and forgets the setting; an aborted
                # transaction rolls the SET back with it.
                pass
