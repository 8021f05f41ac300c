"""Reading the national performance table (analytics.performance) from the database, for a
quarter or a year, for England or one region."""

from datetime import date, timedelta

from leder.analytics.cohorts import Cohort, CohortKind, Scope, ScopeKind
from leder.analytics.disclosure import protect
from leder.analytics.extract import case_events_frame, deaths_frame
from leder.analytics.performance import Area, performance
from leder.analytics.results import PublishedResult
from leder.core.time import today

#: Notifications before this are in no backlog (the programme's data start in 2018).
_EARLIEST = date(2000, 1, 1)


def _areas(scope: Scope) -> list[Area]:
    from leder.organisations.selectors import icbs_open

    icbs = icbs_open()
    if scope.kind == ScopeKind.REGION:
        icbs = icbs.filter(region__ods_code=scope.code)
    return [
        Area(
            code=icb.ods_code,
            name=icb.display_name,
            region_code=icb.region.ods_code if icb.region else "",
            region_name=icb.region.display_name if icb.region else "No region",
            ld_population=icb.ld_population,
        )
        for icb in icbs
    ]


def performance_table(period: Cohort, scope: Scope, *, on: date | None = None) -> PublishedResult:
    """The disclosure-controlled table for `period` (its dates; the kind is ignored) and
    `scope` (England, or a region: its ICBs and its total). The backlog is measured on the
    period's last day, or today if the period has not ended. For a period that has ended, each
    case's state on its last day is read from the case's transitions (ADR 0146), so the
    backlog is what was open then, not what is open today."""
    day = on or today()
    last = period.ends_before - timedelta(days=1)
    as_of = min(last, day)

    def frame(kind, starts_on, ends_before):
        cohort = Cohort(kind, starts_on, ends_before, period.financial, period.period)
        return deaths_frame(cohort, scope)

    backlog_cohort = Cohort(
        CohortKind.NOTIFICATIONS, _EARLIEST, as_of + timedelta(days=1), period.financial
    )
    events = case_events_frame(backlog_cohort, scope, until=as_of) if as_of < day else None
    result = performance(
        notified=frame(CohortKind.NOTIFICATIONS, period.starts_on, period.ends_before),
        completed=frame(CohortKind.COMPLETED, period.starts_on, period.ends_before),
        waiting=frame(CohortKind.NOTIFICATIONS, _EARLIEST, as_of + timedelta(days=1)),
        areas=_areas(scope),
        starts_on=period.starts_on,
        ends_before=period.ends_before,
        as_of=as_of,
        period_name=period.year_label,
        scope_name=scope.name,
        with_england=scope.kind == ScopeKind.ENGLAND,
        events=events,
    )
    return protect(result)
