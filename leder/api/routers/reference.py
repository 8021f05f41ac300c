"""Reference data (`reference:read`): regions, ICBs with their restructures, ethnic categories,
the grading of care and the avoidable mortality list. Nothing here is about a person."""

from django.http import HttpRequest
from ninja import Router

from leder.api import selectors
from leder.api.auth import require_scope
from leder.api.errors import ErrorOut
from leder.api.models import ApiScope
from leder.api.ratelimit import TokenThrottle, requests_limit
from leder.api.schemas import (
    AvoidableListOut,
    EthnicCategoryOut,
    GradingScalesOut,
    IcbOut,
    RegionOut,
)
from leder.core.time import today
from leder.reference import avoidable

router = Router(tags=["Reference data"])

# 400: any request with NUL or an over-long value is refused at the edge (leder.core.edges).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
SCOPE = {"x-scopes": [ApiScope.REFERENCE_READ.value]}
THROTTLE = TokenThrottle(requests_limit)


@router.get(
    "/regions",
    response={200: list[RegionOut]} | ERRORS,
    summary="NHS England regions",
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def region_list(request: HttpRequest):
    require_scope(request, ApiScope.REFERENCE_READ)
    return [
        {
            "ods_code": r.ods_code,
            "name": r.name,
            "gss_code": r.gss_code,
            "opened_on": r.opened_on,
            "closed_on": r.closed_on,
        }
        for r in selectors.regions()
    ]


def _succession(organisation, succession) -> dict:
    return {
        "ods_code": organisation.ods_code,
        "name": organisation.name,
        "effective_on": succession.effective_on,
        "kind": succession.kind,
        "applied": succession.applied_at is not None,
    }


@router.get(
    "/icbs",
    response={200: list[IcbOut]} | ERRORS,
    summary="Integrated care boards",
    description=(
        "Every ICB, open or closed, with its region, the CCGs it took over, and the "
        "restructures that made it (predecessors) or replaced it (successors). Send the ODS "
        "code of an open ICB when submitting a notification."
    ),
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def icb_list(request: HttpRequest):
    require_scope(request, ApiScope.REFERENCE_READ)
    day = today()
    ccg_codes = selectors.ccg_codes_by_icb()
    return [
        {
            "ods_code": icb.ods_code,
            "name": icb.name,
            "short_name": icb.short_name,
            "region": (
                {"ods_code": icb.region.ods_code, "name": icb.region.name} if icb.region else None
            ),
            "gss_code": icb.gss_code,
            "opened_on": icb.opened_on,
            "closed_on": icb.closed_on,
            "open": icb.is_open_on(day),
            "ccg_codes": ccg_codes.get(icb.pk, []),
            "predecessors": [_succession(s.predecessor, s) for s in icb.successions_in.all()],
            "successors": [_succession(s.successor, s) for s in icb.successions_out.all()],
        }
        for icb in selectors.icbs()
    ]


@router.get(
    "/ethnic-categories",
    response={200: list[EthnicCategoryOut]} | ERRORS,
    summary="Ethnic categories (NHS Data Dictionary)",
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def ethnic_category_list(request: HttpRequest):
    require_scope(request, ApiScope.REFERENCE_READ)
    return list(selectors.ethnic_categories())


def _scale(scale) -> dict:
    return {
        "version": scale.version,
        "effective_from": scale.effective_from,
        "description": scale.description,
        "levels": [
            {"level": level.level, "title": level.title, "description": level.description}
            for level in scale.levels.all()
        ],
    }


@router.get(
    "/grading-scale",
    response={200: GradingScalesOut} | ERRORS,
    summary="Grading of care",
    description="The scale in force today and every version, each with its levels.",
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def grading_scale(request: HttpRequest):
    require_scope(request, ApiScope.REFERENCE_READ)
    versions = list(selectors.grading_scales())
    current = selectors.grading_scale_current(on=today())
    return {
        "current": next((_scale(s) for s in versions if current and s.pk == current.pk), None),
        "versions": [_scale(s) for s in versions],
    }


@router.get(
    "/avoidable-causes",
    response={200: AvoidableListOut} | ERRORS,
    summary="Avoidable mortality list",
    description=(
        "The ONS avoidable mortality list in use: each group of underlying causes (ICD-10), "
        "whether deaths from it are preventable, treatable or both (weights), and the age limit."
    ),
    throttle=THROTTLE,
    openapi_extra=SCOPE,
)
def avoidable_cause_list(request: HttpRequest):
    require_scope(request, ApiScope.REFERENCE_READ)
    return {"version": avoidable.VERSION, "causes": selectors.avoidable_causes()}
