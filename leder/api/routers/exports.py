"""National dataset exports (`dataset:export`): start an export, read its status and manifest,
and fetch its files, for the one dataset recipient the client is linked to.

The same services as the national analyst's pages (`leder.exports.services`): the agreement must
be in force, generation runs in the background, every file fetched is audited. Another
recipient's export is 404, the same as an unknown one. Mounted by `leder.api.api` at
`/exports`.
"""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from leder.api.auth import require_scope
from leder.api.errors import ApiError, ErrorOut
from leder.api.models import ApiScope
from leder.api.ratelimit import TokenThrottle, requests_limit
from leder.exports import formats, selectors, services, tasks
from leder.exports.models import DatasetExport, ExportFormat, ExportStatus

router = Router(tags=["National dataset exports"])

# 422: a path parameter or body that does not parse, on every operation.
# 400: any request with NUL or an over-long value is refused at the edge (leder.core.edges).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut}
SCOPE = {"x-scopes": [ApiScope.DATASET_EXPORT.value]}
THROTTLE = TokenThrottle(requests_limit)

FileKind = Literal["csv", "xlsx", "parquet", "spec_csv", "spec_json", "manifest"]


class ExportIn(Schema):
    cohort_year: int = Field(
        ...,
        description="Deaths in this calendar year, or in the financial year starting in April "
        "of it when `financial` is true.",
        examples=[2025],
    )
    financial: bool = False
    formats: list[Literal["csv", "xlsx", "parquet"]] = Field(
        default_factory=lambda: list(ExportFormat.values),
        description="Dataset formats to write; the specification and manifest always come.",
    )
    agreement_reference: str | None = Field(
        None,
        description="The data-sharing agreement to share under; by default the one in force today.",
    )


class CohortOut(Schema):
    kind: str
    starts_on: date
    ends_before: date
    financial: bool
    name: str


class ExportFileOut(Schema):
    kind: str
    name: str
    url: str


class ExportOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    status_description: str
    progress: int = Field(..., description="Percent done.")
    recipient: str
    agreement_reference: str
    cohort: CohortOut
    spec_version: str
    formats: list[str]
    requested_at: datetime
    finished_at: datetime | None = None
    row_count: int | None = None
    failure: str | None = None
    files: list[ExportFileOut] = Field(
        default_factory=list, description="Files to fetch, once the export is done."
    )
    manifest: dict | None = Field(
        None, description="Row counts, SHA-256 of each file, definition versions, redaction."
    )
    manifest_sha256: str | None = None


def _client(request: HttpRequest):
    client = require_scope(request, ApiScope.DATASET_EXPORT)
    recipient = selectors.recipient_of_client(client)
    if recipient is None:
        raise ApiError(
            403,
            "This client is not linked to a dataset recipient. Ask the LeDeR administrators.",
            code="no_recipient",
        )
    return client, recipient


def _body(export: DatasetExport) -> dict:
    cohort = services.cohort_of(export)
    done = export.status == ExportStatus.DONE
    return {
        "id": export.pk,
        "status": export.status,
        "status_description": export.get_status_display(),
        "progress": export.progress,
        "recipient": export.recipient.name,
        "agreement_reference": export.agreement.reference,
        "cohort": cohort.as_dict(),
        "spec_version": export.spec_version,
        "formats": list(export.formats),
        "requested_at": export.requested_at,
        "finished_at": export.finished_at,
        "row_count": export.row_count,
        "failure": export.failure or None,
        "files": [
            {
                "kind": kind,
                "name": export.files[kind],
                "url": reverse(
                    "api:dataset_export_file", kwargs={"export_id": export.pk, "kind": kind}
                ),
            }
            for kind in formats.KINDS
            if done and kind in (export.files or {})
        ],
        "manifest": export.manifest if done else None,
        "manifest_sha256": export.manifest_sha256 or None,
    }


