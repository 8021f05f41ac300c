"""Reads for dashboards and reports: which scopes a user may see figures for, and which reports.

Who sees what (the rules come from `leder.accounts.rules`):

- an ICB's figures: its ICB lead, local area contacts, panel members and chairs and senior
  reviewers; the regional coordinators of its region; national analysts;
- a region's figures: its regional coordinators; national analysts;
- England's figures: national analysts.

Reviewers (without another role) and administrators have no figures: 403. Anyone with figures
who asks for an ICB or region that is not theirs gets a 404, as if it did not exist.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import (
    has_any_role,
    icbs_in_regions_where,
    is_national_analyst,
    organisations_where,
    regions_where,
)
from leder.analytics.cohorts import Scope, ScopeKind
from leder.core.time import today
from leder.organisations.models import Organisation

ICB_FIGURE_ROLES = (
    Role.ICB_LEAD,
    Role.LAC,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.SENIOR_REVIEWER,
)
# Who may name the records a failed reconciliation check found: those who can open every case
# of the ICB in the case workspace (see `casework.selectors.cases_visible_to`).
RECORD_NAMING_ROLES = (Role.LAC, Role.SENIOR_REVIEWER)
# Who prepares an ICB's annual report (creates it, writes its narrative, generates it), and who
# publishes it.
ICB_REPORT_WRITERS = (Role.LAC, Role.ICB_LEAD)
ICB_REPORT_PUBLISHERS = (Role.ICB_LEAD,)
# Regional reports (issue 14): prepared and published by the region's coordinators.
REGION_REPORT_WRITERS = (Role.REGIONAL_COORDINATOR,)

NO_FIGURES = (
    "Dashboards and reports are for ICB leads, local area contacts, panel members, senior "
    "reviewers, regional coordinators and national analysts."
)


@dataclass(frozen=True)
class ScopeAccess:
    """A scope the user may see, with its organisation (None for England)."""

    scope: Scope
    organisation: Organisation | None

    @property
    def kind(self) -> str:
        return self.scope.kind.value

    @property
    def code(self) -> str:
        return self.scope.code or "england"

    @property
    def name(self) -> str:
        return self.scope.name


def icbs_with_figures(user) -> QuerySet[Organisation]:
    """The ICBs whose figures `user` may see."""
    if is_national_analyst(user):
        return Organisation.objects.icbs()
    return Organisation.objects.icbs().filter(
        Q(pk__in=organisations_where(user, *ICB_FIGURE_ROLES).values("pk"))
        | Q(pk__in=icbs_in_regions_where(user).values("pk"))
    )


def regions_with_figures(user) -> QuerySet[Organisation]:
    if is_national_analyst(user):
        return Organisation.objects.regions()
    return regions_where(user)


def has_figures(user) -> bool:
    """True if `user` may see any dashboard at all."""
    return (
        is_national_analyst(user)
        or has_any_role(user, *ICB_FIGURE_ROLES)
        or regions_where(user).exists()
    )


def require_figures(user) -> None:
    if not has_figures(user):
        raise PermissionDenied(NO_FIGURES)


def scope_for(user, *, kind: str, code: str) -> ScopeAccess:
    """The scope `kind`/`code` if `user` may see its figures. 403 for a user with no figures,
    or whose roles never see a region's or England's; 404 for an ICB or region that is not
    theirs or does not exist."""
    require_figures(user)
    if kind == ScopeKind.ENGLAND:
        if not is_national_analyst(user):
            raise PermissionDenied("Figures for England are for national analysts.")
        return ScopeAccess(Scope.england(), None)
    if kind == ScopeKind.REGION:
        if not (is_national_analyst(user) or has_any_role(user, Role.REGIONAL_COORDINATOR)):
            raise PermissionDenied("Figures for a region are for its regional coordinators.")
        organisation = regions_with_figures(user).filter(ods_code=code).first()
    elif kind == ScopeKind.ICB:
        organisation = icbs_with_figures(user).filter(ods_code=code).first()
    else:
        organisation = None
    if organisation is None:
        raise Http404("No such ICB or region")
    return ScopeAccess(Scope.of(organisation), organisation)


def scopes_for(user) -> list[ScopeAccess]:
    """Every dashboard `user` may open: England, then regions, then ICBs, by name."""
    found = []
    if is_national_analyst(user):
        found.append(ScopeAccess(Scope.england(), None))
    found += [ScopeAccess(Scope.of(r), r) for r in regions_with_figures(user).order_by("name")]
    found += [ScopeAccess(Scope.of(i), i) for i in icbs_with_figures(user).order_by("name")]
    return found


@dataclass(frozen=True)
class ScopeGroup:
    """Dashboards under one heading on the reports index: England, a region (its own dashboard
    if the user may open it, then its ICBs), or the former ICBs."""

    heading: str
    region: ScopeAccess | None
    icbs: list[ScopeAccess]


def scope_groups(user, *, on=None) -> list[ScopeGroup]:
    """`scopes_for(user)` as the reports index shows them (issue 16 item 10): England first,
    then each region by name with its open ICBs, then the former (closed) ICBs apart, by name.
    An ICB with no region goes under "Other ICBs"."""
    on = on or today()
    scopes = scopes_for(user)
    groups: list[ScopeGroup] = []
    england = [a for a in scopes if a.organisation is None]
    if england:
        groups.append(ScopeGroup("England", england[0], []))
    regions = {a.organisation.pk: a for a in scopes if a.organisation and a.kind == "region"}
    icbs = [a for a in scopes if a.organisation and a.kind == "icb"]
    closed = {
        a.organisation.pk
        for a in icbs
        if a.organisation.closed_on and a.organisation.closed_on <= on
    }
    open_icbs = [a for a in icbs if a.organisation.pk not in closed]
    former = [a for a in icbs if a.organisation.pk in closed]
    region_ids = {a.organisation.region_id for a in open_icbs} | set(regions)
    names = dict(
        Organisation.objects.filter(pk__in=[i for i in region_ids if i]).values_list("pk", "name")
    )
    for region_id in sorted(names, key=lambda pk: names[pk]):
        members = [a for a in open_icbs if a.organisation.region_id == region_id]
        groups.append(ScopeGroup(names[region_id], regions.get(region_id), members))
    orphans = [a for a in open_icbs if a.organisation.region_id not in names]
    if orphans:
        groups.append(ScopeGroup("Other ICBs", None, orphans))
    if former:
        groups.append(ScopeGroup("Former ICBs", None, former))
    return groups


def may_name_records(user, access: ScopeAccess) -> bool:
    """Whether a failed check may list the records' references to `user`: only in an ICB's
    scope, and only to those who may open every case of that ICB."""
    return (
        access.scope.kind == ScopeKind.ICB
        and access.organisation is not None
        and has_any_role(user, *RECORD_NAMING_ROLES, organisation=access.organisation)
    )


# --- annual reports -----------------------------------------------------------------------------


def areas_to_prepare(user) -> list[tuple[str, str, Organisation | None]]:
    """The areas whose annual report `user` may prepare: (value, name, ICB or None)."""
    areas: list[tuple[str, str, Organisation | None]] = []
    if is_national_analyst(user):
        areas.append(("england", "England", None))
    regions = organisations_where(user, *REGION_REPORT_WRITERS).filter(kind="region")
    for region in regions.order_by("name"):
        areas.append((f"region:{region.ods_code}", region.display_name, region))
    for icb in organisations_where(user, *ICB_REPORT_WRITERS).filter(kind="icb").order_by("name"):
        areas.append((f"icb:{icb.ods_code}", icb.display_name, icb))
    return areas


def can_prepare(user, *, organisation: Organisation | None) -> bool:
    """Create a report, write its narrative, generate it: the LAC or ICB lead of the ICB; a
    regional coordinator of the region; a national analyst for England."""
    if organisation is None:
        return is_national_analyst(user)
    if organisation.kind == "region":
        return has_any_role(user, *REGION_REPORT_WRITERS, organisation=organisation)
    return has_any_role(user, *ICB_REPORT_WRITERS, organisation=organisation)


def can_publish(user, *, organisation: Organisation | None) -> bool:
    """Publish a report: the ICB lead of the ICB; a regional coordinator of the region; a
    national analyst for England."""
    if organisation is None:
        return is_national_analyst(user)
    if organisation.kind == "region":
        return has_any_role(user, *REGION_REPORT_WRITERS, organisation=organisation)
    return has_any_role(user, *ICB_REPORT_PUBLISHERS, organisation=organisation)


def reports_visible_to(user):
    """The annual reports `user` may read: those of the ICBs whose figures they see, England's
    for national analysts, and every published England report for anyone with figures."""
    from leder.reports.models import Report, ReportStatus

    if not has_figures(user):
        return Report.objects.none()
    visible = Q(scope_kind="icb", organisation__in=icbs_with_figures(user))
    visible |= Q(scope_kind="region", organisation__in=regions_with_figures(user))
    if is_national_analyst(user):
        visible |= Q(scope_kind="england")
    else:
        visible |= Q(scope_kind="england", status=ReportStatus.PUBLISHED)
    return Report.objects.filter(visible).select_related("organisation")


def report_for(user, *, pk: int):
    """One report `user` may read: 403 without figures, 404 if not theirs or not found."""
    require_figures(user)
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report")
    return report


def actions_taken(*, scope: Scope, cohort) -> dict:
    """The actions taken as a result of reviews in `scope`: completed in the period or in
    progress now, grouped by (top-level) learning theme. An ICB's report lists each action's
    title (actions are about services, not people); a region's or England's counts them."""
    from leder.analytics.extract import scope_filter
    from leder.governance.models import Action, ActionStatus

    actions = (
        Action.objects.filter(scope_filter(scope), agreed_on__lt=cohort.ends_before)
        .filter(
            Q(
                status=ActionStatus.COMPLETED,
                completed_on__gte=cohort.starts_on,
                completed_on__lt=cohort.ends_before,
            )
            | Q(status=ActionStatus.IN_PROGRESS)
        )
        .prefetch_related("themes__parent")
        .order_by("reference")
    )
    themes: dict[str, dict] = {}
    for action in actions:
        names = sorted({(t.parent or t).name for t in action.themes.all()}) or ["Other"]
        for name in names:
            entry = themes.setdefault(
                name, {"name": name, "actions": [], "completed": 0, "in_progress": 0}
            )
            done = action.status == ActionStatus.COMPLETED
            entry["completed" if done else "in_progress"] += 1
            entry["actions"].append(
                {
                    "reference": action.reference,
                    "title": action.title,
                    "status": action.get_status_display().lower(),
                    "completed_on": action.completed_on if done else None,
                }
            )
    ordered = sorted(themes.values(), key=lambda t: (t["name"] == "Other", t["name"]))
    return {"listed": scope.kind == ScopeKind.ICB, "themes": ordered}
