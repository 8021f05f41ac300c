"""The national dataset end to end in real Chromium: a national analyst reads the recipients and
their agreements and the data specification, is refused an export under an expired agreement,
requests one under the agreement in force, sees it ready with its manifest, downloads the CSV,
and sees a running export's progress page (which reloads itself, no JavaScript needed). axe
checks every page visited."""

import os
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.exports.models import DatasetExport, ExportStatus
from leder.exports.tests import factories

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS", "/tmp")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(page, live_server, user):
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def submit(page, text):
    with page.expect_navigation():
        page.get_by_role("button", name=text).click()


def test_the_analyst_exports_the_national_dataset(page, live_server, axe_check):
    cases = factories.area()
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=date(2025, 4, 2))
    cases.make(CaseState.INITIAL_REVIEW, date_of_death=date(2025, 10, 9))
    recipient = factories.recipient(name="Bristol analysis team")
    factories.agreement(
        recipient,
        reference="DSA-2023-OLD",
        starts_on=date(2023, 1, 1),
        expires_on=today() - timedelta(days=1),
    )
    factories.agreement(recipient, reference="DSA-2026-NEW")
    analyst = factories.analyst()
    signed_in(page, live_server, analyst)
    base = f"{live_server.url}/staff/national"

    # From the staff home page, as after signing in.
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="National dataset").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="National dataset exports").is_visible()
    axe_check(page)

    page.get_by_role("link", name="Recipients and agreements").click()
    page.wait_for_url("**/recipients")
    assert page.get_by_text("DSA-2023-OLD").is_visible()
    assert page.get_by_text("Expired").is_visible()
    axe_check(page)
    snap(page, "national-dataset-recipients")

    page.get_by_role("link", name="Data specification").click()
    page.wait_for_url("**/specification")
    assert page.get_by_role("heading", name="pseudonym").is_visible()
    axe_check(page)
    snap(page, "national-dataset-specification")

    page.get_by_role("link", name="Request an export").click()
    page.wait_for_url("**/exports/new")
    axe_check(page)
    page.get_by_label("Bristol analysis team: DSA-2023-OLD", exact=False).check()
    page.get_by_label("Year of death").fill("2025")
    submit(page, "Request the export")
    assert "Error:" in page.title()
    assert page.get_by_text("DSA-2023-OLD expired on").first.is_visible()
    assert not DatasetExport.objects.exists()
    axe_check(page)
    snap(page, "national-dataset-request-error")

    page.get_by_label("Bristol analysis team: DSA-2026-NEW", exact=False).check()
    submit(page, "Request the export")
    export = DatasetExport.objects.get()
    page.wait_for_url(f"**/exports/{export.pk}")
    # The task runs when the request commits (ImmediateBackend in the tests).
    assert page.get_by_text("Ready to download").first.is_visible()
    assert page.get_by_text("Records in the dataset").is_visible()
    axe_check(page)
    snap(page, "national-dataset-export-done")

    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Dataset (CSV)").click()
    path = downloaded.value.path()
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0].startswith("pseudonym,review_status")
    assert len(lines) == 3
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=analyst).count() == 1

    DatasetExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=35)
    page.goto(f"{base}/exports/{export.pk}")
    # No timed refresh (axe: critical): a Refresh button, and progress.js updating the region.
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert page.get_by_text("Progress: 35%").is_visible()
    assert page.get_by_role("link", name="Refresh").is_visible()
    snap(page, "national-dataset-export-running")
    axe_check(page)
    # The export moves on: the page shows it without a reload by the reader.
    DatasetExport.objects.filter(pk=export.pk).update(progress=60)
    page.get_by_text("Progress: 60%").wait_for()
    DatasetExport.objects.filter(pk=export.pk).update(status=ExportStatus.DONE, progress=100)
    page.get_by_text("Ready to download").first.wait_for()
    axe_check(page)
