"""Review deadlines (DOMAIN.md: completion within 6 months of notification).

The clock starts on the day the programme was told and stops while a case is on hold (a
coroner's inquest or police investigation is outside the reviewer's control), so each day on
hold moves the due date a day later. Time on hold is shown beside the due date.

The same due date is the one definition of "within 6 months" everywhere (ADR 0140): the
case's deadline, the dashboards' overdue counts, the `completed_within_6_months` metric, the
national dataset (2027.1 onwards) and the national performance table. Each published figure
names `WITHIN_6_MONTHS.version`.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def days_on_hold(holds, *, until: datetime | None = None) -> int:
    """Whole days on hold across `holds` (objects with started_at and ended_at; an open hold
    counts to `until`, default now)."""
    until = until or timezone.now()
    total = timedelta()
    for hold in holds:
        total += (hold.ended_at or until) - hold.started_at
    return total.days


def due_date(*, notified_on: date, hold_days: int = 0) -> date:
    return add_months(notified_on, settings.LEDER_REVIEW_DUE_MONTHS) + timedelta(days=hold_days)


@dataclass(frozen=True)
class Definition:
    """A named, versioned definition a published figure cites."""

    key: str
    version: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.key} v{self.version}"


#: "Completed within 6 months" (ADR 0140). Version 1 (until December 2026) did not deduct time
#: on hold in the reports while the operational due date did; version 2 deducts it in both.
WITHIN_6_MONTHS = Definition(
    key="within-6-months",
    version="2",
    text=(
        "A review is completed within 6 months when it is signed off on or before its due "
        "date: the day it was notified plus 6 calendar months (the month's last day when the "
        "month is shorter), plus every whole day it spent on hold while a statutory process "
        "ran (a coroner's inquest, police investigation, safeguarding adults review, domestic "
        "homicide review, patient safety incident investigation or child death review). The "
        "LeDeR policy expects completion within 6 months unless statutory processes prevent it."
    ),
)


def completed_within(*, completed_on: date, due_on: date) -> bool:
    """Whether a review signed off on `completed_on` met its due date (`WITHIN_6_MONTHS`)."""
    return completed_on <= due_on


def hold_days_of(*, notified_on: date, due_on: date) -> int:
    """The days on hold a stored due date carries (its distance past notification + 6 months)."""
    return max((due_on - due_date(notified_on=notified_on)).days, 0)


class DueStatus:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    LONG_OVERDUE = "long_overdue"
    ON_HOLD = "on_hold"
    NOT_APPLICABLE = "not_applicable"

    LABELS = {
        ON_TRACK: "On track",
        DUE_SOON: "Due soon",
        OVERDUE: "Overdue",
        LONG_OVERDUE: "Long overdue",
        ON_HOLD: "On hold",
        NOT_APPLICABLE: "No deadline",
    }


@dataclass(frozen=True)
class Deadline:
    due_on: date
    status: str
    days_left: int


def due_status(*, due_on: date, today: date, active: bool, on_hold: bool) -> str:
    if on_hold:
        return DueStatus.ON_HOLD
    if not active:
        return DueStatus.NOT_APPLICABLE
    days_left = (due_on - today).days
    if days_left < -settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS:
        return DueStatus.LONG_OVERDUE
    if days_left < 0:
        return DueStatus.OVERDUE
    if days_left <= settings.LEDER_DUE_SOON_DAYS:
        return DueStatus.DUE_SOON
    return DueStatus.ON_TRACK
