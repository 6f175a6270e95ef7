"""Django's ``flush``, able to empty the append-only access log on SQLite.

On SQLite the access log's DELETE trigger (migration ``0003``) would stop a whole-database flush,
which the test runner uses between transactional tests. This lifts that trigger for the flush,
in the flush's own connection, and restores it afterwards, even if the flush fails. PostgreSQL
flushes with TRUNCATE, which its row trigger does not see, so nothing changes there.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

_trigger = importlib.import_module("audit.migrations.0003_accesslog_no_delete_on_sqlite")


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite" or not _trigger_exists(connection):
            super().handle(**options)
            return
        with connection.cursor() as cursor:
            cursor.execute(_trigger.SQLITE_DOWN)
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(_trigger.SQLITE_UP)


def _trigger_exists(connection: Any) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [_trigger.TRIGGER]
        )
        return cursor.fetchone() is not None
