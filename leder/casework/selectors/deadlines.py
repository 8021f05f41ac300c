"""Deadlines in queries: the due statuses of `deadlines.due_status` as `Q` filters over cases, the
cases the reminder job must look at, and the regional coordinator's escalation list.

`deadlines.due_status` decides one case in Python; `due_status_q` says the same thing to the
database so that counts and lists never load cases to classify them. The two are tested against
each other at every boundary (tests/test_deadline_queries.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet

from leder.accounts.rules import icbs_in_regions_where
from leder.casework.deadlines import DueStatus
from leder.casework.models import ACTIVE_STATES, Case, CaseState


def due_status_q(status: str, *, today: date, prefix: str = "") -> Q:
    """The cases whose due status on `today` is `status` (a `DueStatus` value), as a filter.
    `prefix` ("case__") lets a query over another model filter through its case. A case on hold
    is "on hold" whatever its due date: the clock is stopped and its due date is recomputed when
    it resumes. Closed and untriaged cases have no deadline."""
    soon_until = today + timedelta(days=settings.LEDER_DUE_SOON_DAYS)
    escalate_before = today - timedelta(days=settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS)

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    active = q(state__in=ACTIVE_STATES)
    filters = {
        DueStatus.ON_TRACK: active & q(due_on__gt=soon_until),
        DueStatus.DUE_SOON: active & q(due_on__gte=today, due_on__lte=soon_until),
        DueStatus.OVERDUE: active & q(due_on__lt=today, due_on__gte=escalate_before),
        DueStatus.LONG_OVERDUE: active & q(due_on__lt=escalate_before),
        DueStatus.ON_HOLD: q(state=CaseState.ON_HOLD),
        DueStatus.NOT_APPLICABLE: ~q(state__in=[*ACTIVE_STATES, CaseState.ON_HOLD]),
    }
    return filters[status]


def past_due_q(*, today: date, prefix: str = "") -> Q:
    """Overdue or long overdue: every active case past its due date."""
    return due_status_q(DueStatus.OVERDUE, today=today, prefix=prefix) | due_status_q(
        DueStatus.LONG_OVERDUE, today=today, prefix=prefix
    )


def cases_due_for_reminders(*, today: date) -> QuerySet[Case]:
    """Active cases that are due soon, overdue or long overdue on `today`, with what the reminder
    job needs (ICB, region, reviewer and their account) in one query.

    Not scoped to a user: this is for the scheduled job (`services.reminders`), which decides
    the recipients itself, and must never back a view."""
    soon_until = today + timedelta(days=settings.LEDER_DUE_SOON_DAYS)
    return (
        Case.objects.filter(state__in=ACTIVE_STATES, due_on__lte=soon_until)
        .select_related("notification__icb__region", "reviewer__user")
        # Only what a reminder says and who it goes to: the person's details stay unread.
        .only(
            "id",
            "state",
            "due_on",
            "reviewer",
            "notification",
            "notification__reference",
            "notification__icb",
            "notification__icb__name",
            "notification__icb__short_name",
            "notification__icb__region",
            "notification__icb__region__name",
            "notification__icb__region__short_name",
            "reviewer__is_active",
            "reviewer__user",
            "reviewer__user__email",
            "reviewer__user__is_active",
        )
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class EscalationRow:
    """One long-overdue case as the regional coordinator sees it: no name, no date of birth, no
    NHS number; the reference is what they quote to the ICB."""

    reference: str
    icb_name: str
    state: str
    due_on: date
    days_overdue: int
    has_reviewer: bool


class EscalationRows(Sequence):
    """The escalation list, read lazily: a page of it is one query for that page's rows only
    (the paginator's slice becomes LIMIT/OFFSET), and its length one COUNT, so a region's page
    costs the same however long its history of overdue cases (issue 17)."""

    def __init__(self, rows, *, today: date):
        self._rows = rows
        self._today = today
        self._count: int | None = None

    def _row(self, row: dict) -> EscalationRow:
        return EscalationRow(
            reference=row["reference"],
            icb_name=row["icb_short_name"] or row["icb_name"],
            state=row["state"],
            due_on=row["due_on"],
            days_overdue=(self._today - row["due_on"]).days,
            has_reviewer=row["reviewer_id"] is not None,
        )

    def count(self) -> int:
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(row) for row in self._rows[index]]
        return self._row(self._rows[index])

    def __iter__(self):
        return (self._row(row) for row in self._rows)


def escalations_for(*, user, today: date, region_id: int | None = None) -> EscalationRows:
    """The long-overdue cases of the ICBs in the regions where `user` is a regional coordinator
    today (only `region_id` if given, which must be one of them, else nothing), most overdue
    first. Only the fields of `EscalationRow` are read from the database, so nothing identifying
    can reach the page. Lazy: a slice is one query for its rows, the length one count."""
    icbs = icbs_in_regions_where(user)
    if region_id is not None:
        icbs = icbs.filter(region_id=region_id)
    # The ICBs as literal ids (one small query). Given the nested subquery instead, PostgreSQL
    # expected a single ICB and walked every notification of the region case by case: 17 ms at
    # the bench's large scale against 1.5 ms this way (issue 17, ADR 0172).
    icb_ids = list(icbs.values_list("pk", flat=True))
    rows = (
        Case.objects.filter(notification__icb_id__in=icb_ids)
        .filter(due_status_q(DueStatus.LONG_OVERDUE, today=today))
        .annotate(
            reference=F("notification__reference"),
            icb_short_name=F("notification__icb__short_name"),
            icb_name=F("notification__icb__name"),
        )
        .order_by("due_on", "notification__reference")
        .values("reference", "icb_short_name", "icb_name", "state", "due_on", "reviewer_id")
    )
    return EscalationRows(rows, today=today)
