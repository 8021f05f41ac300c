"""The national performance table: one row per ICB, region and England for a quarter or year
(issue 14, item 4; ADR 0143), in the layout NHS England collects each quarter.

For the period [`starts_on`, `ends_before`) and the day it is measured on (`as_of`):

- `notified`: deaths notified in the period (notifications received, duplicates merged away);
- `triaged`: of those, how many have had their triage decision;
- `allocated` / `allocated_within`: of those, how many have been allocated to a reviewer, and
  how many within the allocation standard (`settings.LEDER_ALLOCATION_STANDARD_DAYS` days from
  notification);
- `completed`: reviews completed (signed off) in the period;
- `within_6_months`: of those, completed on or before the case's due date (definition
  `within-6-months v2`, ADR 0140: notification + 6 months + days on hold);
- `median_days`: median days from notification to completion, of those completed;
- `backlog_*`: reviews still to do on `as_of` (awaiting allocation, allocated, in review, QA,
  panel or on hold, whenever notified) by time since notification, and their total. With the
  cases' `events` (state transitions with the day each happened), every state — for the
  backlog and for `triaged` — is the one the case was in at the end of `as_of`, not today's,
  and `allocated` counts only allocations made by then (ADR 0146);
- `expected`: deaths expected in the period among the area's population with a learning
  disability (population × `LEDER_LD_ANNUAL_MORTALITY_RATE` × days in the period ÷ 365.25;
  empty when the population is not configured), and `ratio` = `notified` / `expected`.

A region's row is the sum of its ICBs' rows (its median is computed from its own reviews), and
England's the sum of the regions'. Counts are people (or reviews), so the table goes through
disclosure control like any figure; its layout says what adds up to what.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.conf import settings

from leder.analytics.metric_registry import ACTIVE, share_of
from leder.analytics.metrics_reviews import BACKLOG_BANDS, due_on_expr
from leder.analytics.results import Layout, MetricResult
from leder.casework.deadlines import WITHIN_6_MONTHS

KEY = "national_performance"
TITLE = "National performance table"
VERSION = f"1+{WITHIN_6_MONTHS.label}"

BACKLOG_COLUMNS = ("backlog_under_3", "backlog_3_to_6", "backlog_6_to_12", "backlog_12_plus")
COUNTS = (
    "notified",
    "triaged",
    "not_triaged",
    "allocated",
    "allocated_within",
    "allocated_later",
    "completed",
    "within_6_months",
    "later",
    *BACKLOG_COLUMNS,
    "backlog",
)
HIDDEN = ("not_triaged", "allocated_later", "later")


@dataclass(frozen=True)
class Area:
    """An ICB and its region, with its population with a learning disability (or None)."""

    code: str
    name: str
    region_code: str
    region_name: str
    ld_population: int | None


def standard_days() -> int:
    return int(getattr(settings, "LEDER_ALLOCATION_STANDARD_DAYS", 28))


def _expected(population: int | None, days: int) -> float | None:
    if population is None:
        return None
    rate = float(getattr(settings, "LEDER_LD_ANNUAL_MORTALITY_RATE", 0.0032))
    return population * rate * days / 365.25


def _backlog_band(as_of: date) -> pl.Expr:
    expr = pl.lit(None, pl.String)
    for (_, low, high), column in zip(BACKLOG_BANDS, BACKLOG_COLUMNS, strict=True):
        condition = pl.col("notified_on").dt.offset_by(f"{low}mo") <= pl.lit(as_of)
        if high is not None:
            condition &= pl.col("notified_on").dt.offset_by(f"{high}mo") > pl.lit(as_of)
        expr = pl.when(condition).then(pl.lit(column)).otherwise(expr)
    return expr.alias("band")


def states_on(deaths: pl.DataFrame, events: pl.DataFrame, day: date) -> pl.DataFrame:
    """`deaths` with `state` replaced by the state each death's case was in at the end of
    `day`: the `to_state` of its last event on or before `day` (last by `sequence`), or
    "notified" when it had none by then (no case yet, or a case not yet triaged). A death
    notified after `day` keeps "notified" too; the callers leave those out."""
    last = (
        events.filter(pl.col("occurred_on") <= pl.lit(day))
        .sort("sequence")
        .group_by("reference")
        .agg(pl.col("to_state").last().alias("_state_on"))
    )
    return (
        deaths.join(last, on="reference", how="left", maintain_order="left")
        .with_columns(pl.col("_state_on").fill_null("notified").alias("state"))
        .drop("_state_on")
    )


def _counts(notified: pl.DataFrame, completed: pl.DataFrame, waiting: pl.DataFrame) -> dict:
    """Every count column, and the completion days (for the median), of one area."""
    triaged = notified.filter(pl.col("state") != "notified").height
    allocated = notified.filter(pl.col("allocated_on").is_not_null())
    within_standard = allocated.filter(
        (pl.col("allocated_on") - pl.col("notified_on")).dt.total_days() <= standard_days()
    ).height
    on_time = completed.filter(pl.col("completed_on") <= due_on_expr()).height
    bands = dict(waiting.group_by("band").len().iter_rows()) if waiting.height else {}
    backlog = [int(bands.get(column, 0)) for column in BACKLOG_COLUMNS]
    values = {
        "notified": notified.height,
        "triaged": triaged,
        "not_triaged": notified.height - triaged,
        "allocated": allocated.height,
        "allocated_within": within_standard,
        "allocated_later": allocated.height - within_standard,
        "completed": completed.height,
        "within_6_months": on_time,
        "later": completed.height - on_time,
        **dict(zip(BACKLOG_COLUMNS, backlog, strict=True)),
        "backlog": sum(backlog),
    }
    days = completed.select((pl.col("completed_on") - pl.col("notified_on")).dt.total_days())
    values["median_days"] = days.to_series().median() if completed.height else None
    return values


def performance(
    *,
    notified: pl.DataFrame,
    completed: pl.DataFrame,
    waiting: pl.DataFrame,
    areas: list[Area],
    starts_on: date,
    ends_before: date,
    as_of: date,
    period_name: str,
    scope_name: str = "England",
    with_england: bool = True,
    events: pl.DataFrame | None = None,
) -> MetricResult:
    """The table from three deaths frames (`extract.DEATH_SCHEMA` columns): the notifications
    received in the period, the reviews completed in it, and every notification up to `as_of`
    (for the backlog). Rows: each region's ICBs then the region, and England last.

    With `events` (`extract.EVENT_SCHEMA`: every transition of those cases), the notified and
    waiting frames' states are those at the end of `as_of` (`states_on`), so a past quarter's
    backlog is what was open on its last day; without, the frames' states (today's) are used."""
    if events is not None:
        notified = states_on(notified, events, as_of).with_columns(
            pl.when(pl.col("allocated_on") <= pl.lit(as_of))
            .then(pl.col("allocated_on"))
            .alias("allocated_on")
        )
        waiting = states_on(waiting, events, as_of)
    completed = completed.filter(
        (pl.col("state") == "completed") & pl.col("completed_on").is_not_null()
    )
    waiting = waiting.filter(
        pl.col("state").is_in(ACTIVE) & (pl.col("notified_on") <= pl.lit(as_of))
    ).with_columns(_backlog_band(as_of))
    days = (ends_before - starts_on).days
    rows: list[dict] = []
    row_sums: list[tuple[tuple[int, ...], int]] = []
    region_rows: list[int] = []
    regions: dict[str, list[Area]] = {}
    for area in sorted(areas, key=lambda a: (a.region_name, a.name)):
        regions.setdefault(area.region_code, []).append(area)

    def row(level, code, name, region, icbs: list[str], population):
        picked = [
            frame.filter(pl.col("icb").is_in(icbs)) for frame in (notified, completed, waiting)
        ]
        values = _counts(*picked)
        return {"level": level, "code": code, "name": name, "region": region, **values,
                "expected": _expected(population, days)}  # fmt: skip

    for region_code, members in regions.items():
        region_name = members[0].region_name
        first = len(rows)
        for area in members:
            rows.append(
                row("ICB", area.code, area.name, region_name, [area.code], area.ld_population)
            )
        populations = [a.ld_population for a in members]
        population = None if any(p is None for p in populations) else sum(populations)
        codes = [a.code for a in members]
        rows.append(row("Region", region_code, region_name, region_name, codes, population))
        row_sums.append((tuple(range(first, len(rows) - 1)), len(rows) - 1))
        region_rows.append(len(rows) - 1)
    if with_england:
        populations = [a.ld_population for a in areas]
        population = None if any(p is None for p in populations) else sum(populations)
        rows.append(row("England", "", "England", "", [a.code for a in areas], population))
        row_sums.append((tuple(region_rows), len(rows) - 1))
    schema = {
        "level": pl.String,
        "code": pl.String,
        "name": pl.String,
        "region": pl.String,
        **{column: pl.Int64 for column in COUNTS},
        "median_days": pl.Float64,
        "expected": pl.Float64,
    }
    table = pl.DataFrame(rows, schema=schema)
    table = table.with_columns(
        share_of("within_6_months", "completed", "share_within"),
        share_of("allocated_within", "allocated", "share_allocated_within"),
        share_of("notified", "expected", "ratio"),
    )
    layout = Layout(
        labels=("level", "code", "name", "region"),
        counts=COUNTS,
        partitions=(
            (("triaged", "not_triaged"), "notified"),
            (("allocated_within", "allocated_later"), "allocated"),
            (("within_6_months", "later"), "completed"),
            (BACKLOG_COLUMNS, "backlog"),
        ),
        hidden=HIDDEN,
        row_sums=tuple(row_sums),
        derived=(
            ("median_days", ("completed",)),
            ("share_within", ("within_6_months", "completed")),
            ("share_allocated_within", ("allocated_within", "allocated")),
            ("ratio", ("notified",)),
        ),
    )
    notes = (
        f"Within 6 months: definition {WITHIN_6_MONTHS.label}. {WITHIN_6_MONTHS.text}",
        f"Allocation standard: within {standard_days()} days of notification.",
        f"Backlog measured on {as_of:%-d %B %Y}"
        + (
            ", from each case's state on that day (its recorded transitions)."
            if events is not None
            else ", from each case's state today."
        ),
    )
    definition = (__doc__ or "").split("\n\n", 1)[1].strip()
    return MetricResult(
        key=KEY,
        title=TITLE,
        version=VERSION,
        cohort=period_name,
        scope=scope_name,
        definition=definition,
        table=table,
        layout=layout,
        notes=notes,
    )
