"""One definition of "within 6 months" (ADR 0140): the metric agrees with the case's due date."""

from datetime import date

import polars as pl
import pytest

from leder.analytics import metrics
from leder.analytics.extract import DEATH_SCHEMA, frame_from_rows
from leder.analytics.tests.conftest import death, make_extract
from leder.casework import deadlines

D = date


def test_definition_is_named_and_versioned():
    assert deadlines.WITHIN_6_MONTHS.label == "within-6-months v2"
    result = metrics.completed_within_6_months(make_extract())
    assert result.version.endswith("within-6-months v2")
    assert any("within-6-months v2" in note for note in result.notes)


@pytest.mark.parametrize(
    "notified",
    [D(2024, 8, 31), D(2023, 8, 31), D(2024, 2, 29), D(2024, 12, 31), D(2025, 3, 31)],
)
def test_unheld_due_date_in_the_metric_is_the_case_due_date(notified):
    # A frame built without a stored due date falls back to notification + 6 months in polars;
    # that must be the same day `deadlines.due_date` gives (month ends clamp: 31 Aug → 28/29 Feb).
    frame = pl.DataFrame({"notified_on": [notified], "due_on": [None]}).with_columns(
        pl.col("due_on").cast(pl.Date)
    )
    computed = frame.select(metrics.due_on_expr()).item()
    assert computed == deadlines.due_date(notified_on=notified)


def test_time_on_hold_is_deducted():
    # Worked by hand:
    # H1 notified 1 Feb 2024, due 1 Aug 2024, never held, signed off 1 Sep 2024: late.
    # H2 notified 1 Feb 2024, 45 days on hold → due 1 Aug + 45 days = 15 Sep 2024; signed off
    #    1 Sep 2024: within (it would be late if holds did not stop the clock).
    # H3 notified 1 Mar 2024, 10 days on hold → due 1 Sep + 10 = 11 Sep; signed off 30 Sep: late.
    # H4 notified 10 Jan 2024, due 10 Jul, signed off 10 Jul: within (on the day counts).
    # within = H2 + H4 = 2 of 4; held = H2 + H3 = 2.
    rows = [
        death("H1", "completed", 50, "female", "White", notified_on=D(2024, 2, 1),
              due_on=D(2024, 8, 1), hold_days=0, completed_on=D(2024, 9, 1)),
        death("H2", "completed", 50, "female", "White", notified_on=D(2024, 2, 1),
              due_on=D(2024, 9, 15), hold_days=45, completed_on=D(2024, 9, 1)),
        death("H3", "completed", 50, "male", "White", notified_on=D(2024, 3, 1),
              due_on=D(2024, 9, 11), hold_days=10, completed_on=D(2024, 9, 30)),
        death("H4", "completed", 50, "male", "White", notified_on=D(2024, 1, 10),
              due_on=D(2024, 7, 10), hold_days=0, completed_on=D(2024, 7, 10)),
    ]  # fmt: skip
    extract = make_extract(deaths=rows)
    assert extract.deaths.schema == frame_from_rows(rows, DEATH_SCHEMA).schema
    row = metrics.completed_within_6_months(extract).table.row(0, named=True)
    assert (row["completed"], row["within"], row["later"], row["held"]) == (4, 2, 2, 2)
    assert row["share_within"] == pytest.approx(0.5)
    # The same decision, case by case, as the casework rule.
    for r in rows:
        assert deadlines.completed_within(completed_on=r["completed_on"], due_on=r["due_on"]) == (
            r["reference"] in ("H2", "H4")
        )


def test_hold_days_of_a_stored_due_date():
    assert deadlines.hold_days_of(notified_on=D(2024, 2, 1), due_on=D(2024, 9, 15)) == 45
    assert deadlines.hold_days_of(notified_on=D(2024, 8, 31), due_on=D(2025, 2, 28)) == 0
