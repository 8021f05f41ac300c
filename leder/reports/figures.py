"""The published figures of a cohort and scope: extract → reconciliation → metrics →
disclosure control, in that order and only in that order.

`published_figures` is the one way a dashboard or a report gets numbers. It raises
`ReconciliationFailed` (from `leder.analytics.reconcile`) when the extract fails a check, so
nothing computed from incomplete or inconsistent data can reach a page; and it returns only
`PublishedResult`s, never raw metric results.
"""

from dataclasses import dataclass
from datetime import date

from leder.analytics import disclosure, manifest, metrics, reconcile
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import Extract, build_extract
from leder.analytics.reconcile import CheckResult
from leder.analytics.results import PublishedResult


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
    cohort: Cohort, scope: Scope, *, as_of: date | None = None, extract: Extract | None = None
) -> PublishedFigures:
    """Every metric of the library for `cohort` and `scope`, disclosure-controlled, after the
    extract has passed reconciliation (else `ReconciliationFailed`, naming the records).

    Reads identifiable data: the caller has checked the user may see `scope` and records it."""
    extract = extract or build_extract(cohort, scope, as_of=as_of)
    checks = reconcile.require_reconciled(extract)
    raw = metrics.compute(extract)
    return PublishedFigures(
        extract=extract,
        checks=checks,
        results={key: disclosure.protect(result) for key, result in raw.items()},
    )
