"""A national analyst's quarter in real Chromium (issue 14): builds the national performance
table for a quarter with the GET form, downloads it as CSV and XLSX, then starts, generates and
reads England's annual report — with the national sections and both populations named — and
its easy read, and opens the region's annual report its coordinator generated. axe checks every
page and the console stays clean."""

import os

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.reports import services
from leder.reports.models import Report, ReportStatus
from leder.reports.tasks import report_generate
from leder.reports.tests.conftest import YEAR, area, cases  # noqa: F401
from tests.system.test_performance_table_journey import download_both, show_this_quarter
from tests.system.test_reports_journey import click, signed_in, snap

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_national_analyst_builds_the_quarter_then_reads_england_and_a_region(
    page, live_server, axe_check, area, cases
):
    # Charts and PDFs take tens of seconds on a busy machine: wait longer, assert no time.
    page.set_default_timeout(180_000)
    region = area["region"]
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)
    regional = services.report_create(actor=coordinator, organisation=region, year=YEAR)
    report_generate(actor=coordinator, report=regional)  # the task runs on commit
    regional.refresh_from_db()
    assert regional.status == ReportStatus.READY, regional.failure

    analyst = user_with_role(Role.NATIONAL_ANALYST)
    signed_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/staff/reports/")
    axe_check(page)

    # 1. The performance table for this quarter (the cases were notified today).
    click(page, page.get_by_role("link", name="Performance table: England"))
    axe_check(page)
    show_this_quarter(page)
    figure = page.locator("#figure-national-performance")
    assert "Test North Region" in figure.locator("table").inner_text()
    assert "within-6-months v2" in figure.inner_text()
    axe_check(page)
    download_both(page)

    # 2. England's annual report: started, generated, read.
    page.goto(f"{live_server.url}/staff/reports/annual/new")
    axe_check(page)
    page.select_option("#id_year", str(YEAR))
    england_choice = page.locator("#id_area")
    if england_choice.count():
        england_choice.select_option(label="England")
    click(page, page.get_by_role("button", name="Start the report"))
    report = Report.objects.get(scope_kind="england")
    click(page, page.get_by_role("button", name="Generate the report"))
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.failure
    axe_check(page)
    click(page, page.get_by_role("link", name="Read the report", exact=True))
    html = page.content()
    for anchor in ("avoidable_groups", "profile", "care_questions"):
        assert page.locator(f"h2#{anchor}").count() == 1, anchor
    assert "Autistic adults without a learning disability" in html
    assert "All reviews: both populations combined" in html
    snap(page, "national-england-report")
    if SCREENSHOTS:  # the new sections, each on its own
        for key in (
            "avoidable-by-group",
            "deaths-by-condition",
            "care-question-rates",
            "median-age-by-downs",
        ):
            page.locator(f"#figure-{key}").screenshot(path=f"{SCREENSHOTS}/national-{key}.png")
    axe_check(page)
    click(page, page.get_by_role("link", name="Read the easy read version").first)
    assert "These numbers are about people with a learning disability." in page.content()
    axe_check(page)

    # 3. The region's report, which its coordinator generated.
    page.goto(f"{live_server.url}/staff/reports/annual/{regional.pk}/report")
    assert page.locator("h1").inner_text() == regional.title
    assert page.locator("h2#care_questions").count() == 1
    snap(page, "national-regional-report")
    axe_check(page)
    assert len(axe_check.pages_checked) == 8
