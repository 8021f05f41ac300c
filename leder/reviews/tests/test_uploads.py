"""Records from organisations: requesting them, the public upload link (expiry, withdrawal, one
request only, size and type checks, virus scanning, nothing stored when refused), the records
page, downloads (who may, audited) and the permission matrix of the staff pages."""

import hashlib
import io
import itertools
import os
import re
import stat
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews import tasks
from leder.reviews.models import RecordsRequest, RecordsRequestStatus, ScanStatus, UploadedRecord
from leder.reviews.parts.contacts import records_missing
from leder.reviews.services import uploads as services
from leder.reviews.services.records import review_start

pytestmark = pytest.mark.django_db

_ods = itertools.count(1)

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def docx_bytes(*, word=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if word:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path, monkeypatch):
    """Files go to a temporary private folder; no ClamAV unless a test puts one on PATH; the
    rate limiter's counts start at zero."""
    settings.LEDER_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    cache.clear()
    return tmp_path / "private"


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def organisation(kind=OrganisationKind.GP_PRACTICE, name="Riverside Surgery") -> Organisation:
    return Organisation.objects.create(ods_code=f"TSTU{next(_ods):05d}", name=name, kind=kind)


def url(name: str, case, kind: str = "initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def upload_url(token: str) -> str:
    return reverse("record_uploads:upload", kwargs={"token": token})


def make_request(review, reviewer, name="Riverside Surgery", requested="GP records, 2 years"):
    """A request and its link's token, made as the e-mailing task makes it (the task itself runs
    only after commit, which these tests do not reach)."""
    request = services.records_request_create(
        actor=reviewer,
        review=review,
        organisation=organisation(name=name),
        email="records@example.nhs.uk",
        requested=requested,
    )
    return request, services.upload_link_issue(request)


def post_file(client, token, content: bytes, name: str):
    return client.post(upload_url(token), {"file": SimpleUploadedFile(name, content)})


# -- Requesting records -----------------------------------------------------------------------


def test_a_request_emails_the_link_and_keeps_only_the_tokens_hash(
    review, reviewer, django_capture_on_commit_callbacks
):
    started = now()
    with django_capture_on_commit_callbacks(execute=True):
        request = tasks.records_request_send(
            actor=reviewer,
            review=review,
            organisation=organisation(),
            email="records@example.nhs.uk",
            requested="GP records for the last 2 years",
            base_url="https://leder.example.nhs.uk/",
        )
    (message,) = mail.outbox
    token = re.search(r"/upload/([A-Za-z0-9_-]{43,})", message.body).group(1)
    request.refresh_from_db()
    assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = RecordsRequest.objects.filter(pk=request.pk).values()[0]
    assert not any(token in str(value) for value in row.values())
    days = django_settings.LEDER_UPLOAD_LINK_DAYS
    assert timedelta(days=days) <= request.expires_at - started < timedelta(days=days, minutes=1)

    assert message.to == ["records@example.nhs.uk"]
    assert f"https://leder.example.nhs.uk{upload_url(token)}" in message.body
    assert review.case.reference in message.body
    notification = review.case.notification
    assert notification.family_name not in message.body  # e-mail is not a safe place for names

    assert review.versions.get().section_key == "records"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reviews.RecordsRequest"
    ).exists()


def test_the_link_lasts_as_long_as_the_setting_says(review, reviewer, settings):
    settings.LEDER_UPLOAD_LINK_DAYS = 3
    request, _ = make_request(review, reviewer)
    assert timedelta(days=3) - (request.expires_at - now()) < timedelta(minutes=1)


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"email": "not an address"}, "email"),
        ({"requested": " "}, "requested"),
        ({"organisation": "icb"}, "organisation"),
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_written(review, reviewer, icb, fields, error):
    args = {
        "organisation": organisation(),
        "email": "records@example.nhs.uk",
        "requested": "Records",
    }
    if fields.get("organisation") == "icb":
        fields = {"organisation": icb}
    args.update(fields)
    with pytest.raises(ValidationError) as raised:
        services.records_request_create(actor=reviewer, review=review, **args)
    assert error in raised.value.message_dict
    assert not RecordsRequest.objects.exists() and not review.versions.exists()


