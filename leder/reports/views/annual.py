"""The annual reports: start one, write its narrative, generate it (a background task with a
progress page that refreshes itself, no JavaScript), read it and its easy-read version, download
their PDFs, publish it, and list the published reports with their manifests.

Who may read a report, prepare it and publish it: `selectors` (`reports_visible_to`,
`can_prepare`, `can_publish`). Another ICB's report is a 404; a role that may never prepare or
publish gets a 403. Writes go through `services`; their `ValidationError`s are shown on the
page. The stored report holds published (disclosure-controlled) figures only; the records a
failed reconciliation names are shown only to those who may open them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leder.accounts.decorators import verified_staff_required
from leder.core.form_page import form_page, posted
from leder.core.jobs import worker_status
from leder.core.readability import (
    MINIMUM_SCORE,
    meets_threshold,
    sentence_problems,
    text_of_html,
)
from leder.reports import selectors, services, tasks
from leder.reports.forms import NARRATIVE_SECTIONS, NarrativeForm, ReportCreateForm
from leder.reports.models import ReportStatus
from leder.reports.presenters import ReconciliationFailure

# The progress page reloads itself (no JavaScript) this often while the report is generated.


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _access(report) -> selectors.ScopeAccess:
    return selectors.ScopeAccess(report.scope, report.organisation)


@verified_staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    selectors.require_figures(request.user)
    reports = selectors.reports_visible_to(request.user).exclude(status=ReportStatus.PUBLISHED)
    return render(
        request,
        "reports/annual/list.jinja",
        {
            "reports": list(reports),
            "may_prepare": bool(selectors.areas_to_prepare(request.user)),
        },
    )


@verified_staff_required
def published(request: HttpRequest) -> HttpResponse:
    selectors.require_figures(request.user)
    reports = selectors.reports_visible_to(request.user).filter(status=ReportStatus.PUBLISHED)
    return render(request, "reports/annual/published.jinja", {"reports": list(reports)})


@verified_staff_required
def report_new(request: HttpRequest) -> HttpResponse:
    selectors.require_figures(request.user)
    areas = selectors.areas_to_prepare(request.user)
    if not areas:
        raise PermissionDenied(
            "Annual reports are prepared by local area contacts and ICB leads, a region's by its "
            "regional coordinators, and England's by national analysts."
        )

    def start(data):
        organisation = next(org for value, _, org in areas if value == data["area"])
        return services.report_create(
            actor=request.user,
            organisation=organisation,
            year=data["year"],
            cohort_kind=data["cohort"],
            financial=data["period"] == "financial",
        )

    return form_page(
        request,
        form=ReportCreateForm(posted(request), areas=[(value, name) for value, name, _ in areas]),
        template="reports/annual/new.jinja",
        save=start,
        success=lambda report: redirect("reports:report", pk=report.pk),
        message=lambda report: f"{report.title} started",
    )


@verified_staff_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's page: status, narrative form (while it can change), generate and publish."""
    report = selectors.report_for(request.user, pk=pk)
    may_prepare = selectors.can_prepare(request.user, organisation=report.organisation)
    editable = may_prepare and report.status not in (
        ReportStatus.PUBLISHED,
        ReportStatus.GENERATING,
    )
    if request.method == "POST" and not may_prepare:
        raise PermissionDenied("You cannot change this report.")

    def shown() -> dict:
        failure = None
        if report.status == ReportStatus.FAILED and report.failure:
            failure = ReconciliationFailure.from_dicts(
                report.failure, may_name=selectors.may_name_records(request.user, _access(report))
            )
        return {
            "report": report,
            "editable": editable,
            "may_prepare": may_prepare,
            "may_publish": selectors.can_publish(request.user, organisation=report.organisation),
            "failure": failure,
            "sections": NARRATIVE_SECTIONS,
            "minimum": MINIMUM_SCORE,
            "meets": meets_threshold(report.readability_score),
            "sentence_problems": (
                sentence_problems(text_of_html(report.easy_read_html))
                if report.easy_read_html
                else []
            ),
        }

    return form_page(
        request,
        form=NarrativeForm(posted(request), initial=report.narrative or {}),
        template="reports/annual/detail.jinja",
        save=lambda data: services.report_narrative_save(
            actor=request.user, report=report, sections=data
        ),
        success=lambda _: redirect("reports:report", pk=report.pk),
        message="Your text has been saved",
        context=shown,
    )


@verified_staff_required
@require_POST
def report_generate(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk=pk)
    try:
        tasks.report_generate(actor=request.user, report=report)
    except ValidationError as error:
        _errors_to_messages(request, error)
        return redirect("reports:report", pk=report.pk)
    return redirect("reports:report_progress", pk=report.pk)


@verified_staff_required
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk=pk)
    if report.status != ReportStatus.GENERATING:
        return redirect("reports:report", pk=report.pk)
    return render(
        request,
        "reports/annual/progress.jinja",
        {"report": report, "worker": worker_status()},
    )


def _generated(request: HttpRequest, pk: int):
    report = selectors.report_for(request.user, pk=pk)
    if report.status not in (ReportStatus.READY, ReportStatus.PUBLISHED) or not report.html:
        raise Http404("The report has not been generated")
    return report


@verified_staff_required
def report_read(request: HttpRequest, pk: int) -> HttpResponse:
    report = _generated(request, pk)
    return render(request, "reports/annual/read.jinja", {"report": report, "easy_read": False})


@verified_staff_required
def report_easy_read(request: HttpRequest, pk: int) -> HttpResponse:
    report = _generated(request, pk)
    return render(request, "reports/annual/read.jinja", {"report": report, "easy_read": True})


def _pdf_response(report, body: bytes, suffix: str) -> HttpResponse:
    area = report.organisation.ods_code if report.organisation else "england"
    period = f"{report.year}{'-fy' if report.financial else ''}"
    name = f"leder-annual-report-{area}-{period}-{report.cohort_kind}{suffix}.pdf".lower()
    response = HttpResponse(bytes(body), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@verified_staff_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _generated(request, pk)
    return _pdf_response(report, report.pdf, "")


@verified_staff_required
def report_easy_read_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _generated(request, pk)
    return _pdf_response(report, report.easy_read_pdf, "-easy-read")


@verified_staff_required
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk=pk)
    if not selectors.can_publish(request.user, organisation=report.organisation):
        raise PermissionDenied(
            "Only the ICB lead can publish the ICB's annual report, a regional coordinator the "
            "region's, and only a national analyst England's."
        )
    if request.method == "POST":
        try:
            services.report_publish(actor=request.user, report=report)
        except ValidationError as error:
            _errors_to_messages(request, error)
            return redirect("reports:report", pk=report.pk)
        messages.success(request, f"{report.title} published")
        return redirect("reports:report", pk=report.pk)
    return render(request, "reports/annual/publish.jinja", {"report": report})
