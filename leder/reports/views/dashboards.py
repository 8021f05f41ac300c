"""Dashboards: every metric of the library for an ICB, a region or England, as a chart beside
its table, for a year and cohort chosen with a GET form (no JavaScript), each table
downloadable as CSV and XLSX.

Only published (disclosure-controlled) figures are shown, and only after the extract has passed
reconciliation; if it fails, the page shows which checks failed (and, to those who may open the
cases, which records) instead of any figure. Who may see which scope: `selectors`. Computing
the figures reads identifiable data, so each page and download is audited.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.analytics.metrics import REGISTRY
from leder.analytics.reconcile import ReconciliationFailed
from leder.core import audit
from leder.core.models import AuditAction
from leder.reports import downloads, selectors
from leder.reports.figures import dashboard_figures
from leder.reports.forms import FigureFilterForm
from leder.reports.presenters import ReconciliationFailure, figure


def dashboard_url(access: selectors.ScopeAccess) -> str:
    if access.organisation is None:
        return reverse("reports:england")
    return reverse("reports:dashboard", kwargs={"kind": access.kind, "code": access.code})


def download_url(access: selectors.ScopeAccess, key: str, fmt: str, query: str) -> str:
    if access.organisation is None:
        url = reverse("reports:england_download", kwargs={"key": key, "fmt": fmt})
    else:
        url = reverse(
            "reports:download",
            kwargs={"kind": access.kind, "code": access.code, "key": key, "fmt": fmt},
        )
    return f"{url}?{query}" if query else url


def _audit_object(access: selectors.ScopeAccess) -> tuple[str, str]:
    return ("reports.Dashboard", f"{access.kind}:{access.code}")


@verified_staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The dashboards and annual reports the user may open."""
    selectors.require_figures(request.user)
    from leder.reports.views.performance import performance_tables

    groups = [
        (
            group,
            (group.region, dashboard_url(group.region)) if group.region else None,
            [(access, dashboard_url(access)) for access in group.icbs],
        )
        for group in selectors.scope_groups(request.user)
    ]
    return render(
        request,
        "reports/index.jinja",
        {
            "groups": groups,
            "performance": performance_tables(request.user),
            "may_prepare": bool(selectors.areas_to_prepare(request.user)),
        },
    )


@verified_staff_required
def dashboard(request: HttpRequest, kind: str = "england", code: str = "") -> HttpResponse:
    access = selectors.scope_for(request.user, kind=kind, code=code)
    form = FigureFilterForm(request.GET)
    context = {"access": access, "form": form, "figures": None, "failure": None}
    if form.is_valid():
        cohort = form.cohort_value()
        query = request.GET.urlencode()
        context["cohort"] = cohort
        try:
            figures = dashboard_figures(cohort, access.scope)
        except ReconciliationFailed as failed:
            context["failure"] = ReconciliationFailure.of(
                failed, may_name=selectors.may_name_records(request.user, access)
            )
        else:
            context["figures"] = figures.figures
            context["downloads"] = {
                key: {fmt: download_url(access, key, fmt, query) for fmt in ("csv", "xlsx")}
                for key in figures.results
            }
        audit.record_view(
            actor=request.user,
            obj=_audit_object(access),
            summary=f"Viewed the dashboard of {access.name}: {cohort.name}",
            details={"cohort": cohort.as_dict(), "published": context["failure"] is None},
            request=request,
        )
    return render(request, "reports/dashboard.jinja", {**context, "has_errors": bool(form.errors)})


@verified_staff_required
def download(
    request: HttpRequest, key: str, fmt: str, kind: str = "england", code: str = ""
) -> HttpResponse:
    access = selectors.scope_for(request.user, kind=kind, code=code)
    if key not in REGISTRY or fmt not in ("csv", "xlsx"):
        raise Http404("No such table")
    form = FigureFilterForm(request.GET)
    if not form.is_valid():
        raise Http404("No such year or cohort")
    cohort = form.cohort_value()
    try:
        figures = dashboard_figures(cohort, access.scope)
    except ReconciliationFailed:
        # The dashboard explains the failure; a download never carries unreconciled figures.
        return HttpResponse(
            "These figures are not published: the data failed a reconciliation check. "
            "Open the dashboard to see which.",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    shown = figure(figures.results[key], with_chart=False)
    body = downloads.as_csv(shown) if fmt == "csv" else downloads.as_xlsx(shown)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=_audit_object(access),
        summary=f"Downloaded {shown.title} for {access.name}, {cohort.name}, as {fmt.upper()}",
        details={"metric": key, "format": fmt, "cohort": cohort.as_dict()},
        ip_address=audit.client_ip(request),
    )
    slug = f"{cohort.kind.value}-{cohort.starts_on.year}" + ("-fy" if cohort.financial else "")
    response = HttpResponse(
        body, content_type=downloads.CSV_TYPE if fmt == "csv" else downloads.XLSX_TYPE
    )
    name = downloads.filename(shown, access.code, slug, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
