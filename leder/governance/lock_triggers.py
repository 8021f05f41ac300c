"""Database triggers that make a signed-off review unchangeable in place (ADR 0017).

While a review has a live sign-off (a `governance_signoff` row for it with `reopened_at` null),
the database itself refuses any INSERT, UPDATE or DELETE of the rows its content is made of, and
any UPDATE or DELETE of the review row. So no view, service, API path, admin page, bulk `update()`,
raw SQL or other application can change a signed-off version in place: the only way is
`services.signoff.review_reopen`, which first ends the sign-off (with a reason, audited) and then
records a new version. The sign-off rows themselves can never be deleted, and the only change
allowed to one is recording its reopening, once. Review versions are never updated or deleted.

Installed by migration governance.0002; lifted only by the test suite around pytest-django's flush
between transactional tests (`conftest.py`), never by the application.
"""

MESSAGE = "this review is signed off and locked; reopen it with a reason to change it"

# Tables holding a review's content: (table, SQL giving the review id from a row alias).
CONTENT_TABLES: list[tuple[str, str]] = [
    ("reviews_reviewsection", "{row}.review_id"),
    ("reviews_contact", "{row}.review_id"),
    ("reviews_contactstatement", "{row}.review_id"),
    ("reviews_recordsrequest", "{row}.review_id"),
    ("reviews_learningitem", "{row}.review_id"),
    ("reviews_timelineevent", "{row}.review_id"),
    ("reviews_reviewversion", "{row}.review_id"),
    (
        "reviews_contactattempt",
        "(SELECT c.review_id FROM reviews_contact c WHERE c.id = {row}.contact_id)",
    ),
    (
        "reviews_uploadedrecord",
        "(SELECT r.review_id FROM reviews_recordsrequest r WHERE r.id = {row}.request_id)",
    ),
    (
        "reviews_learningitem_themes",
        "(SELECT i.review_id FROM reviews_learningitem i WHERE i.id = {row}.learningitem_id)",
    ),
]
LOCKED = (
    "EXISTS (SELECT 1 FROM governance_signoff s WHERE s.reopened_at IS NULL AND s.review_id = {})"
)
# Columns of a sign-off that never change once written.
SIGNOFF_FROZEN = [
    "review_id",
    "version_number",
    "route",
    "signed_off_at",
    "signed_off_by_id",
    "snapshot",
    "content_hash",
    "panel_decision_id",
    "qa_round_id",
]


def _sqlite_install() -> list[str]:
    out = []
    for table, expr in CONTENT_TABLES:
        for op, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            when = " OR ".join(LOCKED.format(expr.format(row=r)) for r in rows)
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS lock_{table}_{op.lower()} BEFORE {op} ON {table} "
                f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )
    for op in ("UPDATE", "DELETE"):
        out.append(
            f"CREATE TRIGGER IF NOT EXISTS lock_reviews_review_{op.lower()} BEFORE {op} ON "
            f"reviews_review WHEN {LOCKED.format('OLD.id')} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
    out += [
        "CREATE TRIGGER IF NOT EXISTS lock_reviews_reviewversion_history BEFORE UPDATE ON "
        "reviews_reviewversion BEGIN SELECT RAISE(ABORT, 'review versions are immutable'); END;",
        "CREATE TRIGGER IF NOT EXISTS lock_reviews_reviewversion_keep BEFORE DELETE ON "
        "reviews_reviewversion BEGIN SELECT RAISE(ABORT, 'review versions are immutable'); END;",
        "CREATE TRIGGER IF NOT EXISTS lock_governance_signoff_delete BEFORE DELETE ON "
        "governance_signoff BEGIN SELECT RAISE(ABORT, 'sign-offs are kept for ever'); END;",
        "CREATE TRIGGER IF NOT EXISTS lock_governance_signoff_update BEFORE UPDATE ON "
        "governance_signoff WHEN OLD.reopened_at IS NOT NULL OR "
        + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in SIGNOFF_FROZEN)
        + " BEGIN SELECT RAISE(ABORT, 'a sign-off can only be marked reopened, once'); END;",
    ]
    return out


