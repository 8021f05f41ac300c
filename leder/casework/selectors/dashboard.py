"""Figures for the local area, regional and national dashboards (issue 3, item 6).

Every figure is a count (or the age of the oldest item in a count), never an identity, which is
why ICB executive leads, regional coordinators and national analysts may see them while they
see no case content. Each figure is computed in the database with `Count(..., filter=Q(...))`
grouped by ICB, so a dashboard costs the same few queries whether an area has ten cases or ten
thousand: one over notifications, one over cases, one over the reviewer register and one for
the ICBs themselves.

Who may see which dashboard is decided here too (`dashboard_icbs_for`, `dashboard_regions_for`,
`can_see_national_dashboard`); the views only ask.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from leder.accounts.rules import (
    ICB_DASHBOARD_ROLES,
    is_national_analyst,
    organisations_where,
    regions_where,
)
from leder.casework.deadlines import DueStatus
from leder.casework.models import (
    CaseHold,
    CaseState,
    HoldKind,
    RecruitmentStatus,
    Reviewer,
)
from leder.casework.selectors import cases_visible_to
from leder.casework.selectors.deadlines import due_status_q, past_due_q
from leder.notifications.models import Notification, NotificationState
from leder.organisations.models import Organisation


def dashboard_icbs_for(user) -> QuerySet[Organisation]:
    """The ICBs whose dashboard `user` may read today: where they hold a dashboard role."""
    return organisations_where(user, *ICB_DASHBOARD_ROLES).order_by("name")


def dashboard_regions_for(user) -> QuerySet[Organisation]:
    """The regions whose dashboard `user` may read today: where they are regional coordinator."""
    return regions_where(user).order_by("name")


def can_see_national_dashboard(user) -> bool:
    """National analysts read the national counts (per region and England)."""
    return is_national_analyst(user)


def year_start(today: date) -> datetime:
    """1 January of `today`'s year at midnight in Europe/London: "this year" is the calendar
    year as the service's users live it, not as UTC counts it."""
    return timezone.make_aware(datetime.combine(date(today.year, 1, 1), time.min))


@dataclass
class Figures:
    """The counts for one ICB, or the sum over several (a region, England).

    The `oldest_*` fields are dates, not counts: the sum keeps the earliest, so a region's
    longest wait is its longest-waiting ICB's."""

    # Notifications (not merged into another), by receipt.
    referrals_this_year: int = 0
    referrals_all_time: int = 0
    # Notifications received this year that triage found not eligible: expected deaths are
    # compared with the notified deaths that were not ruled out.
    not_eligible_this_year: int = 0
    # Notifications no one has triaged yet, and the day the oldest of them was received.
    untriaged: int = 0
    oldest_untriaged_on: date | None = None
    # Cases by state.
    awaiting_allocation: int = 0
    oldest_awaiting_notified_on: date | None = None
    allocated: int = 0
    initial_review: int = 0
    focused_review: int = 0
    quality_assurance: int = 0
    panel: int = 0
    completed: int = 0
    on_hold: int = 0
    # Reviews on hold by the process that holds them (`HoldKind`), e.g. on_hold_coroner.
    on_hold_coroner: int = 0
    on_hold_police: int = 0
    on_hold_sar: int = 0
    on_hold_dhr: int = 0
    on_hold_psii: int = 0
    on_hold_child_death_review: int = 0
    on_hold_other: int = 0
    # Deadlines of active cases.
    due_soon: int = 0
    overdue: int = 0  # including long overdue
    long_overdue: int = 0
    # The reviewer register.
    trained_reviewers: int = 0
    reviewers_in_training: int = 0
    # Population with a learning disability (None: not configured), and how many of the ICBs
    # summed here have none configured.
    ld_population: int | None = None
    icbs_without_population: int = 0
    icb_count: int = 1
    # Set by `sum_figures` for a total.
    parts: list = field(default_factory=list, repr=False)

    @property
    def in_review(self) -> int:
        return self.initial_review + self.focused_review

    @property
    def notified_this_year(self) -> int:
        return self.referrals_this_year - self.not_eligible_this_year

    @property
    def expected_deaths_a_year(self) -> float | None:
        """Population with a learning disability × the installation's annual mortality rate;
        None when any ICB counted here has no population configured (a partial sum would look
        like a real, smaller expectation)."""
        if self.ld_population is None or self.icbs_without_population:
            return None
        return self.ld_population * settings.LEDER_LD_ANNUAL_MORTALITY_RATE

    def expected_deaths_so_far(self, *, today: date) -> float | None:
        """The year's expectation pro rata to `today` (day of year ÷ days in the year)."""
        yearly = self.expected_deaths_a_year
        if yearly is None:
            return None
        days_in_year = (date(today.year + 1, 1, 1) - date(today.year, 1, 1)).days
        return yearly * today.timetuple().tm_yday / days_in_year


HOLD_KIND_FIELDS = tuple(f"on_hold_{kind}" for kind in HoldKind.values)
# The counts of cases in each state from allocation on (and on hold, by the process waited for).
_STATE_COUNTS = (
    "allocated",
    "initial_review",
    "focused_review",
    "quality_assurance",
    "panel",
    "completed",
    "on_hold",
    *HOLD_KIND_FIELDS,
)

