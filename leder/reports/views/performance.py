"""The national performance table (ADR 0143): every ICB's row, its region's and England's, for
a quarter or a year; for national analysts (England) and regional coordinators (their region),
downloadable as CSV and XLSX in the same layout. Disclosure-controlled; each page and download
is audited, as the figures are computed from identifiable records."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.analytics.cohorts import ScopeKind
from leder.core import audit
from leder.core.models import AuditAction
from leder.reports import downloads, selectors
from leder.reports.forms import PerformanceForm
from leder.reports.performance import performance_table
from leder.reports.presenters import figure


def _access(request: HttpRequest, kind: str, code: str) -> selectors.ScopeAccess:
    if kind not in (ScopeKind.ENGLAND, ScopeKind.REGION):
        raise Http404("The performance table is for England or a region")
    return selectors.scope_for(request.user, kind=kind, code=code)


def performance_url(access: selectors.ScopeAccess, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    if access.organisation is None:
        return reverse("reports:performance_england") + suffix
    return reverse("reports:performance", kwargs={"kind": access.kind, "code": access.code}) + (
        suffix
    )


def performance_tables(user) -> list[tuple[selectors.ScopeAccess, str]]:
    """The performance tables `user` may open: England, then their regions."""
    return [
        (access, performance_url(access))
        for access in selectors.scopes_for(user)
        if access.kind in (ScopeKind.ENGLAND, ScopeKind.REGION)
    ]


def _audit_object(access) -> tuple[str, str]:
    return ("reports.PerformanceTable", f"{access.kind}:{access.code}")


@verified_staff_required
def performance(request: HttpRequest, kind: str = "england", code: str = "") -> HttpResponse:
    access = _access(request, kind, code)
    form = PerformanceForm(request.GET)
    context = {"access": access, "form": form, "figure": None}
    if form.is_valid():
        period = form.period_value()
        shown = figure(performance_table(period, access.scope), with_chart=False)
        query = request.GET.urlencode()
        context.update(
            figure=shown,
            period=period,
            downloads={
                fmt: performance_url(access, fmt) + (f"?{query}" if query else "")
                for fmt in ("csv", "xlsx")
            },
        )
        audit.record_view(
            actor=request.user,
            obj=_audit_object(access),
            summary=f"Viewed the performance table of {access.name}: {period.year_label}",
            details={"period": period.as_dict()},
            request=request,
        )
    return render(
        request, "reports/performance.jinja", {**context, "has_errors": bool(form.errors)}
    )


@verified_staff_required
def performance_download(
    request: HttpRequest, fmt: str, kind: str = "england", code: str = ""
) -> HttpResponse:
    access = _access(request, kind, code)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    form = PerformanceForm(request.GET)
    if not form.is_valid():
        raise Http404("No such period")
    period = form.period_value()
    shown = figure(performance_table(period, access.scope), with_chart=False)
    body = downloads.as_csv(shown) if fmt == "csv" else downloads.as_xlsx(shown)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=_audit_object(access),
        summary=f"Downloaded the performance table of {access.name}, {period.year_label}, "
        f"as {fmt.upper()}",
        details={"period": period.as_dict(), "format": fmt},
        ip_address=audit.client_ip(request),
    )
    response = HttpResponse(
        body, content_type=downloads.CSV_TYPE if fmt == "csv" else downloads.XLSX_TYPE
    )
    name = downloads.filename(shown, access.code or "england", form.slug(), fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
