"""Records from organisations: the reviewer's requests, the secure upload link each one gets, and
the files organisations upload through it.

The link is `/records/upload/<token>`: a random token of 32 bytes (`secrets.token_urlsafe`) of
which only a SHA-256 is stored, so the database alone cannot be used to upload. A link works for
its one request, until it expires (`LEDER_UPLOAD_LINK_DAYS`) or the reviewer withdraws it.

An uploaded file is accepted only if its extension and its content (magic bytes) agree on one of
the accepted kinds (PDF, Word, JPEG, PNG, TIFF) and it is within `LEDER_UPLOAD_MAX_BYTES`. It is
written outside the web root (`LEDER_PRIVATE_MEDIA_ROOT`) under a random name, scanned by ClamAV
when ClamAV is installed (an infected file is deleted and refused), and only then recorded.
Anything refused leaves nothing behind.
"""

import hashlib
import importlib.util
import logging
import os
import re
import secrets
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from leder.casework.models import CaseState
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.organisations.models import PROVIDER_KINDS, Organisation
from leder.reviews.models import (
    RecordsRequest,
    RecordsRequestStatus,
    Review,
    ScanStatus,
    UploadedRecord,
)
from leder.reviews.services.records import check_can_edit, review_version_record

log = logging.getLogger(__name__)

