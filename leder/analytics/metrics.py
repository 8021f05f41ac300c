"""The metric library: every figure in the LeDeR reports, as a function of the analysis extract.

Each metric is a function `(Extract) -> MetricResult`, registered with `@metric(key, title,
version)`. Its docstring is its definition (it goes into the result, and so into the report's
notes); its version changes whenever the definition does, so a published figure can always say
which definition produced it. `REGISTRY` lists them in report order; `compute(extract)` runs
them all (or the keys asked for).

Who is counted. Unless a metric says otherwise, figures about the people who died are over the
*deaths in scope of LeDeR* in the extract: every notified death except those found not eligible
and those who opted out (national data opt-out). Counts by state include everyone.

Two populations (ADR 0146). Figures about the people who died (age, place and cause of death,
COVID-19, avoidable deaths, expected deaths, the general population) are given separately for
people with a learning disability and for autistic adults without one (`populations`), each row
naming its population (`per_population`); figures about the reviews (stages, grading, learning,
actions, timeliness) count every review and say, in `population`, that they are "All reviews:
both populations combined".

Results are raw: publish them only through `disclosure.protect`.

The library is in three modules by domain: `metric_registry` (labels, registry, shared helpers,
`per_population`), `metrics_deaths` (the people who died) and `metrics_reviews` (the reviews).
This module is its entry point: every public name is importable from here, and `REGISTRY` is in
report order (`REPORT_ORDER`).
"""

from leder.analytics.metric_registry import (  # noqa: F401  (the library's names, from here)
    ACTIVE,
    ALL,
    COMBINED_REVIEWS,
    COVID_CODES,
    EACH_POPULATION,
    ETHNIC_GROUPS,
    NOT_IN_SCOPE,
    PLACES,
    POPULATION_DEFINITION,
    REGISTRY,
    SEVERITIES,
    SEXES,
    STATES,
    TOTAL,
    Metric,
    _age_summary,
    _blocked_table,
    _breakdowns,
    _counts_by,
    _totals_equal_all,
    compute,
    definition_versions,
    in_scope,
    metric,
    per_population,
    share_of,
)
from leder.analytics.metrics_deaths import (  # noqa: F401
    adults_with_known_cause,
    avoidable_deaths,
    avoidable_denominator,
    avoidable_weights,
    chapters_of,
    covid_deaths,
    deaths_before_65,
    expected_vs_notified,
    general_population,
    leading_causes,
    median_age,
    place_of_death,
)
from leder.analytics.metrics_reviews import (  # noqa: F401
    BACKLOG_BANDS,
    BANDS,
    actions,
    backlog_by_age,
    completed_within_6_months,
    counts_by_state,
    due_on_expr,
    grading,
    learning_themes,
    time_to_allocation,
)

#: The report's order of the figures (the registry is filled module by module).
REPORT_ORDER = (
    "counts_by_state",
    "median_age",
    "deaths_before_65",
    "place_of_death",
    "leading_causes",
    "covid_deaths",
    "avoidable_deaths",
    "grading",
    "learning_themes",
    "actions",
    "time_to_allocation",
    "completed_within_6_months",
    "backlog_by_age",
    "expected_vs_notified",
    "general_population",
)
assert set(REPORT_ORDER) == set(REGISTRY), "a metric is missing from REPORT_ORDER"
_ordered = {key: REGISTRY[key] for key in REPORT_ORDER}
REGISTRY.clear()
REGISTRY.update(_ordered)