def _sqlite_remove() -> list[str]:
    names = [
        f"lock_{table}_{op}" for table, _ in CONTENT_TABLES for op in ("insert", "update", "delete")
    ]
    names += [
        "lock_reviews_review_update",
        "lock_reviews_review_delete",
        "lock_reviews_reviewversion_history",
        "lock_reviews_reviewversion_keep",
        "lock_governance_signoff_delete",
        "lock_governance_signoff_update",
    ]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;"
    )


def _pg_trigger(name: str, table: str, events: str, level: str = "ROW") -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
        f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
        f"FOR EACH {level} EXECUTE FUNCTION {name}();",
    ]


def _postgres_install() -> list[str]:
    out = []
    raise_locked = f"RAISE EXCEPTION '{MESSAGE}';"
    for table, expr in CONTENT_TABLES:
        name = f"lock_{table}"
        body = (
            f"IF TG_OP IN ('UPDATE', 'DELETE') AND {LOCKED.format(expr.format(row='OLD'))} "
            f"THEN {raise_locked} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') AND {LOCKED.format(expr.format(row='NEW'))} "
            f"THEN {raise_locked} END IF;"
        )
        out.append(_pg_function(name, body))
        out += _pg_trigger(name, table, "INSERT OR UPDATE OR DELETE")
    out.append(
        _pg_function(
            "lock_reviews_review", f"IF {LOCKED.format('OLD.id')} THEN {raise_locked} END IF;"
        )
    )
    out += _pg_trigger("lock_reviews_review", "reviews_review", "UPDATE OR DELETE")
    out.append(
        _pg_function(
            "lock_reviews_reviewversion_history",
            "RAISE EXCEPTION 'review versions are immutable';",
        )
    )
    out += _pg_trigger(
        "lock_reviews_reviewversion_history", "reviews_reviewversion", "UPDATE OR DELETE"
    )
    out.append(
        _pg_function("lock_governance_signoff_delete", "RAISE EXCEPTION 'sign-offs are kept';")
    )
    out += _pg_trigger("lock_governance_signoff_delete", "governance_signoff", "DELETE")
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SIGNOFF_FROZEN)
    out.append(
        _pg_function(
            "lock_governance_signoff_update",
            f"IF OLD.reopened_at IS NOT NULL OR {changed} THEN "
            "RAISE EXCEPTION 'a sign-off can only be marked reopened, once'; END IF;",
        )
    )
    out += _pg_trigger("lock_governance_signoff_update", "governance_signoff", "UPDATE")
    # TRUNCATE bypasses row triggers: refuse it on the tables that hold signed-off history.
    out.append(_pg_function("lock_no_truncate", "RAISE EXCEPTION 'signed-off history is kept';"))
    for table in ("governance_signoff", "reviews_reviewversion"):
        out.append(f"DROP TRIGGER IF EXISTS lock_no_truncate ON {table};")
        out.append(
            f"CREATE TRIGGER lock_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lock_no_truncate();"
        )
    return out


def _postgres_remove() -> list[str]:
    out = []
    for table, _ in CONTENT_TABLES:
        out.append(f"DROP TRIGGER IF EXISTS lock_{table} ON {table};")
        out.append(f"DROP FUNCTION IF EXISTS lock_{table}();")
    for name, table in (
        ("lock_reviews_review", "reviews_review"),
        ("lock_reviews_reviewversion_history", "reviews_reviewversion"),
        ("lock_governance_signoff_delete", "governance_signoff"),
        ("lock_governance_signoff_update", "governance_signoff"),
    ):
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        out.append(f"DROP FUNCTION IF EXISTS {name}();")
    for table in ("governance_signoff", "reviews_reviewversion"):
        out.append(f"DROP TRIGGER IF EXISTS lock_no_truncate ON {table};")
    out.append("DROP FUNCTION IF EXISTS lock_no_truncate();")
    return out


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection) -> None:
    _run(
        connection, _postgres_install() if connection.vendor == "postgresql" else _sqlite_install()
    )


def remove(connection) -> None:
    _run(connection, _postgres_remove() if connection.vendor == "postgresql" else _sqlite_remove())
