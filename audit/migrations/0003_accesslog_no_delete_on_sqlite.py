"""The access log cannot be deleted on SQLite either (PostgreSQL refuses it since 0002).

SQLite had kept DELETE because Django's test flush empties tables with DELETE there. The flush
command is now Baton's own (``handoff/management/commands/flush.py``): on SQLite it lifts this
trigger for the length of a whole-database flush and puts it back, so an operator's or the test
runner's deliberate wipe works and nothing else can delete an entry.
"""

from django.db import migrations

TABLE = "audit_accesslog"
TRIGGER = f"{TABLE}_no_delete"
SQLITE_UP = f"""
CREATE TRIGGER {TRIGGER} BEFORE DELETE ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused'); END;
"""
SQLITE_DOWN = f"DROP TRIGGER IF EXISTS {TRIGGER};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_accesslog_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
