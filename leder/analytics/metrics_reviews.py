"""The metrics about the reviews: deaths by stage of review, grading of care, themes of
learning, actions, and timeliness (time to allocation, completed within 6 months, backlog by
age). They count every review, both populations combined, and say so (ADR 0146). Registered in
`metric_registry.REGISTRY`; `metrics` lists them in report order."""

import polars as pl
from django.conf import settings

from leder.analytics.extract import Extract
from leder.analytics.metric_registry import (
    ACTIVE,
    ALL,
    STATES,
    TOTAL,
    _counts_by,
    metric,
    share_of,
)
from leder.analytics.results import Layout
from leder.casework.deadlines import WITHIN_6_MONTHS
from leder.core.time import today

# --- counts by state --------------------------------------------------------------------------


@metric("counts_by_state", "Deaths by stage of review", "1")
def counts_by_state(extract: Extract):
    """Every notified death in the cohort by the stage its review has reached today: notified
    and awaiting triage, awaiting allocation, in each stage of review, on hold, completed, or
    closed without a LeDeR review (not eligible, child death review, national data opt-out).
    Each death is in exactly one stage; the stages add up to the total."""
    counts = _counts_by(extract.deaths, "state", [s for s, _ in STATES], "cases")
    rows = [(state, label, n) for (state, label), n in zip(STATES, counts, strict=True)]
    rows.append(("total", TOTAL, sum(counts)))
    table = pl.DataFrame(rows, schema=["state", "label", "deaths"], orient="row")
    return table, Layout(labels=("state", "label"), counts=("deaths",), row_total=True)


# --- grading, learning and actions ------------------------------------------------------------

BANDS = (("1–2", (1, 2)), ("3–4", (3, 4)), ("5–6", (5, 6)))


@metric("grading", "Grading of care", "2")
def grading(extract: Extract):
    """Completed reviews in the cohort by the grade of the care the person received (1 to 6 on
    the grading scale in force when the review started; the focused review's grade when there
    was one), and by band: grades 1–2, 3–4 and 5–6. Reviews without a grade are left out.
    A child's death reviewed through the child death review counts with the grade its panel
    gave, if it gave one (version 2, ADR 0154). `share` is of all graded reviews."""
    graded = extract.deaths.select("state", "grade").filter(
        pl.col("state").is_in(["completed", "child_death_review"]) & pl.col("grade").is_not_null()
    )
    counts = _counts_by(graded, "grade", [1, 2, 3, 4, 5, 6], "n")
    total = sum(counts)
    rows = [("Grade", str(g), n) for g, n in zip(range(1, 7), counts, strict=True)]
    rows.append(("Grade", TOTAL, total))
    rows += [("Band", label, counts[a - 1] + counts[b - 1]) for label, (a, b) in BANDS]
    rows.append(("Band", TOTAL, total))
    table = pl.DataFrame(rows, schema=["dimension", "grade", "reviews"], orient="row")
    table = table.with_columns(
        (pl.col("reviews") / total if total else pl.lit(None)).alias("share")
    )
    # bands are sums of grades (rows 0–5 → 7, 8, 9) and both totals are equal.
    row_sums = ((0, 1), 7), ((2, 3), 8), ((4, 5), 9), ((6,), 10)
    layout = Layout(
        labels=("dimension", "grade"),
        counts=("reviews",),
        row_total=True,
        block="dimension",
        row_sums=row_sums,
        derived=(("share", ("reviews", "total:reviews")),),
    )
    return table, layout


@metric("learning_themes", "Themes of learning", "1")
def learning_themes(extract: Extract):
    """Learning recorded in the cohort's completed reviews by theme (a sub-theme counts under
    its broader theme): how many reviews recorded learning in the theme, and how many pieces of
    learning of each kind (good practice, area for improvement, concern). A piece of learning
    can have several themes, so themes do not add up to a total. Most reviews first."""
    learning = extract.learning
    kinds = ("good_practice", "improvement", "concern")
    table = (
        learning.group_by("theme")
        .agg(
            pl.col("reference").n_unique().alias("reviews"),
            *[(pl.col("kind") == k).sum().alias(k) for k in kinds],
            pl.len().alias("items"),
        )
        .sort(["reviews", "theme"], descending=[True, False])
    )
    table = table.with_columns(pl.col(c).cast(pl.Int64) for c in ("reviews", *kinds, "items"))
    layout = Layout(
        labels=("theme",),
        counts=("reviews", *kinds, "items"),
        partitions=((kinds, "items"),),
    )
    return table, layout


@metric("actions", "Actions raised and completed", "1")
def actions(extract: Extract):
    """The scope's SMART actions: agreed during the period, completed during the period, and,
    at the end of the period, still open (open or in progress) and, of those, past their due
    date."""
    frame = extract.actions
    start, end = extract.cohort.starts_on, extract.cohort.ends_before

    def before_end(column: str) -> pl.Expr:
        return pl.col(column).is_not_null() & (pl.col(column) < end)

    open_at_end = ~before_end("completed_on") & ~before_end("cancelled_on")
    rows = [
        ("agreed", "Agreed", frame.filter(pl.col("agreed_on") >= start).height),
        (
            "completed",
            "Completed",
            frame.filter(before_end("completed_on") & (pl.col("completed_on") >= start)).height,
        ),
        ("open", "Open at the end of the period", frame.filter(open_at_end).height),
        (
            "overdue",
            "Overdue at the end of the period",
            frame.filter(open_at_end & (pl.col("due_on") < end)).height,
        ),
    ]
    table = pl.DataFrame(rows, schema=["measure", "label", "actions"], orient="row")
    return table, Layout(labels=("measure", "label"), counts=("actions",))


