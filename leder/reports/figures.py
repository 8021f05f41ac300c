"""The published figures of a cohort and scope: extract → reconciliation → metrics →
disclosure control, in that order and only in that order.

`published_figures` is the one way a dashboard or a report gets numbers. It raises
`ReconciliationFailed` (from `leder.analytics.reconcile`) when the extract fails a check, so
nothing computed from incomplete or inconsistent data can reach a page; and it returns only
`PublishedResult`s, never raw metric results.

`dashboard_figures` is the same, presented (tables and charts), computed once per cohort, scope,
day and data version and then taken from the cache until a write to the data changes the version
(ADR 0170): a dashboard's cost no longer grows with the history it reads.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from leder.analytics import data_version, disclosure, manifest, metrics, national, reconcile
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import EXTRACT_VERSION, Extract, build_extract
from leder.analytics.reconcile import CheckResult, ReconciliationFailed
from leder.analytics.results import PublishedResult
from leder.core.time import today


@dataclass(frozen=True)
class PublishedFigures:
    extract: Extract
    checks: list[CheckResult]
    results: dict[str, PublishedResult]

    @property
    def cohort(self) -> Cohort:
        return self.extract.cohort

    @property
    def scope(self) -> Scope:
        return self.extract.scope

    def manifest(self, *, generated_by=None) -> dict:
        return manifest.build_manifest(
            self.extract,
            generated_by=generated_by,
            checks=self.checks,
            metric_keys=list(self.results),
        )


def published_figures(
    cohort: Cohort,
    scope: Scope,
    *,
    as_of: date | None = None,
    extract: Extract | None = None,
    national_metrics: bool = False,
) -> PublishedFigures:
    """Every metric of the library for `cohort` and `scope`, disclosure-controlled, after the
    extract has passed reconciliation (else `ReconciliationFailed`, naming the records). With
    `national_metrics`, the national report's metrics too (`analytics.national`: the England
    and regional reports, ADR 0146), from the same reconciled extract.

    Reads identifiable data: the caller has checked the user may see `scope` and records it."""
    extract = extract or build_extract(cohort, scope, as_of=as_of)
    checks = reconcile.require_reconciled(extract)
    raw = metrics.compute(extract)
    if national_metrics:
        raw.update(national.compute(extract))
    return PublishedFigures(
        extract=extract,
        checks=checks,
        results={key: disclosure.protect(result) for key, result in raw.items()},
    )


# A day: the key changes with the date anyway (backlog ages are measured to today); this only
# bounds how long an entry for a version nobody asks for any more stays in the cache.
FIGURES_CACHE_SECONDS = 24 * 60 * 60
# Bump when the presentation of a figure (tables, charts) changes without a metric's version.
PRESENTATION_VERSION = "2"


def _definitions_token() -> str:
    """Which definitions the figures were computed by: the extract's and every metric's version
    and the presentation's, so a deploy that changes a definition never reads an old entry."""
    versions = {
        "extract": EXTRACT_VERSION,
        "metrics": metrics.definition_versions(),
        "presentation": PRESENTATION_VERSION,
    }
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]


def figures_cache_key(cohort: Cohort, scope: Scope, *, as_of: date, version: int) -> str:
    cohort_part = f"{cohort.kind.value}:{cohort.starts_on}:{cohort.ends_before}:{cohort.financial}"
    scope_part = f"{scope.kind.value}:{scope.code}"
    return (
        f"reports:figures:{cohort_part}:{scope_part}:{as_of.isoformat()}:{version}:"
        f"{_definitions_token()}"
    )


@dataclass(frozen=True)
class DashboardFigures:
    """What a dashboard shows: the published results (for downloads) and each presented as a
    table beside its chart."""

    results: dict[str, PublishedResult]
    figures: list  # presenters.Figure, in registry order


def dashboard_figures(cohort: Cohort, scope: Scope) -> DashboardFigures:
    """`published_figures` for a dashboard or a download, presented, from the cache when the
    data have not changed since they were last computed (ADR 0170). Raises
    `ReconciliationFailed` exactly as `published_figures` does (a failure is cached too: the
    same data fail the same checks).

    The data version is read before the data, so an entry can only ever be older data under an
    older version, which nobody reads once a write has made the version bigger."""
    from leder.reports.presenters import figure

    as_of = today()
    key = figures_cache_key(cohort, scope, as_of=as_of, version=data_version.current())
    cached = cache.get(key)
    if cached is None:
        try:
            published = published_figures(cohort, scope, as_of=as_of)
        except ReconciliationFailed as failed:
            cached = ("failed", failed.failures)
        else:
            results = published.results
            cached = ("ok", DashboardFigures(results, [figure(r) for r in results.values()]))
        cache.set(key, cached, FIGURES_CACHE_SECONDS)
    outcome, value = cached
    if outcome == "failed":
        raise ReconciliationFailed(list(value))
    return value
