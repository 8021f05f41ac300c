"""Reconciliation: the checks an extract must pass before any figure from it is published.

The 2023 national report was retracted because a processing step silently dropped
cause-of-death data. So before a report or dashboard figure is published the extract is checked
against itself and against the database, and a failure stops publication by raising
`ReconciliationFailed`, naming the records (references) that fail:

1. `one_state`: every notified death is in exactly one known state (no missing or unknown
   state, no death twice);
2. `states_add_up`: the counts by state add up to the number of deaths;
3. `cause_has_underlying`: every death with a cause of death recorded has an underlying cause;
4. `one_icb`: no case belongs to two ICBs (a death listed under two ICBs, or held by a reviewer
   from another ICB's register);
5. `matches_database`: the cohort's rows are exactly those an independent query (hand-written
   SQL, not the ORM query the extract uses) finds in the database.

`check(extract)` returns every result; `require_reconciled(extract)` raises on any failure.
"""

from dataclasses import dataclass, field

import polars as pl

from leder.analytics.cohorts import Cohort, CohortKind, Scope, ScopeKind
from leder.analytics.extract import Extract, _start
from leder.analytics.metrics import STATES, counts_by_state

KNOWN_STATES = frozenset(state for state, _ in STATES)
MAX_NAMED = 50  # references named in a message; the result keeps them all


@dataclass(frozen=True)
class CheckResult:
    key: str
    description: str
    passed: bool
    references: tuple[str, ...] = ()
    detail: str = ""

    @property
    def message(self) -> str:
        if self.passed:
            return f"{self.description}: passed"
        named = ", ".join(self.references[:MAX_NAMED])
        more = len(self.references) - MAX_NAMED
        suffix = f" and {more} more" if more > 0 else ""
        records = f" Records: {named}{suffix}." if self.references else ""
        return f"{self.description}: FAILED. {self.detail}{records}"

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "description": self.description,
            "passed": self.passed,
            "references": list(self.references),
            "detail": self.detail,
        }


@dataclass
class ReconciliationFailed(Exception):
    """Publication stopped: the extract failed at least one check."""

    failures: list[CheckResult] = field(default_factory=list)

    def __str__(self) -> str:
        return "Publication stopped. " + " ".join(f.message for f in self.failures)

    @property
    def references(self) -> list[str]:
        return sorted({ref for f in self.failures for ref in f.references})


def _refs(frame: pl.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(frame.get_column("reference").to_list())))


def check_one_state(deaths: pl.DataFrame) -> CheckResult:
    description = "Every notified death is in exactly one state"
    bad = deaths.filter(
        pl.col("state").is_null()
        | ~pl.col("state").is_in(list(KNOWN_STATES))
        | pl.col("reference").is_duplicated()
    )
    return CheckResult(
        "one_state",
        description,
        bad.is_empty(),
        _refs(bad),
        "These deaths have no state, an unknown state, or appear more than once.",
    )


def check_states_add_up(extract: Extract) -> CheckResult:
    description = "The counts by state add up to the total"
    table = counts_by_state(extract).table
    body = table.filter(pl.col("state") != "total").get_column("deaths").sum()
    total = table.filter(pl.col("state") == "total").get_column("deaths").item()
    rows = extract.deaths.height
    passed = body == total == rows
    uncounted = extract.deaths.filter(
        pl.col("state").is_null() | ~pl.col("state").is_in(list(KNOWN_STATES))
    )
    return CheckResult(
        "states_add_up",
        description,
        passed,
        _refs(uncounted),
        f"The states add up to {body}, the total is {total}, the extract has {rows} deaths.",
    )


def check_cause_has_underlying(deaths: pl.DataFrame) -> CheckResult:
    description = "Every death with a recorded cause of death has an underlying cause"
    bad = deaths.filter(pl.col("cause_recorded") & pl.col("underlying_cause").is_null())
    return CheckResult(
        "cause_has_underlying",
        description,
        bad.is_empty(),
        _refs(bad),
        "These deaths have a completed cause of death but no underlying cause code.",
    )


