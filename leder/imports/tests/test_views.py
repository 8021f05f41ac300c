"""The import pages: who may open them, the upload with its errors, the report and its CSV, the
confirmation and commit, and discarding."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import (
    sign_in_password_only,
    sign_in_verified,
    user_with_role,
)
from leder.imports import services, tasks, writing
from leder.imports.models import BatchStatus, ImportBatch
from leder.imports.tests.factories import as_csv, as_xlsx, completed, row
from leder.notifications.models import Notification
from leder.notifications.tests.factories import nhs_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb()


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def batch(icb, lac):
    rows = [
        row(nhs_number=nhs_number()),
        row(nhs_number=nhs_number(), given_name="Ann", date_of_death="2024-13-01"),
    ]
    return tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="deaths.csv", content=as_csv(rows)
    )


def page_urls(batch) -> dict[str, str]:
    return {
        "list": reverse("imports:list"),
        "upload": reverse("imports:upload"),
        "guide": reverse("imports:guide"),
        "template": reverse("imports:template", args=["csv"]),
        "batch": reverse("imports:batch", args=[batch.pk]),
        "report": reverse("imports:report_csv", args=[batch.pk]),
        "commit": reverse("imports:commit", args=[batch.pk]),
    }


# --- who may open the pages ------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, batch):
    for url in page_urls(batch).values():
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, batch, lac):
    sign_in_password_only(client, lac)
    for url in page_urls(batch).values():
        response = client.get(url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


def test_the_local_area_contact_can_open_every_page(client, batch, lac):
    sign_in_verified(client, lac)
    for url in page_urls(batch).values():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "role",
    [
        Role.REVIEWER,
        Role.SENIOR_REVIEWER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.ICB_LEAD,
    ],
)
def test_other_roles_at_the_icb_are_refused(client, batch, icb, role):
    sign_in_verified(client, user_with_role(role, icb))
    for url in page_urls(batch).values():
        assert client.get(url).status_code == 403, url
    for name in ("commit", "discard"):
        response = client.post(reverse(f"imports:{name}", args=[batch.pk]))
        assert response.status_code == 403
    assert ImportBatch.objects.get().status == BatchStatus.CHECKED


@pytest.mark.parametrize(
    "role", [Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST, Role.ADMINISTRATOR]
)
def test_roles_outside_the_icb_are_refused(client, batch, role):
    sign_in_verified(client, user_with_role(role))
    for url in page_urls(batch).values():
        assert client.get(url).status_code == 403, url


def test_another_icbs_batch_is_not_found(client, batch):
    other = user_with_role(Role.LAC, make_icb())
    sign_in_verified(client, other)
    for name in ("batch", "report", "commit"):
        assert client.get(page_urls(batch)[name]).status_code == 404
    assert client.post(reverse("imports:commit", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:discard", args=[batch.pk])).status_code == 404
    listing = client.get(reverse("imports:list"))
    assert "deaths.csv" not in listing.content.decode()
    assert ImportBatch.objects.get().status == BatchStatus.CHECKED


# --- upload -----------------------------------------------------------------------------------


def test_upload_checks_the_file_and_shows_the_report(client, icb, lac):
    sign_in_verified(client, lac)
    content = as_xlsx([row(nhs_number=nhs_number()), row(given_name="", nhs_number=nhs_number())])
    response = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("deaths.xlsx", content)},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:batch", args=[batch.pk])
    assert (batch.icb, batch.uploaded_by, batch.rows_ready, batch.rows_rejected) == (icb, lac, 1, 1)
    page = client.get(response.url).content.decode()
    assert "Rejected rows: what to put right" in page
    assert "First name (given_name)" in page
    assert "Enter the first name of the person who died" in page
    assert "Import 1 row" in page
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Select a CSV or Excel file to upload"),
        (
            SimpleUploadedFile("notes.txt", b"hello"),
            "The file must be a CSV (.csv) or Excel (.xlsx) file made from the import template.",
        ),
        (
            SimpleUploadedFile("deaths.csv", b"given_name,family_name\nJo,Walsh\n"),
            "The file is missing these columns: other_names,",
        ),
        (
            SimpleUploadedFile("deaths.csv", b""),
            "The file is empty. Fill in the import template and upload it again.",
        ),
    ],
)
def test_a_bad_upload_is_shown_on_the_form_and_nothing_is_kept(client, lac, upload, message):
    sign_in_verified(client, lac)
    data = {"file": upload} if upload is not None else {}
    response = client.post(reverse("imports:upload"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: " in page
    assert not ImportBatch.objects.exists()


def test_a_contact_of_two_icbs_chooses_the_icb(client, icb, lac):
    from leder.accounts.tests.factories import MembershipFactory

    second = make_icb()
    MembershipFactory(user=lac, role=Role.LAC, organisation=second)
    sign_in_verified(client, lac)
    content = as_csv([row(nhs_number=nhs_number())])
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("deaths.csv", content)}
    )
    assert "Select the ICB the deaths are for" in response.content.decode()
    response = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("deaths.csv", content), "icb": str(second.pk)},
    )
    assert response.status_code == 302
    assert ImportBatch.objects.get().icb == second
    # An ICB where they are not a contact is not a choice.
    response = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("deaths.csv", content), "icb": str(make_icb().pk)},
    )
    assert "Select the ICB the deaths are for" in response.content.decode()
    assert ImportBatch.objects.count() == 1


# --- report, commit, discard ------------------------------------------------------------------


def test_the_report_downloads_as_csv_without_personal_details(client, batch, lac):
    sign_in_verified(client, lac)
    response = client.get(reverse("imports:report_csv", args=[batch.pk]))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines == [
        ["row", "outcome", "column", "message"],
        ["2", "Ready to import", "", "Will be imported: notified, awaiting triage"],
        ["3", "Rejected", "date_of_death", "Date of death must be a real date"],
    ]
    assert "Walsh" not in response.content.decode()


def test_the_template_downloads(client, lac):
    sign_in_verified(client, lac)
    response = client.get(reverse("imports:template", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="import-template.xlsx"'
    assert client.get(reverse("imports:template", args=["pdf"])).status_code == 404


def test_commit_through_the_confirmation_page(client, icb, lac, django_capture_on_commit_callbacks):
    rows = [row(nhs_number=nhs_number()), completed(nhs_number=nhs_number(), given_name="Peter")]
    batch = tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="deaths.csv", content=as_csv(rows)
    )
    sign_in_verified(client, lac)
    url = reverse("imports:commit", args=[batch.pk])
    confirm = client.get(url).content.decode()
    assert "Import 2 rows into" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("imports:batch", args=[batch.pk])
    result = client.get(response.url).content.decode()
    assert "2 rows imported from deaths.csv" in result
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    for reference in batch.rows.values_list("notification__reference", flat=True):
        assert f"Imported as {reference}" in result
    # A second post imports nothing more.
    client.post(url)
    assert Notification.objects.count() == 2


def test_a_failed_commit_says_so_and_imports_nothing(client, batch, lac, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(writing, "_notifications", fail)
    sign_in_verified(client, lac)
    # The worker imports the file (here, at once) and the batch's page says what came of it.
    response = client.post(reverse("imports:commit", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The last attempt to import failed" in page
    assert "Nothing was imported" in page
    assert "The import could not be completed because of an unexpected error." in page
    assert Notification.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED


def test_discard(client, batch, lac):
    sign_in_verified(client, lac)
    response = client.post(reverse("imports:discard", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISCARDED
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "deaths.csv discarded: nothing was imported" in page
    assert "Import 1 row" not in page
    # A discarded batch cannot be imported.
    assert client.post(reverse("imports:commit", args=[batch.pk])).status_code == 302
    assert Notification.objects.count() == 0


def test_an_imported_case_and_its_review_open_for_the_contact(client, icb, lac):
    content = as_csv([completed(nhs_number=nhs_number())])
    batch = tasks.import_batch_upload(actor=lac, icb=icb, file_name="deaths.csv", content=content)
    batch = services.import_batch_commit(actor=lac, batch=batch)
    reference = batch.rows.get().notification.reference
    sign_in_verified(client, lac)
    case_page = client.get(reverse("casework:case", args=[reference]))
    assert case_page.status_code == 200
    versions = client.get(reverse("reviews:versions", args=[reference, "initial"]))
    assert versions.status_code == 200
    assert "Imported from the previous platform" in versions.content.decode()
