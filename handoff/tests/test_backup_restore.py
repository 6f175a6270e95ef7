"""Backups that restore: pg_dump a database with handoffs, notifications and the access log,
restore it into a fresh database, and find every row and the append-only trigger intact.

This runs the procedure the README documents (``pg_dump --format=custom``, then ``createdb`` and
``pg_restore --no-owner --exit-on-error``) against the real PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from audit.models import AccessLog
from handoff.models import Handoff
from notifications.models import Delivery, Notification

# serialized_rollback: the runner then flushes without recreating the content types, so the next
# transactional test can restore the database it expects.
pytestmark = [
    pytest.mark.services("postgres"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TABLES = {
    "handoff_handoff": Handoff,
    "notifications_notification": Notification,
    "notifications_delivery": Delivery,
    "audit_accesslog": AccessLog,
}


def pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ, "PGHOST": s["HOST"] or "127.0.0.1", "PGPORT": str(s["PORT"] or 5432)}
    env["PGUSER"] = s["USER"] or "postgres"
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def run(*args: str) -> None:
    result = subprocess.run(args, env=pg_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"


@pytest.fixture
def restored_name() -> Iterator[str]:
    name = f"baton_restore_{uuid.uuid4().hex[:10]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], env=pg_env(), capture_output=True, timeout=60)


def ids_in(dbname: str, table: str) -> list[int]:
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        password=s.get("PASSWORD") or None,
        dbname=dbname,
    ) as conn:
        return [row[0] for row in conn.execute(f"SELECT id FROM {table} ORDER BY id")]  # noqa: S608


def test_a_dump_restores_every_row_and_the_append_only_trigger(
    make_handoff, therapist, tmp_path: Path, restored_name: str
):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools"
    make_handoff("completed")  # sent, accepted and completed: notifications and deliveries
    AccessLog.objects.create(actor=therapist, action="read", object_type="handoff", object_id=1)
    expected = {
        table: sorted(model.objects.values_list("pk", flat=True)) for table, model in TABLES.items()
    }
    assert all(expected.values()), expected
    dump = tmp_path / "baton.dump"

    run("pg_dump", "--format=custom", "--file", str(dump), connection.settings_dict["NAME"])
    run("createdb", restored_name)
    run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored_name, str(dump))

    for table, ids in expected.items():
        assert ids_in(restored_name, table) == ids, table
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        password=s.get("PASSWORD") or None,
        dbname=restored_name,
    ) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("DELETE FROM audit_accesslog")
        conn.rollback()
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("UPDATE audit_accesslog SET action = 'edited'")