def check_one_icb(deaths: pl.DataFrame) -> CheckResult:
    description = "No case belongs to two ICBs"
    two_listed = deaths.filter(pl.col("icb").n_unique().over("reference") > 1)
    other_reviewer = deaths.filter(
        pl.col("reviewer_icb").is_not_null() & (pl.col("reviewer_icb") != pl.col("icb"))
    )
    bad = pl.concat([two_listed, other_reviewer])
    return CheckResult(
        "one_icb",
        description,
        bad.is_empty(),
        _refs(bad),
        "These cases are listed under two ICBs or held by a reviewer of another ICB.",
    )


def independent_references(cohort: Cohort, scope: Scope) -> list[str]:
    """The cohort's references by hand-written SQL, independent of the extract's ORM query."""
    from django.db import connection

    from leder.casework.models import Case
    from leder.governance.models import SignOff
    from leder.notifications.models import Notification
    from leder.organisations.models import Organisation
    from leder.reviews.models import Review

    ops = connection.ops
    notification = Notification._meta.db_table
    organisation = Organisation._meta.db_table
    sql = [
        f"SELECT n.reference FROM {notification} n",
        f"JOIN {organisation} icb ON icb.id = n.icb_id",
        f"LEFT JOIN {organisation} region ON region.id = icb.region_id",
        "WHERE n.state = %s",
    ]
    params: list = ["new"]
    if scope.kind == ScopeKind.ICB:
        sql.append("AND icb.ods_code = %s")
        params.append(scope.code)
    elif scope.kind == ScopeKind.REGION:
        sql.append("AND region.ods_code = %s")
        params.append(scope.code)
    start, end = cohort.starts_on, cohort.ends_before
    if cohort.kind == CohortKind.DEATHS:
        sql.append("AND n.date_of_death >= %s AND n.date_of_death < %s")
        params += [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
    elif cohort.kind == CohortKind.NOTIFICATIONS:
        sql.append("AND n.received_at >= %s AND n.received_at < %s")
        params += [
            ops.adapt_datetimefield_value(_start(start)),
            ops.adapt_datetimefield_value(_start(end)),
        ]
    else:
        case, review, signoff = Case._meta.db_table, Review._meta.db_table, SignOff._meta.db_table
        sql.append(
            f"AND EXISTS (SELECT 1 FROM {case} c JOIN {review} r ON r.case_id = c.id "
            f"JOIN {signoff} s ON s.review_id = r.id WHERE c.notification_id = n.id "
            "AND c.state = %s AND s.reopened_at IS NULL "
            "AND s.signed_off_at >= %s AND s.signed_off_at < %s)"
        )
        params += [
            "completed",
            ops.adapt_datetimefield_value(_start(start)),
            ops.adapt_datetimefield_value(_start(end)),
        ]
    with connection.cursor() as cursor:
        cursor.execute(" ".join(sql), params)
        return sorted(row[0] for row in cursor.fetchall())


def check_matches_database(extract: Extract) -> CheckResult:
    description = "The cohort's rows match an independent count from the database"
    expected = set(independent_references(extract.cohort, extract.scope))
    found = extract.deaths.get_column("reference").to_list()
    missing = expected - set(found)
    extra = set(found) - expected
    return CheckResult(
        "matches_database",
        description,
        not missing and not extra and len(found) == len(expected),
        tuple(sorted(missing | extra)),
        f"The database has {len(expected)} deaths in the cohort, the extract {len(found)}; "
        f"{len(missing)} missing from the extract, {len(extra)} not in the cohort.",
    )


def check(extract: Extract, *, against_database: bool = True) -> list[CheckResult]:
    """Every check's result, in order. `against_database=False` skips the independent count
    (for extracts that were not read from this database, e.g. in the benchmark)."""
    results = [
        check_one_state(extract.deaths),
        check_states_add_up(extract),
        check_cause_has_underlying(extract.deaths),
        check_one_icb(extract.deaths),
    ]
    if against_database:
        results.append(check_matches_database(extract))
    return results


def require_reconciled(extract: Extract, *, against_database: bool = True) -> list[CheckResult]:
    """The check results if all pass; otherwise raise `ReconciliationFailed` naming the
    failing records. Call this before publishing anything computed from `extract`."""
    results = check(extract, against_database=against_database)
    failures = [r for r in results if not r.passed]
    if failures:
        raise ReconciliationFailed(failures)
    return results