def _agreement(recipient, reference: str | None):
    agreements = recipient.agreements.all()
    if reference:
        # References are unique whatever their case (services.agreement_save).
        found = agreements.filter(reference__iexact=reference).first()
        if found is None:
            raise ApiError(
                422,
                "There is no data-sharing agreement with this reference for your organisation",
                code="invalid",
                field="agreement_reference",
            )
        return found
    in_force = selectors.agreements_in_force(recipient=recipient).first()
    # None in force: the latest one, so the service says why it cannot be used (expired…).
    found = in_force or agreements.order_by("-expires_on").first()
    if found is None:
        raise ApiError(
            422,
            "No data-sharing agreement is recorded for your organisation: nothing can be exported",
            code="no_agreement",
        )
    return found


@router.post(
    "",
    response={202: ExportOut, 413: ErrorOut} | ERRORS,
    summary="Start an export of the national dataset",
    description=(
        "Queues an export of the de-identified national dataset for your organisation, under "
        "your data-sharing agreement (it must be in force today). The export is made in the "
        "background: follow `progress` and `status` at the export's address, then fetch its "
        "files."
    ),
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def export_create(request: HttpRequest, payload: ExportIn):
    client, recipient = _client(request)
    agreement = _agreement(recipient, payload.agreement_reference)
    try:
        export = tasks.dataset_export_request(
            actor=client,
            recipient=recipient,
            agreement=agreement,
            cohort_year=payload.cohort_year,
            financial=payload.financial,
            formats=payload.formats,
        )
    except ValidationError as error:
        names = {"agreement": "agreement_reference"}
        raise ValidationError(
            {names.get(name, name): messages for name, messages in error.message_dict.items()}
        ) from None
    export.refresh_from_db()
    return Status(202, _body(export))


@router.get(
    "",
    response={200: list[ExportOut]} | ERRORS,
    summary="List your organisation's exports",
    description="The latest 100 exports made for your organisation, newest first.",
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def export_list(request: HttpRequest):
    client, _ = _client(request)
    return [_body(e) for e in selectors.exports_for_client(client)[:100]]


@router.get(
    "/{export_id}",
    response={200: ExportOut, 404: ErrorOut} | ERRORS,
    summary="Read an export's status and manifest",
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def export_status(request: HttpRequest, export_id: int):
    client, _ = _client(request)
    return _body(selectors.export_for_client(client=client, pk=export_id))


# The manifest and the JSON specification are JSON objects; the rest are files.
_FILE_CONTENT = {
    content_type.split(";")[0]: {
        "schema": {"type": "object"}
        if content_type == "application/json"
        else {"type": "string", "format": "binary"}
    }
    for _, content_type in formats.KINDS.values()
}


@router.get(
    "/{export_id}/files/{kind}",
    response={404: ErrorOut, 409: ErrorOut} | ERRORS,
    summary="Fetch one file of a finished export",
    description=(
        "The dataset (csv, xlsx, parquet), its specification (spec_csv, spec_json) or the "
        "manifest. Every fetch is recorded. 409 while the export is not done; 404 when a finished "
        "export has no such file; 403 once its agreement has expired."
    ),
    throttle=THROTTLE,
    url_name="dataset_export_file",
    openapi_extra={
        **SCOPE,
        "responses": {"200": {"description": "The file", "content": _FILE_CONTENT}},
    },
)
def export_file(request: HttpRequest, export_id: int, kind: FileKind):
    client, _ = _client(request)
    export = selectors.export_for_client(client=client, pk=export_id)
    try:
        found = services.dataset_download(actor=client, export=export, kind=kind, request=request)
    except ValidationError as error:
        if export.status == ExportStatus.DONE:
            # Finished, but without this file (a format not asked for, or a file gone): waiting
            # will not help, so not the "not ready" a client would retry.
            raise ApiError(404, " ".join(error.messages), code="not_found") from None
        raise ApiError(409, " ".join(error.messages), code="not_ready") from None
    return FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