SECTION_KEY = "records"
TOKEN_BYTES = 32
# A token as `secrets.token_urlsafe(32)` makes it: 43 URL-safe characters. Anything else is
# refused before the database is asked.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# While a case is in one of these states an organisation's upload can still be used.
OPEN_FOR_UPLOADS = (CaseState.INITIAL_REVIEW, CaseState.FOCUSED_REVIEW, CaseState.ON_HOLD)
SCAN_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
DOC = FileKind("Word", "application/msword", (".doc",))
DOCX = FileKind(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
JPEG = FileKind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("PNG image", "image/png", (".png",))
TIFF = FileKind("TIFF image", "image/tiff", (".tif", ".tiff"))
ACCEPTED_KINDS = (PDF, DOC, DOCX, JPEG, PNG, TIFF)
ACCEPTED_EXTENSIONS = tuple(ext for kind in ACCEPTED_KINDS for ext in kind.extensions)
ACCEPTED_DESCRIPTION = "a PDF, a Word document (.doc or .docx) or an image (JPEG, PNG or TIFF)"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_bytes() -> int:
    return settings.LEDER_UPLOAD_MAX_BYTES


def size_label(size: int) -> str:
    """20971520 → "20MB"; sizes under a megabyte in KB."""
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return f"{megabytes:.0f}MB" if megabytes == int(megabytes) else f"{megabytes:.1f}MB"
    return f"{max(1, round(size / 1024))}KB"


def private_root() -> Path:
    return Path(settings.LEDER_PRIVATE_MEDIA_ROOT)


def stored_path(record: UploadedRecord) -> Path:
    return private_root() / record.stored_name


# --- tokens -----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkProblem:
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


@dataclass(frozen=True)
class UploadLink:
    """What a token opens: its request, or why it opens nothing."""

    request: RecordsRequest | None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def upload_link_resolve(token: str, *, lock: bool = False) -> UploadLink:
    """The request `token` opens, or the reason it opens none: unknown (never issued, or
    mistyped), expired, withdrawn, or closed (the review is no longer being written)."""
    if not TOKEN_PATTERN.match(token or ""):
        return UploadLink(None, LinkProblem.UNKNOWN)
    queryset = RecordsRequest.objects.select_related(
        "organisation", "review__case__notification__icb", "requested_by"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    request = queryset.filter(token_hash=token_hash(token)).first()
    if request is None:
        return UploadLink(None, LinkProblem.UNKNOWN)
    if request.status == RecordsRequestStatus.WITHDRAWN:
        return UploadLink(request, LinkProblem.WITHDRAWN)
    if request.expires_at <= now():
        return UploadLink(request, LinkProblem.EXPIRED)
    if request.review.case.state not in OPEN_FOR_UPLOADS:
        return UploadLink(request, LinkProblem.CLOSED)
    return UploadLink(request)


# --- the reviewer's requests --------------------------------------------------------------------


def records_request_create(
    *,
    actor,
    review: Review,
    organisation: Organisation,
    email: str,
    requested: str,
) -> RecordsRequest:
    """Ask `organisation` for records. Guarantees: only the reviewer who may edit the review
    (else `PermissionDenied`); a provider organisation, a valid e-mail address and a description
    of what is asked (else `ValidationError`); nothing written unless all of that holds. Writes
    the request (holding only the token's hash) with its expiry, a version and an audit row.
    Returns the request. The e-mail with its link is sent by `tasks.records_request_send`, which
    calls this: the link's token is made by the task (`upload_link_issue`), so it is never stored.
    """
    check_can_edit(actor=actor, review=review)
    errors = {}
    if organisation is None or organisation.kind not in PROVIDER_KINDS:
        errors["organisation"] = "Select the organisation to ask for records"
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = (
            "Enter an email address in the correct format, like name@example.nhs.uk"
            if email
            else "Enter the email address to send the upload link to"
        )
    requested = (requested or "").strip()
    if not requested:
        errors["requested"] = "Enter which records you are asking for"
    if errors:
        raise ValidationError(errors)

    started = now()
    with transaction.atomic():
        request = RecordsRequest.objects.create(
            review=review,
            organisation=organisation,
            email=email,
            requested=requested,
            requested_at=started,
            requested_by=actor,
            # A placeholder nobody holds a token for: the task that sends the e-mail makes the
            # link's token and keeps only its hash (upload_link_issue), so the token never
            # reaches the task queue's arguments.
            token_hash=token_hash(secrets.token_urlsafe(TOKEN_BYTES)),
            expires_at=started + timedelta(days=settings.LEDER_UPLOAD_LINK_DAYS),
        )
        review_version_record(
            actor=actor,
            review=review,
            section_key=SECTION_KEY,
            summary=f"Records requested from {organisation.name}",
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=request,
            summary=f"Records requested from {organisation.name} for {review.case.reference}",
            details={"organisation": organisation.ods_code, "expires_at": request.expires_at},
        )
    return request


def upload_link_issue(request: RecordsRequest) -> str:
    """Make `request`'s link token and keep only its SHA-256. Called by the task that e-mails
    the link, so the token exists only in that e-mail (never in the task queue's arguments or
    results). Issuing again replaces the token: an earlier link stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    RecordsRequest.objects.filter(pk=request.pk).update(token_hash=token_hash(token))
    request.token_hash = token_hash(token)
    return token


def _request_status_set(*, actor, request: RecordsRequest, status: str, summary: str):
    review = request.review
    check_can_edit(actor=actor, review=review)
    with transaction.atomic():
        locked = RecordsRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == status:
            return locked
        if locked.status == RecordsRequestStatus.WITHDRAWN:
            raise ValidationError("This request has been withdrawn and cannot be changed.")
        locked.status, locked.status_changed_at = status, now()
        locked.save(update_fields=["status", "status_changed_at"])
        review_version_record(actor=actor, review=review, section_key=SECTION_KEY, summary=summary)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"{summary} ({review.case.reference})",
            details={"status": status},
        )
    request.status, request.status_changed_at = locked.status, locked.status_changed_at
    return locked


def records_request_mark_received(*, actor, request: RecordsRequest) -> RecordsRequest:
    """Mark a request received (for records that arrived another way). The link keeps working
    until it expires, for anything still to come. Refused for a withdrawn request. Version and
    audit as every save."""
    return _request_status_set(
        actor=actor,
        request=request,
        status=RecordsRequestStatus.RECEIVED,
        summary=f"Records from {request.organisation.name} marked received",
    )


def records_request_withdraw(*, actor, request: RecordsRequest) -> RecordsRequest:
    """Withdraw a request: its link stops working at once. Files already uploaded stay. Version
    and audit as every save."""
    return _request_status_set(
        actor=actor,
        request=request,
        status=RecordsRequestStatus.WITHDRAWN,
        summary=f"Records request to {request.organisation.name} withdrawn",
    )


# --- uploads ------------------------------------------------------------------------------------


class UploadRefused(ValidationError):
    """An upload refused, with a message for the person uploading."""


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def safe_original_name(name: str) -> str:
    """The uploaded file's name as shown to staff: no folders, no control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or "file")[-255:]


def detect_kind(upload) -> FileKind | None:
    """The accepted kind the file's content is, judged by its first bytes (and, for .docx, by
    the parts a Word document must contain); None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(OLE2_MAGIC):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        try:
            # Only the zip's directory is read: nothing is extracted.
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def check_upload(upload) -> FileKind:
    """The file's kind if it may be accepted; `UploadRefused` with a clear message if not."""
    name = safe_original_name(upload.name)
    if upload.size == 0:
        raise UploadRefused(f"The selected file {name} is empty")
    if upload.size > max_bytes():
        raise UploadRefused(f"The selected file must be smaller than {size_label(max_bytes())}")
    kind = detect_kind(upload)
    extension = _extension(name)
    if kind is None or extension not in kind.extensions:
        raise UploadRefused(f"The selected file must be {ACCEPTED_DESCRIPTION}")
    return kind


class ScanFailed(Exception):
    """ClamAV is installed but could not check the file."""


class Infected(Exception):
    """ClamAV found a virus."""


def scan(path: Path) -> str:
    """Check `path` with ClamAV: the daemon's client (`clamdscan`) if on PATH, else the
    stand-alone `clamscan`, else `pyclamd` if installed. Returns `ScanStatus.CLEAN`, or
    `ScanStatus.NOT_SCANNED` when no scanner is installed and `LEDER_UPLOAD_REQUIRE_SCAN` is off;
    raises `Infected`, or `ScanFailed` when a scanner is installed but none could check the file,
    or none is installed and a scan is required (we refuse rather than store a
    file we were meant to check)."""
    tried = False
    for command in ("clamdscan", "clamscan"):
        executable = shutil.which(command)
        if not executable:
            continue
        tried = True
        args = [executable, "--no-summary", "--stdout"]
        if command == "clamdscan":
            args.append("--fdpass")  # the daemon runs as another user: pass it the open file
        try:
            result = subprocess.run(
                [*args, str(path)],
                capture_output=True,
                timeout=SCAN_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            log.error("%s could not run: %s", command, error)
            continue
        if result.returncode == 0:
            return ScanStatus.CLEAN
        if result.returncode == 1:
            raise Infected(result.stdout.decode(errors="replace").strip())
        log.error("%s failed (%s): %s", command, result.returncode, result.stderr[:500])
    if importlib.util.find_spec("pyclamd") is not None:
        tried = True
        try:
            import pyclamd

            found = pyclamd.ClamdAgnostic().scan_file(str(path))
        except Exception as error:  # pyclamd raises its own and socket errors
            log.error("pyclamd could not scan: %s", error)
        else:
            if found:
                raise Infected(str(found))
            return ScanStatus.CLEAN
    if tried or settings.LEDER_UPLOAD_REQUIRE_SCAN:
        # Production requires a scan (LEDER_UPLOAD_REQUIRE_SCAN): no scanner means refuse.
        raise ScanFailed()
    return ScanStatus.NOT_SCANNED


def _write_private(upload) -> tuple[Path, str, int]:
    """Copy the upload into the private folder under a new random name; its path, SHA-256 and
    size. The folder is made readable by the service's account only."""
    root = private_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / secrets.token_hex(20)
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    # O_EXCL: never overwrite; 0o600: nobody else on the machine can read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return path, digest.hexdigest(), size


def record_upload(*, token: str, upload, ip_address: str | None = None) -> UploadedRecord:
    """Store one file uploaded through the link `token`. Guarantees: the link opens a request
    that is still usable (else `PermissionDenied`); the file is of an accepted kind by extension
    and content and within the size limit, and ClamAV (if installed) finds nothing (else
    `UploadRefused` with a clear message); when refused, no file and no row remain. When
    accepted: the file is outside the web root under a random name, a row records it, its
    request is marked received, and an audit row names the request, file and address."""
    kind = check_upload(upload)
    path, sha256, size = _write_private(upload)
    try:
        if size > max_bytes():  # the upload handler's size was a claim; this is what arrived
            raise UploadRefused(f"The selected file must be smaller than {size_label(max_bytes())}")
        try:
            scan_status = scan(path)
        except Infected as found:
            log.warning("Upload refused: a virus was found (%s)", found)
            raise UploadRefused(
                "The selected file contains a virus. It has been deleted and not stored"
            ) from None
        except ScanFailed:
            raise UploadRefused(
                "The selected file could not be checked for viruses. Try again later"
            ) from None
        with transaction.atomic():
            link = upload_link_resolve(token, lock=True)
            if not link.usable:
                raise PermissionDenied(link.problem)
            request = link.request
            record = UploadedRecord.objects.create(
                request=request,
                original_name=safe_original_name(upload.name),
                stored_name=path.name,
                size=size,
                content_type=kind.content_type,
                sha256=sha256,
                uploaded_at=now(),
                scan_status=scan_status,
            )
            if request.status == RecordsRequestStatus.OUTSTANDING:
                request.status, request.status_changed_at = RecordsRequestStatus.RECEIVED, now()
                request.save(update_fields=["status", "status_changed_at"])
            audit.record(
                actor=None,
                action=AuditAction.CREATE,
                obj=record,
                summary=(
                    f"File uploaded by {request.organisation.name} for "
                    f"{request.review.case.reference}"
                ),
                details={"request": request.pk, "size": size, "scan": scan_status},
                ip_address=ip_address,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return record


def record_download_audit(*, actor, record: UploadedRecord, request=None) -> None:
    """Record that `actor` downloaded `record` (the caller has checked they may)."""
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=record,
        summary=f"Downloaded a file of records for {record.request.review.case.reference}",
        details={"file": record.pk, "request": record.request_id},
        ip_address=audit.client_ip(request) if request is not None else None,
    )
