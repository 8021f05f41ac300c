"""The bulk import end to end in real Chromium: a local area contact opens the imports, reads
the guide, uploads nothing and then a file of the wrong kind (each refused with a message on the
form), uploads a file with good, duplicate and bad rows, reads the report and downloads it as
CSV, confirms the import, and sees the result and the batch list. axe checks every page."""

import csv
import io
import os

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import Case, CaseState
from leder.imports.models import BatchStatus, ImportBatch
from leder.imports.tests.factories import as_csv, completed, row
from leder.notifications.models import Channel, Notification
from leder.notifications.tests.factories import nhs_number, notify

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_a_contact_checks_and_imports_a_file(page, live_server, axe_check, tmp_path):
    icb = make_icb(name="Test Riverside ICB")
    lac = user_with_role(Role.LAC, icb)
    known = nhs_number()
    notify(icb, nhs_number=known, given_name="Samuel", family_name="Okafor")
    path = tmp_path / "history.csv"
    path.write_bytes(
        as_csv(
            [
                row(nhs_number=nhs_number()),
                completed(nhs_number=nhs_number(), given_name="Peter", family_name="Ansah"),
                row(nhs_number=known, given_name="Sam", family_name="Okafor"),
                row(nhs_number=nhs_number(), given_name="", date_of_death="2024-13-01"),
            ]
        )
    )
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a spreadsheet")
    signed_in(page, live_server, lac)

    page.goto(f"{live_server.url}/staff/import/")
    assert page.locator("h1").inner_text() == "Import historic notifications and reviews"
    assert page.title().startswith("Imports – ")
    axe_check(page)

    click(page, "text=How to fill in the import template")
    assert page.locator("h1").inner_text() == "How to fill in the import template"
    axe_check(page)

    page.goto(f"{live_server.url}/staff/import/upload")
    axe_check(page)
    click(page, "button:has-text('Check the file')")
    errors = page.locator(".nhsuk-error-summary").inner_text()
    assert "Select a CSV or Excel file to upload" in errors
    axe_check(page)
    page.set_input_files("input[type=file]", str(wrong))
    click(page, "button:has-text('Check the file')")
    assert (
        "must be a CSV (.csv) or Excel (.xlsx) file"
        in page.locator(".nhsuk-error-message").inner_text()
    )
    assert not ImportBatch.objects.exists()

    page.set_input_files("input[type=file]", str(path))
    click(page, "button:has-text('Check the file')")
    snap(page, "import-report")
    assert page.locator("h1").inner_text().endswith("history.csv")
    summary = page.locator(".nhsuk-summary-list").first.inner_text()
    for text in ("Rows in the file", "4 rows", "Ready to import", "2 rows", "1 row"):
        assert text in summary
    problems = page.locator("table", has_text="Rejected rows").inner_text()
    assert "Enter the first name of the person who died" in problems
    assert "Date of death must be a real date" in problems
    assert "Already notified as" in page.locator("table", has_text="duplicates").inner_text()
    axe_check(page)

    with page.expect_download() as download:
        page.click("text=Download the report (CSV)")
    with open(download.value.path(), encoding="utf-8") as handle:
        report = list(csv.reader(io.StringIO(handle.read())))
    assert report[0] == ["row", "outcome", "column", "message"]
    assert [line[0] for line in report[1:]] == ["2", "3", "4", "5", "5"]

    with page.expect_navigation():
        page.get_by_role("button", name="Import 2 rows").click()
    assert page.locator("h1").inner_text().startswith("Import 2 rows into")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Import the rows").click()
    snap(page, "import-result")
    # The worker imported it (in these tests at once); the batch's page says so.
    assert "2 rows imported from history.csv" in page.locator(".nhsuk-inset-text").inner_text()
    assert "Imported as LDR-" in page.locator("table", has_text="Imported rows").inner_text()
    axe_check(page)

    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.COMMITTED and batch.rows_imported == 2
    assert Notification.objects.filter(channel=Channel.IMPORT).count() == 2
    assert Case.objects.get(notification__given_name="Peter").state == CaseState.COMPLETED

    page.goto(f"{live_server.url}/staff/import/")
    assert "Imported" in page.locator("table").inner_text()
    axe_check(page)


def test_a_large_file_shows_how_far_the_worker_has_got(page, live_server, axe_check):
    """A file being imported by the background worker: its page shows the stage and the rows
    done so far, and reloads itself (ADR 0155)."""
    from leder.imports import services, tasks

    icb = make_icb(name="Test Riverside ICB")
    lac = user_with_role(Role.LAC, icb)
    batch = tasks.import_batch_upload(
        actor=lac,
        icb=icb,
        file_name="region-history.csv",
        content=as_csv([row(nhs_number=nhs_number()), completed(nhs_number=nhs_number())]),
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING)
    services.progress_set(batch.pk, stage="checking again", done=12_500, total=50_000)
    signed_in(page, live_server, lac)

    page.goto(f"{live_server.url}/staff/import/{batch.pk}")
    assert page.locator(".nhsuk-tag").first.inner_text() == "Being imported"
    label = page.locator("label[for=progress]").inner_text()
    assert label == "Checking again: 12,500 of 50,000 rows (12%)"
    assert page.get_by_role("link", name="Refresh").is_visible()
    axe_check(page)
    snap(page, "import-progress")

    services.progress_set(batch.pk, stage="importing", done=3, total=5)
    page.reload()
    assert "Importing the rows (80%)" in page.locator("label[for=progress]").inner_text()
    services.import_batch_commit_lost(batch_id=batch.pk, reason="The worker stopped.")