def test_only_the_reviewer_may_request_records(review, lac):
    with pytest.raises(PermissionDenied):
        make_request(review, lac)
    assert not RecordsRequest.objects.exists()


def test_the_reviewer_requests_records_through_the_page(
    client, review, reviewer, django_capture_on_commit_callbacks
):
    gp = organisation(name="Riverside Surgery")
    review.case.involved_organisations.add(gp)
    sign_in_verified(client, reviewer)
    assert "Riverside Surgery" in client.get(url("records_request", review.case)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("records_request", review.case),
            {"organisation": str(gp.pk), "email": "records@example.nhs.uk", "requested": "All"},
        )
    assert response.status_code == 302
    assert RecordsRequest.objects.get().organisation == gp
    assert "http://testserver/records/upload/" in mail.outbox[0].body


def test_any_open_provider_can_be_found_by_searching_keeping_every_answer(client, review, reviewer):
    """Without JavaScript: the picker's Search button submits the whole form; the page comes
    back with the match chosen, every answer as typed, no error and nothing sent."""
    trust = organisation(kind=OrganisationKind.TRUST, name="Northshire Hospitals Trust")
    sign_in_verified(client, reviewer)
    page = client.get(url("records_request", review.case)).content.decode()
    assert "Northshire Hospitals Trust" not in page  # not linked to the case or its ICB

    response = client.post(
        url("records_request", review.case),
        {
            "organisation": "",
            "organisation__search": " northshire  hospitals ",
            "organisation__searched": "",
            "picker-search": "organisation",
            "email": "records@example.nhs.uk",
            "requested": "Discharge letters since 2024",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'<option value="{trust.pk}" selected\s*>', page)
    assert "1 match for ‘northshire hospitals’" in page
    assert 'value="records@example.nhs.uk"' in page
    assert "Discharge letters since 2024" in page
    assert "There is a problem" not in page and "<title>Error:" not in page
    assert not RecordsRequest.objects.exists() and not mail.outbox

    # Then "Send the upload link", with the chosen organisation, sends it.
    response = client.post(
        url("records_request", review.case),
        {
            "organisation": str(trust.pk),
            "organisation__search": "northshire hospitals",
            "organisation__searched": "northshire hospitals",
            "email": "records@example.nhs.uk",
            "requested": "Discharge letters since 2024",
        },
    )
    assert response.status_code == 302
    assert RecordsRequest.objects.get().organisation == trust


def test_enter_in_a_changed_search_box_searches_rather_than_sends(client, review, reviewer):
    organisation(kind=OrganisationKind.TRUST, name="Northshire Hospitals Trust")
    sign_in_verified(client, reviewer)
    response = client.post(
        url("records_request", review.case),
        {"organisation__search": "Northshire", "organisation__searched": "", "email": "x"},
    )
    assert response.status_code == 200 and "There is a problem" not in response.text
    assert "Northshire Hospitals Trust" in response.text and not RecordsRequest.objects.exists()


def test_a_bad_request_page_keeps_what_was_typed(client, review, reviewer):
    gp = organisation()
    review.case.involved_organisations.add(gp)
    sign_in_verified(client, reviewer)
    response = client.post(
        url("records_request", review.case),
        {"organisation": str(gp.pk), "email": "records at example", "requested": "GP notes"},
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Enter an email address in the correct format" in page
    assert "records at example" in page and "GP notes" in page
    assert not RecordsRequest.objects.exists()


# -- The public upload page -------------------------------------------------------------------


def test_the_link_shows_whose_records_and_what_is_asked(client, review, reviewer):
    request, token = make_request(review, reviewer)
    response = client.get(upload_url(token))
    page = response.content.decode()
    n = review.case.notification
    assert response.status_code == 200
    assert n.given_name in page and n.family_name in page
    assert str(n.date_of_birth.year) in page
    assert "GP records, 2 years" in page and "Riverside Surgery" in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    view = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert view.actor is None and view.object_id == str(request.pk)


def test_a_good_pdf_is_stored_outside_the_web_root_and_listed_as_received(
    client, review, reviewer, private_root
):
    request, token = make_request(review, reviewer)
    response = post_file(client, token, PDF_BYTES, "GP summary.pdf")
    assert response.status_code == 302
    assert "GP summary.pdf uploaded" in client.get(response.url).content.decode()
    assert response.url.startswith(upload_url(token))

    record = UploadedRecord.objects.get()
    path = services.stored_path(record)
    assert stored_files(private_root) == [path]
    assert path.read_bytes() == PDF_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert record.original_name == "GP summary.pdf" and "GP summary" not in path.name
    assert not path.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert not path.is_relative_to(django_settings.PACKAGE_DIR)
    assert record.size == len(PDF_BYTES)
    assert record.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert record.content_type == "application/pdf"
    assert record.scan_status == ScanStatus.NOT_SCANNED  # ClamAV is not installed here
    request.refresh_from_db()
    assert request.status == RecordsRequestStatus.RECEIVED
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reviews.UploadedRecord", actor=None
    ).exists()

    sign_in_verified(client, reviewer)
    page = client.get(url("records", review.case)).content.decode()
    received = page.split("Received</h2>")[1]
    assert "Riverside Surgery" in received and "GP summary.pdf" in received
    assert url("record_download", review.case, file_id=record.pk) in page


@pytest.mark.parametrize(
    "content, name",
    [
        (PNG_BYTES, "scan.png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "photo.JPG"),
        (b"II*\x00" + b"\x00" * 32, "letter.tiff"),
        (docx_bytes(), "discharge letter.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "old letter.doc"),
    ],
)
def test_word_documents_and_images_are_accepted(client, review, reviewer, content, name):
    _, token = make_request(review, reviewer)
    assert post_file(client, token, content, name).status_code == 302
    assert UploadedRecord.objects.get().original_name == name


@pytest.mark.parametrize(
    "content, name",
    [
        (EXE_BYTES, "records.pdf"),  # a program renamed .pdf
        (PDF_BYTES, "records.exe"),  # a PDF with the wrong extension
        (PDF_BYTES, "records.docx"),  # content and extension disagree
        (docx_bytes(word=False), "records.docx"),  # a zip that is not a Word document
        (b"<html><script>alert(1)</script></html>", "records.html"),
        (b"plain text", "records"),
    ],
)
def test_a_file_of_another_kind_is_refused_clearly_and_nothing_is_stored(
    client, review, reviewer, private_root, content, name
):
    request, token = make_request(review, reviewer)
    response = post_file(client, token, content, name)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "The selected file must be a PDF, a Word document (.doc or .docx) or an image" in page
    assert not UploadedRecord.objects.exists() and stored_files(private_root) == []
    request.refresh_from_db()
    assert request.status == RecordsRequestStatus.OUTSTANDING


def test_an_oversized_file_is_refused_clearly_and_nothing_is_stored(
    client, review, reviewer, private_root, settings
):
    settings.LEDER_UPLOAD_MAX_BYTES = 1024
    _, token = make_request(review, reviewer)
    response = post_file(client, token, PDF_BYTES + b"0" * 2048, "big.pdf")
    assert response.status_code == 413
    assert "The selected file must be smaller than 1KB" in response.content.decode()
    assert not UploadedRecord.objects.exists() and stored_files(private_root) == []


def test_the_size_check_holds_in_the_service_too(review, reviewer, private_root, settings):
    settings.LEDER_UPLOAD_MAX_BYTES = 10
    _, token = make_request(review, reviewer)
    with pytest.raises(services.UploadRefused):
        services.record_upload(token=token, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert stored_files(private_root) == []


def test_no_file_chosen_is_a_clear_error(client, review, reviewer):
    _, token = make_request(review, reviewer)
    response = client.post(upload_url(token), {})
    assert "Select a file to upload" in response.content.decode()


def test_an_expired_link_is_gone_and_stores_nothing(client, review, reviewer, private_root):
    request, token = make_request(review, reviewer)
    RecordsRequest.objects.filter(pk=request.pk).update(expires_at=now() - timedelta(seconds=1))
    response = client.get(upload_url(token))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert review.case.notification.family_name not in response.content.decode()
    response = post_file(client, token, PDF_BYTES, "late.pdf")
    assert response.status_code == 410
    assert not UploadedRecord.objects.exists() and stored_files(private_root) == []
    with pytest.raises(PermissionDenied):
        services.record_upload(token=token, upload=SimpleUploadedFile("late.pdf", PDF_BYTES))
    assert stored_files(private_root) == []


def test_a_withdrawn_link_stops_working(client, review, reviewer, private_root):
    request, token = make_request(review, reviewer)
    services.records_request_withdraw(actor=reviewer, request=request)
    response = post_file(client, token, PDF_BYTES, "a.pdf")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert stored_files(private_root) == []


def test_an_unknown_or_malformed_token_is_not_found(client, review, reviewer, private_root):
    make_request(review, reviewer)
    for token in ["x" * 43, "short", "a" * 200]:
        assert client.get(upload_url(token)).status_code == 404
        assert post_file(client, token, PDF_BYTES, "a.pdf").status_code == 404
    assert stored_files(private_root) == []


def test_a_link_for_one_request_can_neither_write_to_nor_read_another(
    client, review, reviewer, cases, private_root
):
    a, token_a = make_request(review, reviewer, name="Riverside Surgery", requested="Ask A")
    other_case = cases.make(CaseState.INITIAL_REVIEW)
    other_review = review_start(actor=other_case.reviewer.user, case=other_case)
    b, token_b = make_request(
        other_review, other_case.reviewer.user, name="Hillside Trust", requested="Ask B"
    )
    post_file(client, token_b, PNG_BYTES, "b-only.png")

    # Only the token chooses the request: a request id smuggled in the form changes nothing.
    client.post(
        upload_url(token_a),
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "request": b.pk, "request_id": b.pk},
    )
    assert list(a.files.values_list("original_name", flat=True)) == ["a.pdf"]
    assert list(b.files.values_list("original_name", flat=True)) == ["b-only.png"]

    page = client.get(upload_url(token_a)).content.decode()
    n_b = other_case.notification
    for secret in ("Ask B", "Hillside Trust", "b-only.png", n_b.family_name, other_case.reference):
        assert secret not in page
    # The link opens no staff page.
    assert client.get(url("records", review.case)).status_code == 302
    assert client.get(url("record_download", review.case, file_id=1)).status_code == 302


def test_a_closed_review_stops_the_link(client, review, reviewer, cases, private_root):
    _, token = make_request(review, reviewer)
    cases.step(review.case, "submit_for_qa")
    assert post_file(client, token, PDF_BYTES, "a.pdf").status_code == 410
    assert stored_files(private_root) == []


def test_a_signed_in_user_without_a_second_factor_reaches_the_public_page(
    client, review, reviewer, lac
):
    _, token = make_request(review, reviewer)
    sign_in_password_only(client, lac)
    assert client.get(upload_url(token)).status_code == 200


def test_uploads_are_rate_limited_per_address(client, review, reviewer, settings, private_root):
    settings.LEDER_UPLOAD_RATE_LIMIT_PER_HOUR = 2
    _, token = make_request(review, reviewer)
    for i in range(2):
        assert post_file(client, token, PDF_BYTES, f"{i}.pdf").status_code == 302
    response = post_file(client, token, PDF_BYTES, "third.pdf")
    assert response.status_code == 429
    assert "too many files" in response.content.decode()
    assert UploadedRecord.objects.count() == 2
    assert client.get(upload_url(token)).status_code == 200  # reading is never limited


# -- Virus scanning ---------------------------------------------------------------------------


def fake_clamav(tmp_path, monkeypatch, *, command="clamscan", exit_code=None):
    """A stand-in for ClamAV on PATH: exits 1 (found) for the EICAR test string, else 0, or
    always `exit_code` when given (2: ClamAV could not scan)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / command
    body = (
        f"exit {exit_code}"
        if exit_code is not None
        else 'for f; do :; done\nif grep -q EICAR "$f"; then echo "$f: Eicar FOUND"; exit 1; fi\n'
        "exit 0"
    )
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin:/bin")


def test_a_clean_file_is_recorded_as_scanned(client, review, reviewer, tmp_path, monkeypatch):
    fake_clamav(tmp_path, monkeypatch)
    _, token = make_request(review, reviewer)
    assert post_file(client, token, PDF_BYTES, "a.pdf").status_code == 302
    assert UploadedRecord.objects.get().scan_status == ScanStatus.CLEAN


def test_an_infected_file_is_refused_and_deleted(
    client, review, reviewer, tmp_path, monkeypatch, private_root
):
    fake_clamav(tmp_path, monkeypatch, command="clamdscan")
    _, token = make_request(review, reviewer)
    response = post_file(client, token, PDF_BYTES + EICAR, "infected.pdf")
    assert response.status_code == 400
    assert "contains a virus" in response.content.decode()
    assert not UploadedRecord.objects.exists() and stored_files(private_root) == []


def test_a_scanner_that_fails_refuses_the_file(
    client, review, reviewer, tmp_path, monkeypatch, private_root
):
    fake_clamav(tmp_path, monkeypatch, exit_code=2)
    _, token = make_request(review, reviewer)
    response = post_file(client, token, PDF_BYTES, "a.pdf")
    assert "could not be checked for viruses" in response.content.decode()
    assert stored_files(private_root) == []


def test_without_a_scanner_a_required_scan_refuses_the_file(
    client, review, reviewer, settings, private_root
):
    """Production requires a scan: with no ClamAV installed the file is refused, not kept
    unscanned."""
    settings.LEDER_UPLOAD_REQUIRE_SCAN = True
    _, token = make_request(review, reviewer)
    response = post_file(client, token, PDF_BYTES, "a.pdf")
    assert "could not be checked for viruses" in response.content.decode()
    assert not UploadedRecord.objects.exists() and stored_files(private_root) == []


# -- The records page, marking received, withdrawing ------------------------------------------


def test_outstanding_requests_are_missing_until_received_or_withdrawn(review, reviewer):
    a, _ = make_request(review, reviewer, name="Riverside Surgery")
    b, _ = make_request(review, reviewer, name="Hillside Trust")
    assert len(records_missing(review)) == 2
    assert "Riverside Surgery" in records_missing(review)[0]
    services.records_request_mark_received(actor=reviewer, request=a)
    services.records_request_withdraw(actor=reviewer, request=b)
    assert records_missing(review) == []
    assert review.versions.count() == 4


def test_the_reviewer_marks_received_and_withdraws_through_the_pages(client, review, reviewer):
    a, _ = make_request(review, reviewer, name="Riverside Surgery")
    b, token_b = make_request(review, reviewer, name="Hillside Trust")
    sign_in_verified(client, reviewer)
    page = client.get(url("records_request_received", review.case, request_id=a.pk))
    assert "Mark the records from Riverside Surgery as received" in page.content.decode()
    client.post(url("records_request_received", review.case, request_id=a.pk))
    client.post(url("records_request_withdraw", review.case, request_id=b.pk))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (RecordsRequestStatus.RECEIVED, RecordsRequestStatus.WITHDRAWN)
    assert client.get(upload_url(token_b)).status_code == 410
    page = client.get(url("records", review.case)).content.decode()
    assert "No requests are outstanding" in page and "Withdrawn</h2>" in page


def test_a_withdrawn_request_cannot_be_marked_received(review, reviewer):
    request, _ = make_request(review, reviewer)
    services.records_request_withdraw(actor=reviewer, request=request)
    with pytest.raises(ValidationError):
        services.records_request_mark_received(actor=reviewer, request=request)


# -- Downloads and the permission matrix ------------------------------------------------------


@pytest.fixture
def uploaded(client, review, reviewer):
    _, token = make_request(review, reviewer)
    post_file(client, token, PDF_BYTES, "GP summary.pdf")
    return UploadedRecord.objects.get()


def test_the_reviewer_downloads_an_attachment_and_it_is_audited(client, review, reviewer, uploaded):
    sign_in_verified(client, reviewer)
    response = client.get(url("record_download", review.case, file_id=uploaded.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert "GP summary.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == reviewer
    assert event.object_id == str(uploaded.pk) and event.details["file"] == uploaded.pk


def test_a_file_id_from_another_review_is_not_found(client, review, reviewer, cases, uploaded):
    other_case = cases.make(CaseState.INITIAL_REVIEW)
    review_start(actor=other_case.reviewer.user, case=other_case)
    sign_in_verified(client, other_case.reviewer.user)
    assert client.get(url("record_download", other_case, file_id=uploaded.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.fixture
def people(review, reviewer, icb, lac, cases):
    other_icb = make_icb()
    return {
        "reviewer": reviewer,
        "senior": user_with_role(Role.SENIOR_REVIEWER, icb),
        "lac": lac,
        "other reviewer": cases.make(CaseState.INITIAL_REVIEW).reviewer.user,
        "other icb senior": user_with_role(Role.SENIOR_REVIEWER, other_icb),
        "other icb lac": user_with_role(Role.LAC, other_icb),
        "icb lead": user_with_role(Role.ICB_LEAD, icb),
        "administrator": user_with_role(Role.ADMINISTRATOR),
    }


# (records page, request page, mark received, download)
MATRIX = {
    "reviewer": (200, 200, 200, 200),
    "senior": (200, 403, 403, 200),
    "lac": (200, 403, 403, 403),
    "other reviewer": (404, 404, 404, 404),
    "other icb senior": (404, 404, 404, 404),
    "other icb lac": (404, 404, 404, 404),
    "icb lead": (403, 403, 403, 403),
    "administrator": (403, 403, 403, 403),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(client, review, people, uploaded, who):
    request = uploaded.request
    sign_in_verified(client, people[who])
    expected = MATRIX[who]
    got = (
        client.get(url("records", review.case)).status_code,
        client.get(url("records_request", review.case)).status_code,
        client.get(url("records_request_received", review.case, request_id=request.pk)).status_code,
        client.get(url("record_download", review.case, file_id=uploaded.pk)).status_code,
    )
    assert got == expected
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    assert exports == (1 if expected[3] == 200 else 0)
    before = (RecordsRequest.objects.count(), request.status)
    response = client.post(url("records_request_withdraw", review.case, request_id=request.pk))
    request.refresh_from_db()
    if who == "reviewer":
        assert response.status_code == 302 and request.status == RecordsRequestStatus.WITHDRAWN
    else:
        assert response.status_code == expected[1]
        assert (RecordsRequest.objects.count(), request.status) == before


def test_readers_without_download_rights_see_file_names_but_no_links(client, review, lac, uploaded):
    sign_in_verified(client, lac)
    page = client.get(url("records", review.case)).content.decode()
    assert "GP summary.pdf" in page
    assert url("record_download", review.case, file_id=uploaded.pk) not in page
    assert url("records_request", review.case) not in page
