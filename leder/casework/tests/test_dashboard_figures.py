"""The dashboard figures against a hand-built ICB whose every count is worked out below, and the
sums for a region and for England."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import user_with_role
from leder.casework import deadlines
from leder.casework.models import Case, CaseState
from leder.casework.presenters.dashboard import IcbDashboard
from leder.casework.selectors.dashboard import (
    figures_by_icb,
    national_dashboard_for,
    region_dashboard_for,
    sum_figures,
)
from leder.casework.tests.dashboard_factories import person
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.notifications.models import Notification, NotificationState
from leder.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)  # day 166 of 365


@pytest.fixture
def region():
    return make_region(name="Test Region")


@pytest.fixture
def icb(region):
    return make_icb(name="NHS Test ICB", short_name="Test ICB", region=region, ld_population=15_500)


def received(notification: Notification, day: date) -> None:
    """Received at noon on `day` (UK time); its case, if any, notified that day and due 6 months
    later."""
    at = timezone.make_aware(datetime.combine(day, time(12)))
    Notification.objects.filter(pk=notification.pk).update(received_at=at)
    Case.objects.filter(notification=notification).update(
        notified_on=day, due_on=deadlines.due_date(notified_on=day)
    )


def make(cases, i, state, day, *, due_on=None, **kw) -> Case:
    case = cases.make(state, **person(i), **kw)
    received(case.notification, day)
    if due_on:
        Case.objects.filter(pk=case.pk).update(due_on=due_on)
    return case


@pytest.fixture
def area(icb, cases):
    """The ICB of the worked example (see `test_the_icb_figures_are_worked_out_by_hand`)."""
    reviewer = make_reviewer(icb)  # trained, active
    make_reviewer(icb, trained=False)  # in training
    make_reviewer(icb, is_active=False)  # trained but inactive: not counted
    # 1-2: notifications nobody has triaged (no case yet).
    received(cases.notification(**person(1)), date(2026, 6, 1))
    received(cases.notification(**person(2)), date(2026, 5, 20))
    # 3: a case opened but not yet triaged.
    make(cases, 3, CaseState.NOTIFIED, date(2026, 6, 10))
    # 4-6: awaiting allocation; the oldest notified 1 April.
    for i, day in [(4, date(2026, 4, 1)), (5, date(2026, 5, 1)), (6, date(2026, 6, 1))]:
        make(cases, i, CaseState.AWAITING_ALLOCATION, day)
    # 7: allocated, due in 10 days (due soon).
    rv = {"reviewer": reviewer}
    make(cases, 7, CaseState.ALLOCATED, date(2026, 1, 10), due_on=date(2026, 6, 25), **rv)
    # 8: initial review, 5 days overdue; 9: initial review, 100 days overdue (long overdue).
    make(cases, 8, CaseState.INITIAL_REVIEW, date(2026, 2, 1), due_on=date(2026, 6, 10), **rv)
    make(cases, 9, CaseState.INITIAL_REVIEW, date(2026, 1, 5), due_on=date(2026, 3, 7), **rv)
    # 10-12: focused review, quality assurance, panel: all on track (due 1 September).
    make(cases, 10, CaseState.FOCUSED_REVIEW, date(2026, 3, 1), **rv)
    make(cases, 11, CaseState.QUALITY_ASSURANCE, date(2026, 3, 1), **rv)
    make(cases, 12, CaseState.PANEL, date(2026, 3, 1), **rv)
    # 13-14: completed, notified last year (long past their due dates: no longer overdue).
    make(cases, 13, CaseState.COMPLETED, date(2025, 3, 1), **rv)
    make(cases, 14, CaseState.COMPLETED, date(2025, 11, 1), **rv)
    # 15: on hold, its old due date passed: the clock is stopped, so not overdue.
    make(cases, 15, CaseState.ON_HOLD, date(2025, 12, 1))
    # 16: found not eligible this year.
    make(cases, 16, CaseState.NOT_ELIGIBLE, date(2026, 5, 5))
    # 17: merged into another notification: a duplicate, counted nowhere.
    merged = cases.notification(**person(17))
    received(merged, date(2026, 5, 6))
    Notification.objects.filter(pk=merged.pk).update(state=NotificationState.MERGED)
    return icb


@pytest.fixture
def other_area(region):
    """Another ICB in the same region, with a little of everything."""
    other = make_icb(name="NHS Other ICB", short_name="Other ICB", region=region)
    maker = CaseMaker(icb=other, lac=user_with_role(Role.LAC, other))
    make(maker, 30, CaseState.AWAITING_ALLOCATION, date(2026, 2, 1))
    make(maker, 31, CaseState.INITIAL_REVIEW, date(2025, 6, 1), due_on=date(2026, 1, 1))
    make_reviewer(other)
    return other


def test_the_icb_figures_are_worked_out_by_hand(area, other_area):
    f = figures_by_icb(icb_ids=[area.pk], today=TODAY)[area.pk]

    # Notifications 1-16 (17 was merged); 13, 14 and 15 arrived last year.
    assert f.referrals_all_time == 16
    assert f.referrals_this_year == 13
    # 16 was found not eligible: 13 - 1 notified deaths to compare with the expectation.
    assert f.not_eligible_this_year == 1
    assert f.notified_this_year == 12
    # 1, 2 (no case) and 3 (opened, not triaged); the oldest, 2, arrived on 20 May.
    assert f.untriaged == 3
    assert f.oldest_untriaged_on == date(2026, 5, 20)
    assert (f.awaiting_allocation, f.oldest_awaiting_notified_on) == (3, date(2026, 4, 1))
    assert f.allocated == 1
    assert (f.initial_review, f.focused_review, f.in_review) == (2, 1, 3)
    assert (f.quality_assurance, f.panel, f.completed, f.on_hold) == (1, 1, 2, 1)
    # 7 is due in 10 days; 8 is 5 days overdue and 9 is 100 (> 90) days overdue.
    assert f.due_soon == 1
    assert f.overdue == 2
    assert f.long_overdue == 1
    assert (f.trained_reviewers, f.reviewers_in_training) == (1, 1)
    # 15,500 × 0.32% = 49.6 a year; so far: 49.6 × 166 / 365 = 22.56.
    assert f.expected_deaths_a_year == pytest.approx(49.6)
    assert f.expected_deaths_so_far(today=TODAY) == pytest.approx(49.6 * 166 / 365)


def test_the_icb_dashboard_reads_as_the_figures_say(area):
    f = figures_by_icb(icb_ids=[area.pk], today=TODAY)[area.pk]
    page = IcbDashboard(icb=area, figures=f, today=TODAY, link_cases=False, link_inbox=False)
    rows = {row.label: row for section in page.sections for row in section.rows}

    assert rows["Referrals this year"].value == "13"
    assert rows["Waiting for triage"].detail == (
        "The longest has waited 26 days (received 20 May 2026)"
    )
    assert rows["Awaiting allocation"].detail == (
        "The longest has waited 75 days since notification (1 April 2026)"
    )
    assert rows["In review"].detail == "Initial review: 2, focused review: 1"
    assert all(row.href is None for row in rows.values())  # no links for who cannot see cases
    expected = {r["key"]["text"]: str(r["value"]["html"]) for r in page.expected_rows}
    assert expected["Population with a learning disability"] == "15,500"
    assert expected["Expected deaths in 2026"].startswith("50<br>")
    assert expected["Expected so far this year"].startswith("23<br>")
    assert expected["Notified so far this year"].startswith("12<br>")


def test_an_icb_without_a_population_has_no_expected_deaths(cases, icb):
    Organisation.objects.filter(pk=icb.pk).update(ld_population=None)
    f = figures_by_icb(icb_ids=[icb.pk], today=TODAY)[icb.pk]

    assert f.expected_deaths_a_year is None
    assert f.expected_deaths_so_far(today=TODAY) is None


def test_an_icb_with_nothing_yet_has_zero_counts(icb):
    f = figures_by_icb(icb_ids=[icb.pk], today=TODAY)[icb.pk]

    assert (f.referrals_all_time, f.awaiting_allocation, f.overdue) == (0, 0, 0)
    assert f.oldest_awaiting_notified_on is None


def test_a_region_adds_up_its_icbs(area, other_area, region):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)

    dashboard = region_dashboard_for(user=coordinator, region=region, today=TODAY)

    assert [row.name for row in dashboard.rows] == ["Other ICB", "Test ICB"]
    other, test = (row.figures for row in dashboard.rows)
    assert other.referrals_all_time == 2
    total = dashboard.total
    assert total.referrals_all_time == test.referrals_all_time + 2 == 18
    assert total.awaiting_allocation == 3 + 1
    # The region's longest wait is its longest-waiting ICB's (the other ICB's, from 1 February).
    assert total.oldest_awaiting_notified_on == date(2026, 2, 1)
    # The other ICB's case due 1 January is 165 days overdue: long overdue.
    assert (total.overdue, total.long_overdue) == (3, 2)
    # One here; two there (one registered, one made when its case was allocated).
    assert total.trained_reviewers == 1 + 2
    # One ICB has no population: no regional expectation rather than a misleadingly small one.
    assert total.icbs_without_population == 1
    assert total.expected_deaths_a_year is None
    assert total.icb_count == 2


def test_england_is_the_sum_of_its_regions(area, other_area, region):
    far_region = make_region(name="Far Region")
    far = make_icb(name="NHS Far ICB", region=far_region)
    make(CaseMaker(icb=far, lac=user_with_role(Role.LAC, far)), 40, CaseState.PANEL, TODAY)
    analyst = user_with_role(Role.NATIONAL_ANALYST)

    dashboard = national_dashboard_for(user=analyst, today=TODAY)

    by_name = {row.name: row.figures for row in dashboard.rows}
    assert by_name["Test Region"].referrals_all_time == 18
    assert by_name["Far Region"].panel == 1
    total = dashboard.total
    assert total == sum_figures(row.figures for row in dashboard.rows)
    assert total.referrals_all_time == sum(f.referrals_all_time for f in by_name.values())
    assert total.panel == sum(f.panel for f in by_name.values())
    assert total.icb_count == Organisation.objects.icbs().open_on(TODAY).count()


def test_closed_icbs_are_not_listed(region, area):
    closed = make_icb(name="NHS Closed ICB", region=region, closed_on=date(2026, 4, 1))
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)

    dashboard = region_dashboard_for(user=coordinator, region=region, today=TODAY)

    assert closed.pk not in {row.organisation.pk for row in dashboard.rows}


def test_the_year_starts_at_midnight_uk_time(icb, cases):
    # 31 December 2025 23:30 GMT is last year; 1 January 2026 00:30 GMT this year. (UK time is
    # GMT in winter, so the boundary is the same in UTC; the summer is where they differ.)
    late = cases.notification(**person(1))
    early = cases.notification(**person(2))
    Notification.objects.filter(pk=late.pk).update(
        received_at=timezone.make_aware(datetime(2025, 12, 31, 23, 30))
    )
    Notification.objects.filter(pk=early.pk).update(
        received_at=timezone.make_aware(datetime(2026, 1, 1, 0, 30))
    )

    f = figures_by_icb(icb_ids=[icb.pk], today=TODAY)[icb.pk]

    assert (f.referrals_this_year, f.referrals_all_time) == (1, 2)


def test_a_notification_just_after_midnight_in_summer_counts_on_its_uk_date(icb, cases):
    # 00:30 BST on 21 May is 23:30 UTC on 20 May: the service counts it on 21 May.
    n = cases.notification(**person(1))
    at = timezone.make_aware(datetime(2026, 5, 21, 0, 30))
    assert at.astimezone(UTC).date() == date(2026, 5, 20)
    Notification.objects.filter(pk=n.pk).update(received_at=at)

    f = figures_by_icb(icb_ids=[icb.pk], today=TODAY)[icb.pk]

    assert f.oldest_untriaged_on == date(2026, 5, 21)
