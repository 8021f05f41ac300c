"""The national analyst's pages: the exports and their manifests, requesting an export, its
progress, downloads, the recipients and their agreements, and the data specification.

National analysts only; every other role (administrators included: they manage recipients and
agreements in the admin, and never see data) gets a 403. The pages show de-identified data only:
recipients, agreements, counts, versions and hashes. Reads go through `selectors`, writes and
downloads through `services` (every download audited).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.core.form_page import fields, form_page, posted
from leder.core.jobs import worker_status
from leder.core.presenters import count
from leder.exports import anonymity, selectors, services, spec, tasks
from leder.exports.forms import ExportRequestForm
from leder.exports.presenters import ExportPresenter, RecipientPresenter


def _analysts_only(request: HttpRequest) -> None:
    if not selectors.can_use_national_pages(request.user):
        raise PermissionDenied("The national dataset pages are for national analysts only.")


@verified_staff_required
def index(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    rows = [ExportPresenter(e) for e in selectors.exports_for(request.user)[:200]]
    return render(
        request,
        "exports/index.jinja",
        {"rows": rows, "total": count(len(rows), "export")},
    )


@verified_staff_required
def recipients(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    rows = [RecipientPresenter(r) for r in selectors.recipients_for(request.user)]
    return render(request, "exports/recipients.jinja", {"rows": rows})


@verified_staff_required
def request_export(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    agreements = list(selectors.agreements_for(request.user))
    form = ExportRequestForm(posted(request), agreements=agreements)

    def request_it(data):
        agreement = form.agreements[data["agreement"]]
        return tasks.dataset_export_request(
            actor=request.user,
            recipient=agreement.recipient,
            agreement=agreement,
            **fields(data, "cohort_year", "financial", "formats"),
        )

    return form_page(
        request,
        form=form,
        template="exports/request.jinja",
        save=request_it,
        success=lambda export: redirect("exports:detail", pk=export.pk),
        message=lambda export: f"Export {export.pk} requested",
        context={"has_agreements": bool(agreements)},
    )


@verified_staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _analysts_only(request)
    export = ExportPresenter(selectors.export_for(user=request.user, pk=pk))
    return render(
        request,
        "exports/detail.jinja",
        {
            "e": export,
            "worker": worker_status() if export.is_running else None,
            "withheld": spec.WITHHELD,
        },
    )


@verified_staff_required
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    _analysts_only(request)
    export = selectors.export_for(user=request.user, pk=pk)
    try:
        found = services.dataset_download(
            actor=request.user, export=export, kind=kind, request=request
        )
    except (ValidationError, PermissionDenied) as error:
        # The analyst may use the dataset (checked above): a refusal here is about this export,
        # e.g. its agreement has expired, and is shown on the export's page in plain words.
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("exports:detail", pk=export.pk)
    return FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )


@verified_staff_required
def specification(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    # ?version= shows an older specification, still used by exports under older agreements.
    version = request.GET.get("version") or spec.VERSION
    if version not in spec.SPECIFICATIONS:
        raise Http404("No such version of the data specification")
    chosen = spec.specification(version)
    return render(
        request,
        "exports/specification.jinja",
        {
            "version": chosen.version,
            "current": spec.VERSION,
            "versions": spec.VERSIONS,
            "changelog": chosen.changelog,
            "previous": chosen.previous,
            "fields": chosen.fields,
            "statuses": spec.REVIEW_STATUSES,
            "separator": spec.MULTI_VALUE_SEPARATOR,
            "text_separator": spec.TEXT_SEPARATOR,
            "withheld": spec.WITHHELD,
            "k": anonymity.configured_k(),
            "quasi_identifiers": anonymity.configured_quasi_identifiers(),
            "quasi_identifier_steps": anonymity.QUASI_IDENTIFIERS,
        },
    )
