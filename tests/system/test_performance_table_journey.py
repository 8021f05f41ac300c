"""The national performance table in real Chromium: a national analyst opens it from
"Dashboards and reports", chooses a quarter with the GET form (no JavaScript), reads it and
downloads it as CSV and XLSX; a regional coordinator opens their region's. axe checks every
page, and the console must stay clean."""

import os

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.core.time import today
from leder.reports.tests.conftest import area, cases  # noqa: F401
from tests.system.test_reports_journey import click, signed_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def show_this_quarter(page) -> None:
    """Choose the quarter of today's financial year (the cases were notified today) with the
    GET form and show the table."""
    day = today()
    year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    page.select_option("#id_year", str(year))
    page.select_option("#id_quarter", str(quarter))
    page.select_option("#id_period", "financial")
    click(page, page.get_by_role("button", name="Show the table"))
    assert f"quarter={quarter}" in page.url and f"year={year}" in page.url


def download_both(page) -> None:
    """Download the table shown as CSV and as XLSX: each arrives, not empty."""
    for label, suffix in (("CSV", ".csv"), ("Excel (XLSX)", ".xlsx")):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download this table as {label}").click()
        assert download.value.suggested_filename.endswith(suffix)
        assert os.path.getsize(download.value.path()) > 0


def test_national_analyst_builds_and_downloads_the_quarterly_table(
    page, live_server, axe_check, area, cases
):
    page.set_default_timeout(60_000)
    analyst = user_with_role(Role.NATIONAL_ANALYST)
    signed_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/staff/reports/")
    axe_check(page)
    click(page, page.get_by_role("link", name="Performance table: England"))
    axe_check(page)
    show_this_quarter(page)
    table = page.locator("#figure-national-performance table")
    text = table.inner_text()
    assert "NHS Test Alpha ICB" in text and "Test North Region" in text and "England" in text
    # England's row: 9 notified today, all triaged, 9 in the backlog (under 3 months).
    assert "England\t\tEngland\t\t9\t9" in text
    assert "within-6-months v2" in page.locator("#figure-national-performance").inner_text()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/performance-table-england.png", full_page=True)
    axe_check(page)
    download_both(page)

    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, area["region"])
    signed_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/staff/reports/")
    click(page, page.get_by_role("link", name="Performance table: Test North Region"))
    click(page, page.get_by_role("button", name="Show the table"))
    text = page.locator("#figure-national-performance table").inner_text()
    assert "NHS Test Beta ICB" in text and "NHS Test Gamma ICB" not in text
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/performance-table-region.png", full_page=True)
    axe_check(page)
