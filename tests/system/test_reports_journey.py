"""Dashboards and the annual report end to end in real Chromium: a local area contact opens
the ICB's dashboard and changes its filters (a GET form, no JavaScript needed), starts the
annual report, writes its introduction, generates it and reads it and its easy-read version;
the ICB lead publishes it and finds it listed with its manifest. axe checks every page."""

import os

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.reports.models import Report, ReportStatus
from leder.reports.tests.conftest import area, cases  # noqa: F401

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    page.context.clear_cookies()
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def test_dashboard_then_annual_report_generated_read_and_published(
    page, live_server, axe_check, area, cases
):
    # Drawing the charts and the PDF takes tens of seconds on a shared, busy machine (their
    # caching is later work): wait longer for those pages, without asserting any time.
    page.set_default_timeout(120_000)
    lac = area["lac"]
    signed_in(page, live_server, lac)
    page.goto(f"{live_server.url}/staff/reports/")
    axe_check(page)

    click(page, page.get_by_role("link", name="NHS Test Alpha ICB"))
    assert page.locator("h1").inner_text().endswith("NHS Test Alpha ICB")
    page.select_option("#id_year", "2026")
    page.select_option("#id_cohort", "deaths")
    click(page, page.get_by_role("button", name="Show figures"))
    assert "year=2026" in page.url
    section = page.locator("#figure-counts-by-state")
    assert section.locator("svg[role=img]").count() == 1
    assert "[c]" in section.locator("table").inner_text()
    snap(page, "reports-dashboard")
    axe_check(page)

    with page.expect_download() as download:
        section.get_by_role("link", name="Download this table as CSV").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.goto(f"{live_server.url}/staff/reports/annual/new")
    axe_check(page)
    page.select_option("#id_year", "2026")
    click(page, page.get_by_role("button", name="Start the report"))
    report = Report.objects.get()
    assert page.url.endswith(f"/annual/{report.pk}")
    axe_check(page)

    page.fill("#id_introduction", "This is our LeDeR report for 2026.")
    click(page, page.get_by_role("button", name="Save the text"))
    assert "Your text has been saved" in page.content()
    # Tasks run at once in tests: generating ends on the report's page, via the progress page.
    click(page, page.get_by_role("button", name="Generate the report"))
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert "Ready to publish" in page.content()
    axe_check(page)

    click(page, page.get_by_role("link", name="Read the report", exact=True))
    assert "This is our LeDeR report for 2026." in page.content()
    assert page.locator("h1").inner_text() == report.title
    snap(page, "reports-annual")
    axe_check(page)

    click(page, page.get_by_role("link", name="Read the easy read version").first)
    assert "We were told about 9 deaths." in page.content()
    assert page.locator("svg.leder-easy-read__icon[role=img]").count() >= 3
    snap(page, "reports-easy-read")
    axe_check(page)

    lead = user_with_role(Role.ICB_LEAD, area["icb"])
    signed_in(page, live_server, lead)
    page.goto(f"{live_server.url}/staff/reports/annual/{report.pk}")
    click(page, page.get_by_role("button", name="Publish the report"))
    axe_check(page)
    click(page, page.get_by_role("button", name="Publish the report"))
    assert "published" in page.content()
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    page.goto(f"{live_server.url}/staff/reports/annual/published")
    assert report.manifest["extract_sha256"] in page.content()
    axe_check(page)
    assert len(axe_check.pages_checked) == 9
