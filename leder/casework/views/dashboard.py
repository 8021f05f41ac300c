"""Dashboards (an ICB's, a region's, England's) and the regional coordinator's escalation list.

Who sees what (ADR 0009):

- ICB dashboard: local area contacts, senior reviewers, ICB executive leads and panel members or
  chairs of that ICB. Someone with several ICBs chooses with `?icb=`; an ICB that is not one of
  theirs is a 404, whatever its id. Counts link to the case list only for those who can see the
  ICB's cases (LAC, senior reviewer), and only they get the list of overdue references.
- Regional dashboard: regional coordinators, for their region(s) (`?region=`).
- National dashboard: national analysts. Counts only, per region and for England.
- Escalation list: regional coordinators, for the ICBs of their region(s).

Someone without an ICB dashboard role who opens the ICB dashboard is sent to the dashboard they
have (regional, then national), so that one "Dashboard" link on the staff home serves everyone.
Reviewers and administrators have no dashboard: 403.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import has_any_role, has_role
from leder.casework.deadlines import WITHIN_6_MONTHS
from leder.casework.presenters.dashboard import (
    GroupDashboardPresenter,
    IcbDashboard,
    case_detail_href,
    case_list_href,
    escalation_table,
    overdue_table,
)
from leder.casework.selectors.dashboard import (
    can_see_national_dashboard,
    dashboard_icbs_for,
    dashboard_regions_for,
    icb_dashboard_for,
    national_dashboard_for,
    overdue_cases_for,
    region_dashboard_for,
)
from leder.casework.selectors.deadlines import escalations_for
from leder.core.time import today

ESCALATIONS_PAGE_SIZE = 50
OVERDUE_LIST_LENGTH = 10


def _chosen(request: HttpRequest, choices, parameter: str):
    """The organisation `?<parameter>=` names among `choices`, or the first; 404 for an id that
    is not one of them (the same answer whether or not it exists)."""
    raw = request.GET.get(parameter, "")
    if not raw:
        chosen = choices.first()
    elif raw.isdigit():
        chosen = choices.filter(pk=int(raw)).first()
    else:
        chosen = None
    if chosen is None:
        raise Http404("No such area among yours")
    return chosen


@verified_staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    icbs = dashboard_icbs_for(user)
    icb_list = list(icbs)
    if not icb_list:
        if dashboard_regions_for(user).exists():
            return redirect("casework:dashboard_region")
        if can_see_national_dashboard(user):
            return redirect("casework:dashboard_national")
        raise PermissionDenied("The dashboard is for people who run LeDeR in an area.")
    icb = _chosen(request, icbs, "icb")
    day = today()
    sees_cases = has_any_role(user, Role.LAC, Role.SENIOR_REVIEWER, organisation=icb)
    presenter = IcbDashboard(
        icb=icb,
        figures=icb_dashboard_for(user=user, icb=icb, today=day),
        today=day,
        link_cases=sees_cases,
        link_inbox=has_role(user, Role.LAC, icb),
    )
    overdue = None
    if sees_cases:
        overdue = overdue_table(
            overdue_cases_for(user=user, icb=icb, today=day, limit=OVERDUE_LIST_LENGTH),
            case_href=case_detail_href,
        )
    return render(
        request,
        "casework/dashboard/icb.jinja",
        {
            "icb": icb,
            "icbs": icb_list,
            "today": day,
            "within_6_months": WITHIN_6_MONTHS,
            "dashboard": presenter,
            "overdue": overdue,
            "overdue_count": presenter.f.overdue,
            "all_overdue_href": (
                case_list_href(icb_id=icb.pk, due=["overdue", "long_overdue"])
                if sees_cases
                else None
            ),
        },
    )


@verified_staff_required
def dashboard_region(request: HttpRequest) -> HttpResponse:
    regions = dashboard_regions_for(request.user)
    region_list = list(regions)
    if not region_list:
        raise PermissionDenied("The regional dashboard is for regional coordinators.")
    region = _chosen(request, regions, "region")
    day = today()
    group = region_dashboard_for(user=request.user, region=region, today=day)
    return _group_page(
        request,
        group,
        day=day,
        area_label="ICB",
        total_label="Region total",
        heading=f"{region.display_name}: LeDeR dashboard",
        title=f"{region.display_name} dashboard",
        intro="Figures for each ICB in the region, and the region's total.",
        region=region,
        regions=region_list,
        is_regional=True,
    )


@verified_staff_required
def dashboard_national(request: HttpRequest) -> HttpResponse:
    if not can_see_national_dashboard(request.user):
        raise PermissionDenied("The national dashboard is for national analysts.")
    day = today()
    group = national_dashboard_for(user=request.user, today=day)
    return _group_page(
        request,
        group,
        day=day,
        area_label="Region",
        total_label="England",
        heading="England: LeDeR dashboard",
        title="National dashboard",
        intro="Figures for each NHS England region (the sum of its ICBs), and England.",
        is_regional=False,
    )


def _group_page(request, group, *, day, area_label: str, total_label: str, **page) -> HttpResponse:
    """The dashboard of a group of areas (a region's ICBs, England's regions) and their total;
    `page` is the rest of the template's context (its heading, title, introduction)."""
    return render(
        request,
        "casework/dashboard/group.jinja",
        {
            **page,
            "today": day,
            "within_6_months": WITHIN_6_MONTHS,
            "dashboard": GroupDashboardPresenter(
                group, area_label=area_label, total_label=total_label, today=day
            ),
        },
    )


@verified_staff_required
def escalations(request: HttpRequest) -> HttpResponse:
    regions = dashboard_regions_for(request.user)
    region_list = list(regions)
    if not region_list:
        raise PermissionDenied("The escalation list is for regional coordinators.")
    region = _chosen(request, regions, "region") if request.GET.get("region") else None
    day = today()
    rows = escalations_for(user=request.user, today=day, region_id=region.pk if region else None)
    page = Paginator(rows, ESCALATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/dashboard/escalations.jinja",
        {
            "region": region,
            "regions": region_list,
            "today": day,
            "page": page,
            "total": page.paginator.count,
            "rows_table": escalation_table(page.object_list),
            "escalate_after_days": settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS,
        },
    )
