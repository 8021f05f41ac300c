"""The case list (/staff/cases) and the local area contact's export of it.

Rows come from `selectors.case_list`, which starts from `cases_visible_to(user)`: a LAC or a
senior reviewer sees their ICBs' cases, a reviewer the cases allocated to them, a panel member
the cases at or past the panel. Each page view is audited, because it shows identifiable data.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.casework import exports
from leder.casework.forms.case_list import CaseListForm
from leder.casework.presenters import case_list as presenters
from leder.casework.selectors import case_list as selectors
from leder.core import audit
from leder.core.time import today

PAGE_SIZE = 25


def _form(request: HttpRequest, *, icbs) -> CaseListForm:
    form = CaseListForm(
        request.GET,
        icbs=icbs,
        reviewers=list(selectors.case_list_reviewers(request.user)),
        ethnic_groups=selectors.ethnic_groups(),
        reviewer_filter=selectors.can_filter_by_reviewer(request.user),
    )
    form.is_valid()  # invalid filters are shown and left out; the rest still apply
    return form


@verified_staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_case_list(request.user):
        raise PermissionDenied("The case list is for people who work on cases.")
    icbs = list(selectors.case_list_icbs(request.user))
    form = _form(request, icbs=icbs)
    filters = form.filters()
    day = today()
    queryset = selectors.case_list(user=request.user, filters=filters, today=day)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [presenters.CaseRow(case, today=day) for case in page.object_list]
    audit.record_view(
        actor=request.user,
        obj=(
            "casework.CaseList",
            selectors.audit_scope(
                filters=filters,
                icb_ids=selectors.icb_ids_where(request.user, *selectors.WHOLE_ICB_ROLES),
            ),
        ),
        summary=f"Viewed the case list ({len(rows)} of {page.paginator.count} case(s))",
        details={
            "filters": filters.as_details(),
            "page": page.number,
            "rows": len(rows),
            "total": page.paginator.count,
            "references": [row.reference for row in rows],
        },
        request=request,
    )
    # The export links carry the same filters; they are offered to a local area contact when
    # the list is not narrowed to an ICB where they hold another role.
    export_icb_ids = selectors.icb_ids_where(request.user, Role.LAC)
    can_export = bool(export_icb_ids) and filters.icb_id in (export_icb_ids | {None})
    return render(
        request,
        "casework/case_list/list.jinja",
        {
            "form": form,
            "has_errors": bool(form.errors),
            "rows": rows,
            "page": page,
            "pagination": presenters.pagination(page, request.GET),
            "summary": presenters.results_summary(page),
            "can_export": can_export and page.paginator.count > 0 and not form.errors,
            "export_query": presenters.query_string(request.GET),
        },
    )


def _export(request: HttpRequest, export_format: str) -> HttpResponse:
    if not selectors.can_export_case_list(request.user):
        raise PermissionDenied("Exports of the case list are for local area contacts.")
    form = _form(request, icbs=list(selectors.case_export_icbs(request.user)))
    if "icb" in form.errors:
        # Not one of the user's LAC ICBs: the same answer whether it exists or not.
        raise Http404("No such list")
    if form.errors:
        # An export of "everything" when the user meant a subset would be a surprise: show the
        # list with its errors instead, and export nothing.
        return redirect(reverse("casework:case_list") + presenters.query_string(request.GET))
    export = exports.case_list_export(
        actor=request.user,
        filters=form.filters(),
        export_format=export_format,
        request=request,
    )
    disposition = f'attachment; filename="{export.filename}"'
    if export_format == exports.CSV:
        response = StreamingHttpResponse(
            exports.csv_lines(export.rows()), content_type=export.content_type
        )
    else:
        response = HttpResponse(exports.xlsx_bytes(export.rows()), content_type=export.content_type)
    response["Content-Disposition"] = disposition
    return response


@verified_staff_required
def case_list_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.CSV)


@verified_staff_required
def case_list_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.XLSX)
