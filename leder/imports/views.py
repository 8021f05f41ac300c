"""Pages for bulk imports: the list of batches, the template and its guide, upload (which runs
the dry run), the report (with its CSV), the confirmation and commit, and discarding.

Only local area contacts import, for their own ICBs: anyone else gets a 403, and another ICB's
batch is a 404. Reads go through `selectors`, writes through `services`. The report holds no
one's details (rows are named by their number in the file), so it is safe to download.
"""

import csv
import io
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leder.accounts.decorators import verified_staff_required
from leder.core.form_page import form_page, posted
from leder.core.jobs import worker_status
from leder.core.presenters import count
from leder.imports import selectors, services, tasks
from leder.imports.columns import COLUMNS
from leder.imports.forms import UploadForm
from leder.imports.presenters import CSV_HEADER, BatchPresenter, RowPresenter
from leder.imports.validation import OUTCOMES

TEMPLATE_FILES = Path(__file__).parent / "templates_files"
TEMPLATE_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _contacts_only(request: HttpRequest):
    icbs = selectors.import_icbs(request.user)
    if not icbs.exists():
        raise PermissionDenied("Only a local area contact can import notifications and reviews.")
    return icbs


@verified_staff_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    _contacts_only(request)
    batches = [BatchPresenter(b) for b in selectors.batches_visible_to(request.user)]
    return render(
        request,
        "imports/list.jinja",
        {"batches": batches, "total": count(len(batches), "import")},
    )


@verified_staff_required
@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    _contacts_only(request)
    themes = selectors.active_theme_names()
    return render(
        request,
        "imports/guide.jinja",
        {"columns": COLUMNS, "themes": list(themes), "outcomes": list(OUTCOMES)},
    )


@verified_staff_required
@require_GET
def template_file(request: HttpRequest, kind: str) -> HttpResponse:
    _contacts_only(request)
    if kind not in TEMPLATE_TYPES:
        raise Http404
    path = TEMPLATE_FILES / f"import-template.{kind}"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=path.name,
        content_type=TEMPLATE_TYPES[kind],
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    icbs = _contacts_only(request)
    form = UploadForm(
        posted(request), request.FILES if request.method == "POST" else None, icbs=icbs
    )

    def check(data):
        uploaded = data["file"]
        return tasks.import_batch_upload(
            actor=request.user, icb=data["icb"], file_name=uploaded.name, content=uploaded.read()
        )

    return form_page(
        request,
        form=form,
        template="imports/upload.jinja",
        save=check,
        success=lambda batch: redirect("imports:batch", pk=batch.pk),
        # Whatever the service says about no answer in particular is about the file.
        rename={NON_FIELD_ERRORS: "file"},
    )


@verified_staff_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _contacts_only(request)
    batch = selectors.batch_for(request.user, pk)
    rows = [RowPresenter(r) for r in selectors.rows_of(batch)]
    return render(
        request,
        "imports/batch.jinja",
        {
            "b": BatchPresenter(batch),
            "batch": batch,
            "rejected": [r for r in rows if r.row.errors],
            "others": [r for r in rows if not r.row.errors],
            "can_act": services.can_import(request.user, batch.icb),
            "worker": worker_status() if BatchPresenter(batch).is_running else None,
        },
    )


@verified_staff_required
@require_GET
def batch_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    _contacts_only(request)
    batch = selectors.batch_for(request.user, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in selectors.rows_of(batch):
        writer.writerows(RowPresenter(row).csv_lines())
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    return response


@verified_staff_required
@require_http_methods(["GET", "POST"])
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    _contacts_only(request)
    batch = selectors.batch_for(request.user, pk)
    if not services.can_import(request.user, batch.icb):
        raise PermissionDenied("Only a local area contact for this ICB can import this file.")
    if not BatchPresenter(batch).is_checked:
        return redirect("imports:batch", pk=batch.pk)
    error = ""
    if request.method == "POST":
        try:
            tasks.import_batch_commit_request(actor=request.user, batch=batch)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            # The worker imports it; the batch's page shows how far it has got, then what came
            # of it.
            return redirect("imports:batch", pk=batch.pk)
        batch.refresh_from_db()
    return render(
        request,
        "imports/commit.jinja",
        {"b": BatchPresenter(batch), "error": error, "has_errors": bool(error)},
    )


@verified_staff_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    _contacts_only(request)
    batch = selectors.batch_for(request.user, pk)
    try:
        services.import_batch_discard(actor=request.user, batch=batch)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, f"{batch.file_name} discarded: nothing was imported")
    return redirect("imports:batch", pk=batch.pk)
