"""The national analyst's pages: who may see each one, requesting an export (and being refused
clearly), the progress page, downloads."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.exports import services
from leder.exports.models import DatasetExport, ExportStatus
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db

FORBIDDEN_ROLES = [
    Role.ADMINISTRATOR,
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
    Role.REGIONAL_COORDINATOR,
]


@pytest.fixture
def recipient():
    return factories.recipient()


@pytest.fixture
def agreement(recipient):
    return factories.agreement(recipient, reference="DSA-2026-01")


@pytest.fixture
def analyst():
    return factories.analyst()


@pytest.fixture
def done(analyst, recipient, agreement, django_capture_on_commit_callbacks):
    cases = factories.area()
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=date(2025, 7, 1))
    return factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )


def _pages(export) -> list[str]:
    return [
        reverse("exports:dataset"),
        reverse("exports:recipients"),
        reverse("exports:specification"),
        reverse("exports:request"),
        reverse("exports:detail", kwargs={"pk": export.pk}),
        reverse("exports:download", kwargs={"pk": export.pk, "kind": "csv"}),
    ]


def test_a_national_analyst_sees_every_page(client, analyst, done):
    sign_in_verified(client, analyst)
    for url in _pages(done):
        response = client.get(url)
        assert response.status_code == 200, url
        assert (
            response["Cache-Control"].startswith("private")
            or "no-store" in response["Cache-Control"]
        )


@pytest.mark.parametrize("role", FORBIDDEN_ROLES)
def test_every_other_role_is_refused_every_page(client, role, done):
    sign_in_verified(client, user_with_role(role))
    for url in _pages(done):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("exports:request"), {}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_someone_not_signed_in_is_sent_to_sign_in(client, done):
    for url in _pages(done):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:sign_in") in response["Location"]


def test_an_unknown_export_is_not_found(client, analyst):
    sign_in_verified(client, analyst)
    assert client.get(reverse("exports:detail", kwargs={"pk": 999})).status_code == 404
    url = reverse("exports:download", kwargs={"pk": 999, "kind": "csv"})
    assert client.get(url).status_code == 404


def test_the_analyst_requests_an_export_and_follows_it_to_done(
    client, analyst, agreement, django_capture_on_commit_callbacks
):
    sign_in_verified(client, analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:request"),
            {
                "agreement": agreement.pk,
                "cohort_year": "2025",
                "financial": "financial",
                "formats": ["csv", "xlsx"],
            },
        )
    export = DatasetExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", kwargs={"pk": export.pk})
    assert (export.cohort_year, export.cohort_financial, export.formats) == (
        2025,
        True,
        ["csv", "xlsx"],
    )
    page = client.get(response["Location"]).content.decode()
    assert "Ready to download" in page
    assert 'http-equiv="refresh"' not in page
    assert "Dataset (CSV)" in page and "Manifest (JSON)" in page
    assert "Deaths in 2025 to 2026 (financial year)" in page


def test_the_progress_page_offers_a_refresh_and_never_reloads_itself(client, analyst, done):
    DatasetExport.objects.filter(pk=done.pk).update(status=ExportStatus.RUNNING, progress=40)
    sign_in_verified(client, analyst)
    url = reverse("exports:detail", kwargs={"pk": done.pk})
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert 'value="40"' in page and "data-progress-region" in page
    assert f'href="{url}" data-progress-refresh>Refresh</a>' in page
    assert "Dataset (CSV)" not in page  # nothing to download yet


def test_the_progress_page_says_when_no_worker_has_been_seen(client, analyst, done):
    from leder.operations.heartbeats import beat

    DatasetExport.objects.filter(pk=done.pk).update(status=ExportStatus.QUEUED, progress=0)
    sign_in_verified(client, analyst)
    url = reverse("exports:detail", kwargs={"pk": done.pk})
    assert "No background worker is running" in client.get(url).content.decode()
    beat("worker-1", "worker")
    assert "No background worker is running" not in client.get(url).content.decode()


def test_an_expired_agreement_is_refused_on_the_form_and_nothing_is_written(
    client, analyst, recipient
):
    expired = factories.agreement(
        recipient, starts_on=date(2024, 1, 1), expires_on=today() - timedelta(days=1)
    )
    sign_in_verified(client, analyst)
    response = client.post(
        reverse("exports:request"),
        {
            "agreement": expired.pk,
            "cohort_year": "2025",
            "financial": "calendar",
            "formats": ["csv"],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"The data-sharing agreement {expired.reference} expired on" in page
    assert "There is a problem" in page
    assert not DatasetExport.objects.exists()


def test_a_request_without_answers_says_what_is_missing(client, analyst, agreement):
    sign_in_verified(client, analyst)
    response = client.post(reverse("exports:request"), {"cohort_year": "twenty"})
    page = response.content.decode()
    assert "Choose the recipient and the agreement to share under" in page
    assert "Enter the year as a number, like 2025" in page
    assert "Choose at least one format" in page
    assert not DatasetExport.objects.exists()


def test_a_download_sends_the_file_and_is_audited(client, analyst, done):
    sign_in_verified(client, analyst)
    response = client.get(reverse("exports:download", kwargs={"pk": done.pk, "kind": "csv"}))
    body = b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment")
    assert body.startswith(b"pseudonym,review_status")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == analyst and event.details["kind"] == "csv"


def test_a_download_after_the_agreement_expired_goes_back_with_the_reason(
    client, analyst, agreement, done
):
    services.agreement_update(
        actor=factories.administrator(),
        agreement=agreement,
        starts_on=today() - timedelta(days=60),
        expires_on=today() - timedelta(days=1),
    )
    sign_in_verified(client, analyst)
    url = reverse("exports:download", kwargs={"pk": done.pk, "kind": "csv"})
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("exports:detail", kwargs={"pk": done.pk})
    assert f"The data-sharing agreement {agreement.reference} expired on" in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_download_of_a_file_the_export_lacks_goes_back_with_a_message(
    client, analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    made = factories.export(
        django_capture_on_commit_callbacks,
        actor=analyst,
        recipient=recipient,
        agreement=agreement,
        formats=["csv"],
    )
    sign_in_verified(client, analyst)
    url = reverse("exports:download", kwargs={"pk": made.pk, "kind": "xlsx"})
    response = client.get(url, follow=True)
    assert "This export has no Dataset (Excel, XLSX) file." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_pages_show_counts_and_versions_but_no_identifiers(client, analyst, done):
    sign_in_verified(client, analyst)
    page = client.get(reverse("exports:detail", kwargs={"pk": done.pk})).content.decode()
    assert "Records in the dataset" in page and done.spec_version in page
    # The area's people are "PersonN FamilyN", born in 1950.
    assert "Person1" not in page and "Family1" not in page and "1950" not in page


def test_the_specification_page_lists_every_field(client, analyst):
    from leder.exports import spec

    sign_in_verified(client, analyst)
    page = client.get(reverse("exports:specification")).content.decode()
    for field in spec.FIELDS:
        assert f'id="{field.name}"' in page