# The counts a total adds up (the oldest dates and the population are combined on their own).
_SUMMED = (
    "referrals_this_year",
    "referrals_all_time",
    "not_eligible_this_year",
    "untriaged",
    "awaiting_allocation",
    *_STATE_COUNTS,
    "due_soon",
    "overdue",
    "long_overdue",
    "trained_reviewers",
    "reviewers_in_training",
    "icbs_without_population",
    "icb_count",
)


def sum_figures(parts: Iterable[Figures]) -> Figures:
    """The total of several areas' figures: counts add up, oldest dates take the earliest,
    populations add up (and the count of ICBs without one is kept, see
    `Figures.expected_deaths_a_year`)."""
    parts = list(parts)
    total = Figures(icb_count=0, parts=parts)
    for part in parts:
        for name in _SUMMED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for name in ("oldest_untriaged_on", "oldest_awaiting_notified_on"):
            dates = [d for d in (getattr(total, name), getattr(part, name)) if d is not None]
            setattr(total, name, min(dates) if dates else None)
        if part.ld_population is not None:
            total.ld_population = (total.ld_population or 0) + part.ld_population
    return total


def figures_by_icb(*, icb_ids: Iterable[int], today: date) -> dict[int, Figures]:
    """The figures of each ICB in `icb_ids` on `today`, in three queries whatever the number of
    ICBs, notifications or cases. An ICB with nothing yet has zero counts.

    Not scoped to a user: callers pass only ICBs the user may see figures for (see
    `icb_dashboard_for` and its siblings)."""
    icb_ids = list(icb_ids)
    start = year_start(today)
    end = year_start(date(today.year + 1, 1, 1))
    figures: dict[int, Figures] = {}
    for icb in Organisation.objects.filter(pk__in=icb_ids).only("pk", "ld_population"):
        figures[icb.pk] = Figures(
            ld_population=icb.ld_population,
            icbs_without_population=0 if icb.ld_population is not None else 1,
        )

    # One pass over the ICBs' notifications joined to their cases (a notification has at most
    # one case) gives both the notification and the case counts: one scan of each table instead
    # of two national scans (issue 17). Merged notifications are left out of the notification
    # counts only; a case counts by its notification's ICB whatever that notification's state.
    counted = ~Q(state=NotificationState.MERGED)
    this_year = counted & Q(received_at__gte=start, received_at__lt=end)
    untriaged = counted & (Q(case__isnull=True) | Q(case__state=CaseState.NOTIFIED))

    def in_state(state: str) -> Q:
        return Q(case__state=state)

    def due(status: str) -> Q:
        return due_status_q(status, today=today, prefix="case__")

    # Reviews on hold by the process that holds them (issue 15).
    open_hold = CaseHold.objects.filter(case=OuterRef("case"), ended_at__isnull=True)

    rows = (
        Notification.objects.filter(icb_id__in=icb_ids)
        .order_by()
        .values("icb_id")
        .annotate(
            referrals_all_time=Count("pk", filter=counted),
            referrals_this_year=Count("pk", filter=this_year),
            not_eligible_this_year=Count(
                "pk", filter=this_year & Q(case__state=CaseState.NOT_ELIGIBLE)
            ),
            untriaged=Count("pk", filter=untriaged),
            oldest_untriaged_at=Min("received_at", filter=untriaged),
            awaiting_allocation=Count("case", filter=in_state(CaseState.AWAITING_ALLOCATION)),
            oldest_awaiting_notified_on=Min(
                "case__notified_on", filter=in_state(CaseState.AWAITING_ALLOCATION)
            ),
            allocated=Count("case", filter=in_state(CaseState.ALLOCATED)),
            initial_review=Count("case", filter=in_state(CaseState.INITIAL_REVIEW)),
            focused_review=Count("case", filter=in_state(CaseState.FOCUSED_REVIEW)),
            quality_assurance=Count("case", filter=in_state(CaseState.QUALITY_ASSURANCE)),
            panel=Count("case", filter=in_state(CaseState.PANEL)),
            completed=Count("case", filter=in_state(CaseState.COMPLETED)),
            on_hold=Count("case", filter=in_state(CaseState.ON_HOLD)),
            **{
                f"on_hold_{kind}": Count(
                    "case",
                    filter=in_state(CaseState.ON_HOLD) & Q(Exists(open_hold.filter(kind=kind))),
                )
                for kind in HoldKind.values
            },
            due_soon=Count("case", filter=due(DueStatus.DUE_SOON)),
            overdue_only=Count("case", filter=due(DueStatus.OVERDUE)),
            long_overdue=Count("case", filter=due(DueStatus.LONG_OVERDUE)),
        )
    )
    for row in rows:
        f = figures.setdefault(row["icb_id"], Figures())
        f.referrals_all_time = row["referrals_all_time"]
        f.referrals_this_year = row["referrals_this_year"]
        f.not_eligible_this_year = row["not_eligible_this_year"]
        f.untriaged = row["untriaged"]
        if row["oldest_untriaged_at"] is not None:
            f.oldest_untriaged_on = timezone.localtime(row["oldest_untriaged_at"]).date()
        for name in (
            "awaiting_allocation",
            "oldest_awaiting_notified_on",
            *_STATE_COUNTS,
            "due_soon",
            "long_overdue",
        ):
            setattr(f, name, row[name])
        f.overdue = row["overdue_only"] + row["long_overdue"]

    active = Q(is_active=True)
    reviewers = (
        Reviewer.objects.filter(icb_id__in=icb_ids)
        .order_by()
        .values("icb_id")
        .annotate(
            trained=Count("pk", filter=active & Q(recruitment_status=RecruitmentStatus.TRAINED)),
            in_training=Count(
                "pk", filter=active & Q(recruitment_status=RecruitmentStatus.IN_TRAINING)
            ),
        )
    )
    for row in reviewers:
        f = figures.setdefault(row["icb_id"], Figures())
        f.trained_reviewers = row["trained"]
        f.reviewers_in_training = row["in_training"]
    return figures


