"""The database triggers that make the audit log append-only (see ADR 0003). Installed by
migration core.0002 and replaced by core.0005; lifted only by the test suite, around
pytest-django's flush between transactional tests (`conftest.py`), never by the application.

Since ADR 0123 one DELETE is let through: of an audit row whose sequence is at or below the
`pruned_to` of a recorded prune (`core_auditprune`), which `leder.core.audit_prune` writes in the
same transaction, only up to a signed checkpoint. UPDATE and TRUNCATE are always refused, and the
records of prunes themselves can be neither changed nor deleted. Someone who inserts a prune
record by hand can then delete the start of the log, but `audit_verify` names that: the start of
the chain must follow a *signed* anchor kept outside the database.
"""

_PRUNED = "(SELECT MAX(pruned_to) FROM core_auditprune)"

# Version 1 (migration core.0002): no DELETE at all.
SQLITE_INSTALL_V1 = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
POSTGRES_INSTALL_V1 = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN OLD.sequence > COALESCE({_PRUNED}, 0)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditprune_no_update BEFORE UPDATE ON core_auditprune
       BEGIN SELECT RAISE(ABORT, 'records of audit prunes are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditprune_no_delete BEFORE DELETE ON core_auditprune
       BEGIN SELECT RAISE(ABORT, 'records of audit prunes are append-only'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
    "DROP TRIGGER IF EXISTS core_auditprune_no_update;",
    "DROP TRIGGER IF EXISTS core_auditprune_no_delete;",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE OR REPLACE FUNCTION core_auditevent_prune_only() RETURNS trigger AS $$
       BEGIN
         IF OLD.sequence <= COALESCE({_PRUNED}, 0) THEN RETURN OLD; END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    "DROP TRIGGER IF EXISTS core_auditevent_prune_only ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_prune_only BEFORE DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_prune_only();""",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
    "DROP TRIGGER IF EXISTS core_auditprune_no_change ON core_auditprune;",
    """CREATE TRIGGER core_auditprune_no_change BEFORE UPDATE OR DELETE ON core_auditprune
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    "DROP TRIGGER IF EXISTS core_auditprune_no_truncate ON core_auditprune;",
    """CREATE TRIGGER core_auditprune_no_truncate BEFORE TRUNCATE ON core_auditprune
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_prune_only ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_prune_only();",
    # The prune table's triggers go with it when the table does (a migration backwards).
    """DO $$ BEGIN
         IF to_regclass('core_auditprune') IS NOT NULL THEN
           DROP TRIGGER IF EXISTS core_auditprune_no_change ON core_auditprune;
           DROP TRIGGER IF EXISTS core_auditprune_no_truncate ON core_auditprune;
         END IF;
       END $$;""",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection, *, version: int = 2) -> None:
    if version == 1:
        _run(
            connection,
            POSTGRES_INSTALL_V1 if connection.vendor == "postgresql" else SQLITE_INSTALL_V1,
        )
        return
    _run(connection, POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL)


def remove(connection) -> None:
    _run(connection, POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE)
