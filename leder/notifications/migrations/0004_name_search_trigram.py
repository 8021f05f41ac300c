"""Trigram indexes for the case list's search box, on PostgreSQL only (issue 17, ADR 0171).

The search is `icontains` on the names and `istartswith` on the reference, which Django writes
on PostgreSQL as `UPPER(column::text) LIKE UPPER(...)`. A GIN index with `gin_trgm_ops` on
exactly that expression lets PostgreSQL answer a `%word%` pattern from the index instead of
reading every notification. SQLite has no trigram index: the same query scans there, which is
fine at the size of a demo. The matching rules do not change, only how fast they run."""

from django.db import migrations

COLUMNS = ("given_name", "family_name", "other_names", "reference")
TABLE = "notifications_notification"


def _index(column: str) -> str:
    return f"notifications_{column}_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON {TABLE} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_notification_area_explanation_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