# --- Dashboards, each scoped to the user ------------------------------------------------------


@dataclass(frozen=True)
class AreaFigures:
    """One area's name and figures: a row of a regional or national table."""

    organisation: Organisation | None
    name: str
    figures: Figures


@dataclass(frozen=True)
class GroupDashboard:
    """A region's ICBs (or England's regions), one row each, and their total."""

    rows: list[AreaFigures]
    total: Figures


def icb_dashboard_for(*, user, icb: Organisation, today: date) -> Figures:
    """The figures of `icb`, which must be one of `dashboard_icbs_for(user)` (the view chooses
    it from that list and answers 404 otherwise). Three queries."""
    if not dashboard_icbs_for(user).filter(pk=icb.pk).exists():
        raise PermissionDenied("Not one of the user's dashboard ICBs")
    return figures_by_icb(icb_ids=[icb.pk], today=today)[icb.pk]


def region_dashboard_for(*, user, region: Organisation, today: date) -> GroupDashboard:
    """One row per ICB of `region` open on `today`, and their total. `region` must be one of
    `dashboard_regions_for(user)`. Four queries whatever the number of ICBs and cases.

    Closed ICBs are not listed: when a restructure is applied their notifications and cases move
    to their successors (see leder.organisations), so the open ICBs hold the whole region."""
    if not dashboard_regions_for(user).filter(pk=region.pk).exists():
        raise PermissionDenied("Not one of the user's dashboard regions")
    icbs = list(Organisation.objects.icbs().open_on(today).filter(region=region).order_by("name"))
    by_icb = figures_by_icb(icb_ids=[i.pk for i in icbs], today=today)
    rows = [AreaFigures(icb, icb.display_name, by_icb[icb.pk]) for icb in icbs]
    return GroupDashboard(rows=rows, total=sum_figures(r.figures for r in rows))


def national_dashboard_for(*, user, today: date) -> GroupDashboard:
    """One row per NHS England region (the sum of its open ICBs), and England. Only for
    `can_see_national_dashboard(user)`. Four queries: the figures are computed per ICB and
    added up here, so England's total is exactly the sum of its regions."""
    if not can_see_national_dashboard(user):
        raise PermissionDenied("Not a national analyst")
    icbs = list(Organisation.objects.icbs().open_on(today).select_related("region"))
    by_icb = figures_by_icb(icb_ids=[i.pk for i in icbs], today=today)
    regions: dict[int | None, list[Figures]] = {}
    names: dict[int | None, tuple[Organisation | None, str]] = {}
    for icb in icbs:
        regions.setdefault(icb.region_id, []).append(by_icb[icb.pk])
        names[icb.region_id] = (
            (icb.region, icb.region.display_name) if icb.region else (None, "ICBs not in a region")
        )
    rows = sorted(
        (
            AreaFigures(names[key][0], names[key][1], sum_figures(parts))
            for key, parts in regions.items()
        ),
        # Regions by name; ICBs without a region (only ever a data error) last.
        key=lambda row: (row.organisation is None, row.name),
    )
    return GroupDashboard(rows=rows, total=sum_figures(r.figures for r in rows))


@dataclass(frozen=True)
class OverdueRow:
    reference: str
    state: str
    due_on: date
    days_overdue: int
    has_reviewer: bool


def overdue_cases_for(*, user, icb: Organisation, today: date, limit: int = 10) -> list[OverdueRow]:
    """The most overdue active cases of `icb` that `user` may see (from `cases_visible_to`), at
    most `limit`: the local area contact's list on their dashboard. References only, as on the
    escalation list; the case page shows the rest to those allowed. One query."""
    rows = (
        cases_visible_to(user)
        .filter(notification__icb=icb)
        .filter(past_due_q(today=today))
        .order_by("due_on", "notification__reference")
        .values("notification__reference", "state", "due_on", "reviewer_id")[:limit]
    )
    return [
        OverdueRow(
            reference=row["notification__reference"],
            state=row["state"],
            due_on=row["due_on"],
            days_overdue=(today - row["due_on"]).days,
            has_reviewer=row["reviewer_id"] is not None,
        )
        for row in rows
    ]
