"""The version of the data every figure is computed from: a number that goes up whenever a
table the extract reads is written, by anyone, in any process (ADR 0170).

Why a database trigger and not Django signals: the history loader and the bulk importer write
with `bulk_create`, `QuerySet.update()` and raw SQL, which send no signals; the web server and
the task worker are separate processes with separate local-memory caches. A trigger sees every
write whatever wrote it.

Why an append-only change log and not a counter row: a counter row updated by every write would
be locked by each writing transaction until it commits, making writers queue behind each other
and deadlock against the audit chain's lock. Appending a row takes no shared lock. The version
is the *number* of changes committed (`SUM(weight)`), not the highest id: ids are handed out in
the order transactions start, not the order they commit, so a high id can be visible before a
lower one is committed; a count cannot miss a commit.

Reading the version before reading the data makes caching under it safe: a writer that commits
after the version was read may or may not be in the data read, but it has already made the
version that every later reader sees bigger, so those readers never take the older entry.

PostgreSQL fires one trigger per statement (a bulk insert of 50,000 rows appends one change);
SQLite has only row triggers, and its writers are serialised anyway. The triggers are
(re)installed after every `migrate` (`post_migrate`), because SQLite drops a table's triggers
when a migration rebuilds the table.
"""

from django.db import connection as default_connection
from django.db import transaction

#: The tables (by app label and model name; `through` for a many-to-many's table) that the
#: analysis extract and the figures read. A model the extract starts reading must be added here.
TRACKED_MODELS = (
    ("notifications", "Notification", None),
    ("casework", "Case", None),
    ("casework", "Allocation", None),
    ("casework", "Reviewer", None),
    ("reviews", "Review", None),
    ("reviews", "ReviewSection", None),
    ("reviews", "LearningItem", None),
    ("reviews", "LearningItem", "themes"),
    ("reviews", "LearningTheme", None),
    ("governance", "SignOff", None),
    ("governance", "Action", None),
    ("governance", "Action", "themes"),
    ("organisations", "Organisation", None),
    ("reference", "EthnicCategory", None),
)

CHANGE_TABLE = "analytics_datachange"
_TRIGGER = "analytics_data_changed"


def tracked_tables() -> list[str]:
    from django.apps import apps

    tables = []
    for app_label, model_name, through in TRACKED_MODELS:
        model = apps.get_model(app_label, model_name)
        if through:
            model = model._meta.get_field(through).remote_field.through
        tables.append(model._meta.db_table)
    return tables


def _postgres_install(tables: list[str]) -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION {_TRIGGER}() RETURNS trigger AS $$
            BEGIN
              INSERT INTO {CHANGE_TABLE} ("table", weight) VALUES (TG_TABLE_NAME, 1);
              RETURN NULL;
            END; $$ LANGUAGE plpgsql;"""
    ]
    for table in tables:
        statements += [
            f'DROP TRIGGER IF EXISTS {_TRIGGER} ON "{table}";',
            f'CREATE TRIGGER {_TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_TRIGGER}();",
        ]
    return statements


def _sqlite_install(tables: list[str]) -> list[str]:
    statements = []
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{_TRIGGER}_{table}_{event.lower()}"
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON "{table}" BEGIN '
                f"INSERT INTO {CHANGE_TABLE} (\"table\", weight) VALUES ('{table}', 1); END;"
            )
    return statements


def install(connection=default_connection) -> None:
    """Create (or re-create) the triggers on every tracked table that exists."""
    existing = set(connection.introspection.table_names())
    if CHANGE_TABLE not in existing:
        return
    tables = [table for table in tracked_tables() if table in existing]
    make = _postgres_install if connection.vendor == "postgresql" else _sqlite_install
    with connection.cursor() as cursor:
        for sql in make(tables):
            cursor.execute(sql)


def install_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    install(connections[using])


def current() -> int:
    """The data version: the number of committed writes to the tracked tables (one query)."""
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(weight), 0) FROM {CHANGE_TABLE}")
        return int(cursor.fetchone()[0])


def compact() -> dict:
    """Fold the change log into one row carrying its total, so reading the version stays one
    small sum. The total is unchanged: rows of transactions still running are not visible to
    the delete and stay as they are."""
    from leder.analytics.models import DataChange

    with transaction.atomic():
        rows = DataChange.objects.order_by("-id").values_list("id", flat=True)[:1]
        last = next(iter(rows), None)
        if last is None:
            return {"folded": 0}
        folded = DataChange.objects.filter(id__lte=last)
        total = sum(folded.values_list("weight", flat=True))
        count = folded.count()
        if count <= 1:
            return {"folded": 0}
        folded.delete()
        DataChange.objects.create(table="(compacted)", weight=total)
    return {"folded": count}