# --- timeliness -------------------------------------------------------------------------------


def _days(later: str, earlier: str) -> pl.Expr:
    return (pl.col(later) - pl.col(earlier)).dt.total_days()


@metric("time_to_allocation", "Time from notification to allocation", "1")
def time_to_allocation(extract: Extract):
    """Days from notification (the day the programme was told) to the first offer of the case
    to a reviewer: median and interquartile range, over the cohort's cases that have been
    allocated."""
    allocated = extract.deaths.select("allocated_on", "notified_on").filter(
        pl.col("allocated_on").is_not_null()
    )
    days = allocated.select(_days("allocated_on", "notified_on").alias("days"))
    n = days.height
    summary = days.select(
        pl.col("days").median().alias("median"),
        pl.col("days").quantile(0.25, interpolation="linear").alias("q1"),
        pl.col("days").quantile(0.75, interpolation="linear").alias("q3"),
    ).row(0)
    table = pl.DataFrame(
        [(ALL, n, *summary)], schema=["group", "cases", "median", "q1", "q3"], orient="row"
    )
    layout = Layout(
        labels=("group",),
        counts=("cases",),
        derived=(("median", ("cases",)), ("q1", ("cases",)), ("q3", ("cases",))),
    )
    return table, layout


def _due_months() -> int:
    return int(getattr(settings, "LEDER_REVIEW_DUE_MONTHS", 6))


def due_on_expr() -> pl.Expr:
    """The case's due date (`deadlines.WITHIN_6_MONTHS`): the stored one, which carries the days
    on hold; a death with none stored (a frame built by hand) was never held, so notification +
    6 months, which is `deadlines.due_date` with no hold."""
    computed = pl.col("notified_on").dt.offset_by(f"{_due_months()}mo")
    return pl.coalesce(pl.col("due_on"), computed)


@metric(
    "completed_within_6_months",
    "Reviews completed within 6 months",
    f"2+{WITHIN_6_MONTHS.label}",
)
def completed_within_6_months(extract: Extract):
    """Of the cohort's completed reviews, how many were completed (signed off) within 6
    months: on or before the case's due date, which is the day notified plus 6 calendar months
    plus every day the case spent on hold while a statutory process ran (the same due date the
    case page, reminders and dashboards use; definition within-6-months v2, ADR 0140).
    `held` counts the completed reviews whose due date was moved by time on hold."""
    done = extract.deaths.select(
        "state", "completed_on", "notified_on", "due_on", "hold_days"
    ).filter((pl.col("state") == "completed") & pl.col("completed_on").is_not_null())
    within = done.filter(pl.col("completed_on") <= due_on_expr()).height
    held = done.filter(pl.col("hold_days").fill_null(0) > 0).height
    table = pl.DataFrame(
        [(ALL, done.height, within, done.height - within, held)],
        schema=["group", "completed", "within", "later", "held"],
        orient="row",
    ).with_columns(share_of("within", "completed"))
    layout = Layout(
        labels=("group",),
        counts=("completed", "within", "later", "held"),
        partitions=((("within", "later"), "completed"),),
        hidden=("later",),
        derived=(("share_within", ("within", "completed")),),
    )
    return table, layout, [f"Definition {WITHIN_6_MONTHS.label}: {WITHIN_6_MONTHS.text}"]


BACKLOG_BANDS = (
    ("Under 3 months", 0, 3),
    ("3 to 6 months", 3, 6),
    ("6 to 12 months", 6, 12),
    ("12 months or more", 12, None),
)


@metric("backlog_by_age", "Reviews not yet completed, by time since notification", "1")
def backlog_by_age(extract: Extract):
    """The cohort's cases still to be reviewed (awaiting allocation, allocated, in review,
    quality assurance, panel, or on hold) by the time since notification on the extract's
    "as of" day, in whole calendar months."""
    as_of = extract.as_of or today()
    waiting = extract.deaths.select("state", "notified_on").filter(pl.col("state").is_in(ACTIVE))
    counts = []
    for _, low, high in BACKLOG_BANDS:
        condition = pl.col("notified_on").dt.offset_by(f"{low}mo") <= pl.lit(as_of)
        if high is not None:
            condition &= pl.col("notified_on").dt.offset_by(f"{high}mo") > pl.lit(as_of)
        counts.append(waiting.filter(condition).height)
    rows = [(label, n) for (label, _, _), n in zip(BACKLOG_BANDS, counts, strict=True)]
    rows.append((TOTAL, sum(counts)))
    table = pl.DataFrame(rows, schema=["age", "cases"], orient="row")
    return table, Layout(labels=("age",), counts=("cases",), row_total=True)
