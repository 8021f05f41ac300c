"""The analytics library: the figures of the LeDeR dashboards and annual reports.

How a report or dashboard uses it (each step is its own module):

    from leder.analytics import disclosure, manifest, metrics, reconcile
    from leder.analytics.cohorts import Cohort, Scope
    from leder.analytics.extract import build_extract

    extract = build_extract(Cohort.deaths_in(2025), Scope.of(icb))   # or Scope.england()
    checks = reconcile.require_reconciled(extract)     # raises ReconciliationFailed: stop
    results = metrics.compute(extract)                 # {key: MetricResult}, raw
    published = {k: disclosure.protect(r) for k, r in results.items()}   # safe to show
    record = manifest.build_manifest(extract, generated_by=user, checks=checks)

`PublishedResult.rows()` gives the table with suppressed cells as "[c]"; `MetricResult` carries
the title, cohort name, definition (docstring) and version every figure must show. The metric
list is `metrics.REGISTRY`.
"""
